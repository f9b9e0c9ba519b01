/**
 * Render HTTP journal events as IIS W3C log lines (PROTOCOL-FACTS.md "IIS W3C log lines"): IIS 7
 * fields for 2010, IIS 6 (s-sitename, no time-taken) for 2007. UTC, `+` for spaces, `-` for empty.
 */
import type { HttpEvent } from './events.ts';

const field = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '-' : String(v).replace(/ /g, '+'));

export const W3C_HEADER_IIS7 =
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken';
export const W3C_HEADER_IIS6 =
  '#Fields: date time s-sitename s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status';

/** One log line for one request; `serverAddress` is the mock's own address (s-ip). */
export function toW3CLine(e: HttpEvent, serverAddress: string, iis: 6 | 7 = 7): string {
  const [date, timeFull] = e.time.split('T');
  const time = (timeFull ?? '').slice(0, 8);
  const common = [field(e.method), field(e.path), field(e.query), e.localPort, field(e.user), field(e.remoteAddress), field(e.userAgent), e.status, 0, 0];
  if (iis === 6) return [date, time, 'W3SVC1', serverAddress, ...common].join(' ');
  return [date, time, serverAddress, ...common, Math.round(e.durationMs)].join(' ');
}
