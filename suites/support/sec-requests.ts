/**
 * Raw request texts for the SEC area: an authenticated EAS request of a topology user (the front door
 * proxies it, so the hop shows what crossed), with extra header lines and a body exactly as given.
 * @example
 * const text = easRequest(w, 'Blue', host, { headers: ['Connection: keep-alive, Via', 'Via: 1.1 marker'] });
 */
import type { World } from './world.ts';

export interface EasRequestOptions {
  method?: 'OPTIONS' | 'POST';
  /** Cmd= for POST (default Ping). */
  cmd?: string;
  deviceId?: string;
  /** Extra header lines, written as given (no validation: that is the point). */
  headers?: string[];
  /** Body bytes written after the head, as given. */
  body?: string;
}

/** `Authorization: Basic` of a topology user. */
export function basicAuth(w: World, name: string): string {
  const u = w.user(name);
  return `Basic ${Buffer.from(`${u.samAccountName}:${u.password}`).toString('base64')}`;
}

/** An EAS request line and head for `name` (device type SmartPhone: on no 451 list), then the body. */
export function easRequest(w: World, name: string, host: string, o: EasRequestOptions = {}): string {
  const u = w.user(name);
  const method = o.method ?? 'OPTIONS';
  const device = (o.deviceId ?? `SEC${u.samAccountName}`).replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
  const query = `${method === 'POST' ? `Cmd=${o.cmd ?? 'Ping'}&` : ''}User=${encodeURIComponent(u.samAccountName)}&DeviceId=${device}&DeviceType=SmartPhone`;
  const head = [
    `${method} /Microsoft-Server-ActiveSync?${query} HTTP/1.1`,
    `Host: ${host}`,
    `Authorization: ${basicAuth(w, name)}`,
    'MS-ASProtocolVersion: 14.1',
    'User-Agent: cas-conformance-sec/1.0',
    ...(o.headers ?? []),
  ];
  return `${head.join('\r\n')}\r\n\r\n${o.body ?? ''}`;
}
