/**
 * The raw `Set-Cookie` lines a client received, exactly as they came off the wire (COOK-01, COOK-06).
 * The clients' transcripts keep cookie names only (values are credentials), so this listens on undici's
 * `undici:request:headers` diagnostics channel, which carries every response's raw header list, and
 * keeps the answers of the origins asked for. Always `stop()` it (in a finally).
 * @example
 * const cap = captureSetCookies((origin) => origin === new URL(w.url('/')).origin);
 * try { await signInOwa(w, 'Red'); } finally { cap.stop(); }
 * cap.lines(); // [{ origin, path, status, line: 'sessionid=...; path=/' }, ...]
 */
import diagnostics from 'node:diagnostics_channel';

export interface CapturedLine {
  origin: string;
  method: string;
  path: string;
  status: number;
  /** One Set-Cookie header line, byte for byte (latin1). */
  line: string;
}

export interface SetCookieCapture {
  lines(): CapturedLine[];
  stop(): void;
}

/** Bound on the lines kept (a case never needs more). */
const MAX_LINES = 2000;

interface HeadersMessage {
  request: { origin?: unknown; method?: unknown; path?: unknown };
  response: { statusCode: number; headers: (Buffer | string)[] };
}

/** Start keeping the Set-Cookie lines of answers from origins `keep` accepts. */
export function captureSetCookies(keep: (origin: string) => boolean): SetCookieCapture {
  const out: CapturedLine[] = [];
  const ch = diagnostics.channel('undici:request:headers');
  const onMessage = (m: unknown) => {
    const { request, response } = m as HeadersMessage;
    const origin = String(request.origin ?? '').replace(/\/$/, '');
    if (!keep(origin) || !Array.isArray(response?.headers)) return;
    const raw = response.headers;
    for (let i = 0; i + 1 < raw.length && out.length < MAX_LINES; i += 2) {
      if (raw[i]!.toString().toLowerCase() !== 'set-cookie') continue;
      out.push({ origin, method: String(request.method ?? ''), path: String(request.path ?? ''), status: response.statusCode, line: Buffer.isBuffer(raw[i + 1]) ? (raw[i + 1] as Buffer).toString('latin1') : String(raw[i + 1]) });
    }
  };
  ch.subscribe(onMessage);
  let stopped = false;
  return {
    lines: () => out.slice(),
    stop: () => {
      if (stopped) return;
      stopped = true;
      ch.unsubscribe(onMessage);
    },
  };
}

/** One Set-Cookie line taken apart (RFC 6265 5.2): name, value and the attributes as written. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** `name=value` or `flag` items after the first `;`, trimmed, in order. */
  attributes: string[];
}

export function parseSetCookie(line: string): ParsedSetCookie {
  const [pair = '', ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  return {
    name: (eq >= 0 ? pair.slice(0, eq) : pair).trim(),
    value: eq >= 0 ? pair.slice(eq + 1).trim() : '',
    attributes: rest.map((a) => a.trim()).filter(Boolean),
  };
}

/** RFC 6265 5.2 attribute names: anything else after the first `;` means two cookies were folded into one line. */
const KNOWN_ATTRIBUTES = new Set(['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'partitioned', 'priority']);

/** The attribute names of a line that are not cookie attributes (a folded second cookie shows up here). */
export function foreignAttributes(c: ParsedSetCookie): string[] {
  return c.attributes.map((a) => a.split('=')[0]!.trim().toLowerCase()).filter((n) => !KNOWN_ATTRIBUTES.has(n));
}

/** Attributes in a comparable form: lower-case names, values kept, sorted. */
export function attributeKey(c: ParsedSetCookie): string {
  return c.attributes
    .map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? a.toLowerCase() : `${a.slice(0, i).trim().toLowerCase()}=${a.slice(i + 1).trim()}`;
    })
    .sort()
    .join('; ');
}

/** The Domain attribute of a line (without a leading dot), if any. */
export function domainAttribute(c: ParsedSetCookie): string | undefined {
  const d = c.attributes.find((a) => /^domain\s*=/i.test(a));
  return d ? d.slice(d.indexOf('=') + 1).trim().replace(/^\./, '').toLowerCase() || undefined : undefined;
}

/**
 * The user-context cookie forms of seed 000 as PROTOCOL-FACTS models them: pre-RU1 a 32-hex GUID
 * (optionally `&` and more), RU1 a 76-character canary (base64 with `+/=` as `-_.`).
 */
export function userContextFormOf(value: string): 'guid32' | 'canary76' | 'other' {
  if (/^[0-9a-f]{32}(&.*)?$/i.test(value)) return 'guid32';
  if (/^[A-Za-z0-9_.-]{76}$/.test(value)) return 'canary76';
  return 'other';
}
