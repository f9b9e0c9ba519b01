/**
 * What the suite's HTTP clients saw on the wire, as evidence for a report: one line per request line,
 * status line and key header, never a password (Authorization values and password form fields are
 * masked). Also the one place these clients send a request (`recordedRequest`): bounded in time and
 * size, never throwing for an HTTP status, throwing `HttpClientError` (transcript attached) only when
 * the transport fails.
 */
import { request, type Dispatcher } from 'undici';

/** One line of a transcript: C = client sent, S = server answered, note = the client's own remark. */
export interface TranscriptEntry {
  dir: 'C' | 'S' | 'note';
  line: string;
  /** Milliseconds since the transcript began (the report prints `+<at>ms`). */
  at?: number;
}

/** Lines kept per transcript; past this, one marker line and nothing more (a bound on memory). */
const MAX_LINES = 5000;

/** A bounded, append-only transcript. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  readonly #start = Date.now();

  add(dir: TranscriptEntry['dir'], line: string): void {
    if (this.entries.length > MAX_LINES) return;
    const at = Date.now() - this.#start;
    if (this.entries.length === MAX_LINES) return void this.entries.push({ dir: 'note', line: '(transcript truncated)', at });
    this.entries.push({ dir, line: line.length > 2000 ? `${line.slice(0, 2000)}...` : line, at });
  }

  note(line: string): void {
    this.add('note', line);
  }

  /** A copy of the lines so far (results keep theirs while the client goes on). */
  snapshot(): TranscriptEntry[] {
    return this.entries.slice();
  }
}

/** `C: GET /owa/ HTTP/1.1` style text, for failure messages and debugging. */
export function formatTranscript(entries: readonly TranscriptEntry[]): string {
  return entries.map((e) => `${e.dir === 'note' ? '#' : e.dir + ':'} ${e.line}`).join('\n');
}

export type HttpClientErrorCode = 'HTTP_CLIENT_TRANSPORT' | 'HTTP_CLIENT_TIMEOUT' | 'HTTP_CLIENT_BODY_TOO_LARGE' | 'HTTP_CLIENT_BAD_URL';

/** A request that got no usable HTTP answer (connection, TLS, timeout, oversized body, bad URL). */
export class HttpClientError extends Error {
  constructor(
    readonly code: HttpClientErrorCode,
    message: string,
    readonly transcript: TranscriptEntry[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpClientError';
  }
}

/** An Authorization value as the transcript shows it: the scheme and, for Basic, the user name only. */
export function maskAuthorization(value: string): string {
  const [scheme = '', token = ''] = value.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return `Basic (user ${i >= 0 ? decoded.slice(0, i) : '?'}, password masked)`;
  }
  return `${scheme} (${token.length} characters, masked)`;
}

const PASSWORD_FIELD = /pass|pwd/i;

/** Form fields for the transcript: every value shown except password fields (`name=****`). */
export function maskForm(fields: readonly (readonly [string, string])[], passwordNames: ReadonlySet<string> = new Set()): string {
  return fields.map(([k, v]) => `${k}=${passwordNames.has(k) || PASSWORD_FIELD.test(k) ? '****' : v}`).join('&');
}

/** Response headers every transcript keeps (Set-Cookie by name only). */
const KEY_HEADERS = ['location', 'x-ms-location', 'www-authenticate', 'x-owa-version', 'content-type'];
const CANONICAL: Record<string, string> = {
  location: 'Location', 'x-ms-location': 'X-MS-Location', 'www-authenticate': 'WWW-Authenticate', 'x-owa-version': 'X-OWA-Version',
  'content-type': 'Content-Type', 'ms-asprotocolversion': 'MS-ASProtocolVersion', 'x-ms-policykey': 'X-MS-PolicyKey', 'soapaction': 'SOAPAction', 'ms-asprotocolversions': 'MS-ASProtocolVersions', 'ms-server-activesync': 'MS-Server-ActiveSync',
};

export type ResponseHeaders = Record<string, string | string[]>;

