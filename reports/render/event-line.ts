/**
 * One readable line per journal event (what reached the mock CAS servers), in the style of
 * harness/verify/check.ts describeHttp: `cas2010.site2 GET /owa/ Host=mail.contoso.lab user=red -> 200 (proxied)`.
 * Events arrive in reports as plain JSON (reports/ imports nothing of the lab), so every field is read
 * defensively: an event of a kind not known here still gets a line, from its scalar fields.
 */

type Ev = Record<string, unknown>;

const str = (v: unknown): string => (v === undefined || v === null || v === '' ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The first label of a lab FQDN keeps lines short (`cas2010.site2` for `cas2010.site2.contoso.lab`). */
function server(e: Ev): string {
  return str(e.server).replace(/\.contoso\.lab$/, '');
}

function http(e: Ev): string {
  const q = e.query ? `?${str(e.query)}` : '';
  const target = e.target ? ` -> ${str(e.target)}` : '';
  const ua = e.userAgent ? ` UA=${str(e.userAgent)}` : '';
  return `${server(e)} ${str(e.method)} ${str(e.path)}${q} Host=${str(e.host)} SNI=${str(e.sni)} ${str(e.scheme)} user=${str(e.user)}${e.authScheme ? ` auth=${str(e.authScheme)}` : ''}${ua} -> ${str(e.status)} (${str(e.decision)}${target})`;
}

const DESCRIBE: Record<string, (e: Ev) => string> = {
  http,
  tls: (e) => `${server(e)} TLS ${str(e.service)} port ${str(e.localPort)} SNI=${str(e.sni)} ${str(e.protocol)} cert=${str(e.certificate)} -> ${str(e.outcome)}`,
  mail: (e) => `${server(e)} ${str(e.protocol)} ${str(e.method)} port ${str(e.localPort)} user=${str(e.user)} login=${str(e.login)} commands=${Array.isArray(e.commands) ? e.commands.length : 0} (${str(e.closeReason)})`,
  hop: (e) => `${server(e)} hop ${str(e.protocol)} ${str(e.url)} -> ${str(e.targetServer)} ${str(e.status)}${e.error ? ` error=${str(e.error)}` : ''}`,
  eventlog: (e) => `${server(e)} event ${str(e.eventId)} ${str(e.level)} ${str(e.source)}: ${str(e.message).split('\n')[0]}`,
  fault: (e) => `${server(e)} fault ${str(e.action)} ${str(e.description)}`,
};

/**
 * One line for a journal event, cut to `max` characters.
 * @example
 * eventLine({ kind: 'http', server: 'cas2010.site2.contoso.lab', method: 'GET', path: '/owa/', status: 200, decision: 'served' })
 * // 'cas2010.site2 GET /owa/ Host=- SNI=- - user=- -> 200 (served)'
 */
export function eventLine(event: unknown, max = 400): string {
  let line: string;
  if (!event || typeof event !== 'object') line = str(event);
  else {
    const e = event as Ev;
    const d = DESCRIBE[String(e.kind)];
    line = d
      ? d(e)
      : Object.entries(e)
          .filter(([k, v]) => k !== 'seq' && k !== 'time' && (typeof v !== 'object' || v === null))
          .map(([k, v]) => `${k}=${str(v)}`)
          .join(' ');
  }
  line = line.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}