export function headerValues(h: ResponseHeaders, name: string): string[] {
  const v = h[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

export function headerValue(h: ResponseHeaders, name: string): string | undefined {
  return headerValues(h, name)[0];
}

export interface RecordedRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** What the transcript says about the body instead of the body (e.g. masked form fields). */
  bodySummary?: string;
  /** Bound on the whole exchange, answer body included. Default 10 s. */
  timeoutMs?: number;
  /** Largest answer body read. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Response headers recorded besides Location, X-MS-Location, WWW-Authenticate, X-OWA-Version, Content-Type, Set-Cookie. */
  recordHeaders?: string[];
}

export interface RecordedResponse {
  url: string;
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
}

/**
 * Send one request through `dispatcher` and record it. Never throws for a status; throws
 * HttpClientError on a transport failure, a timeout or an oversized body.
 * @example
 * const t = new Transcript();
 * const r = await recordedRequest(agent, t, { url: 'https://mail.contoso.lab:20443/owa/' });
 * r.status; // 302
 */
export async function recordedRequest(dispatcher: Dispatcher, t: Transcript, req: RecordedRequest): Promise<RecordedResponse> {
  let u: URL;
  try {
    u = new URL(req.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`scheme ${u.protocol} is not HTTP`);
  } catch (err) {
    t.note(`(bad URL ${req.url}: ${(err as Error).message})`);
    throw new HttpClientError('HTTP_CLIENT_BAD_URL', `bad URL ${req.url}: ${(err as Error).message}`, t.snapshot(), { cause: err });
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const timeoutMs = req.timeoutMs ?? 10_000;
  const maxBody = req.maxBodyBytes ?? 4 * 1024 * 1024;
  t.add('C', `${method} ${u.pathname}${u.search} HTTP/1.1`);
  t.add('C', `Host: ${u.host}`);
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    const lower = k.toLowerCase();
    if (lower === 'authorization') t.add('C', `Authorization: ${maskAuthorization(v)}`);
    else if (lower === 'cookie') t.add('C', `Cookie: ${v.split(';').map((c) => c.split('=')[0]!.trim()).join(', ')} (values omitted)`);
    else if (['content-type', 'ms-asprotocolversion', 'x-ms-policykey', 'user-agent', 'soapaction'].includes(lower)) t.add('C', `${CANONICAL[lower] ?? titleCase(k)}: ${v}`);
  }
  if (req.bodySummary !== undefined) t.add('C', `(body) ${req.bodySummary}`);
  else if (req.body !== undefined) t.add('C', `(body: ${typeof req.body === 'string' ? Buffer.byteLength(req.body) : req.body.byteLength} bytes)`);

  // undici's own timeouts end a silent exchange cleanly; the signal is the overall cap (connect, slow
  // bodies) and fires a little later because an aborted request makes undici open a spare connection.
  const signal = AbortSignal.timeout(timeoutMs + 1000);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(u, { dispatcher, method: method as Dispatcher.HttpMethod, headers: req.headers, body: req.body, signal, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (err) {
    throw transportError(t, method, u, err, signal, timeoutMs);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        res.body.destroy();
        t.add('S', `HTTP/1.1 ${res.statusCode}`);
        t.note(`(answer body larger than ${maxBody} bytes: stopped reading)`);
        throw new HttpClientError('HTTP_CLIENT_BODY_TOO_LARGE', `${method} ${u.href}: answer body larger than ${maxBody} bytes`, t.snapshot());
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof HttpClientError) throw err;
    throw transportError(t, method, u, err, signal, timeoutMs);
  }
  const headers: ResponseHeaders = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
  t.add('S', `HTTP/1.1 ${res.statusCode}`);
  for (const name of [...KEY_HEADERS, ...(req.recordHeaders ?? []).map((h) => h.toLowerCase())]) {
    for (const v of headerValues(headers, name)) t.add('S', `${CANONICAL[name] ?? titleCase(name)}: ${v}`);
  }
  for (const c of headerValues(headers, 'set-cookie')) t.add('S', `Set-Cookie: ${describeSetCookie(c)}`);
  return { url: u.href, status: res.statusCode, headers, body: new Uint8Array(Buffer.concat(chunks)) };
}

function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

/** `name (attributes)` of a Set-Cookie line: the value is a credential and stays out. */
export function describeSetCookie(line: string): string {
  const [pair = '', ...attrs] = line.split(';');
  const name = pair.split('=')[0]!.trim();
  const kept = attrs.map((a) => a.trim()).filter(Boolean);
  return kept.length ? `${name} (${kept.join('; ')})` : name;
}

function transportError(t: Transcript, method: string, u: URL, err: unknown, signal: AbortSignal, timeoutMs: number): HttpClientError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const timedOut = signal.aborted || /timeout/i.test(e?.code ?? '') || /timeout/i.test(e?.name ?? '');
  const detail = [e?.code, e?.message, e?.cause?.code, e?.cause?.message].filter(Boolean).join(': ');
  t.add('S', timedOut ? `(no answer within ${timeoutMs} ms: ${detail})` : `(no answer: ${detail})`);
  return new HttpClientError(timedOut ? 'HTTP_CLIENT_TIMEOUT' : 'HTTP_CLIENT_TRANSPORT', `${method} ${u.href} failed: ${timedOut ? `no answer within ${timeoutMs} ms` : detail}`, t.snapshot(), { cause: err });
}
