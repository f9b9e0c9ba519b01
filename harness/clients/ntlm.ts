/**
 * NTLM over HTTP for the suite: the handshake runs on ONE connection (an undici `Client` with
 * pipelining 1, created per handshake and closed after), because NTLM authenticates the TCP
 * connection and IIS binds the identity to it. A front door that spreads the legs of one
 * handshake over several upstream connections breaks NTLM; the transcript shows every connection
 * opened, so the evidence says where. The transcript never holds the password, a hash or a response.
 */
import type { LookupFunction } from 'node:net';
import { Client, buildConnector } from 'undici';
import { withSharedContext } from './tls-context.ts';
import { NtlmClientError, createType1, createType3, parseType2, type NtlmCredentials } from '../../mocks/auth/ntlm/client-messages.ts';

export { NtlmClientError, createType1, createType3, parseType2 } from '../../mocks/auth/ntlm/client-messages.ts';
export type { NtlmCredentials, ParsedChallenge } from '../../mocks/auth/ntlm/client-messages.ts';

export interface NtlmTranscriptLine {
  dir: 'C' | 'S';
  line: string;
}

/** TLS and name resolution of the connection (lab CA, SNI, lab FQDN -> 127.0.x.y). */
export interface NtlmConnectOptions {
  ca?: string | Buffer | Array<string | Buffer>;
  servername?: string;
  rejectUnauthorized?: boolean;
  lookup?: LookupFunction;
}

export interface NtlmResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  transcript: NtlmTranscriptLine[];
}

export interface NtlmRequestOptions extends NtlmCredentials {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  scheme?: 'NTLM' | 'Negotiate';
  connect?: NtlmConnectOptions;
  timeoutMs?: number;
  /** Test aid: send the Type 3 on a NEW connection; a connection-bound server must refuse it. */
  splitHandshake?: boolean;
}

interface PlainRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Authorization header value, and how the transcript shows it (never the token itself). */
  authorization?: { value: string; summary: string };
}

// Shared by the sessions of one handshake so connection numbers run on across a split.
interface Shared {
  transcript: NtlmTranscriptLine[];
  connections: number;
}

/**
 * One HTTP connection to `origin` (reopened by undici only if the server closes it: the transcript
 * then shows a second connection). `authenticate` runs the handshake; `request` sends more
 * requests on the same connection, with no Authorization header unless given.
 * @example
 * const s = new NtlmSession('https://mail.contoso.lab', { connect: { ca } });
 * await s.authenticate('/EWS/Exchange.asmx', { user: 'user1', password, domain: 'CONTOSO' });
 * const again = await s.request('/EWS/Exchange.asmx'); // authenticated by the connection
 * await s.close();
 */
export class NtlmSession {
  readonly #client: Client;
  readonly #shared: Shared;
  readonly #timeoutMs: number;
  readonly #origin: string;
  readonly #opts: { connect?: NtlmConnectOptions; timeoutMs?: number };
  #pending: string[] = [];

  constructor(origin: string, opts: { connect?: NtlmConnectOptions; timeoutMs?: number } = {}, shared?: Shared) {
    if (!/^https?:\/\//i.test(origin)) throw new NtlmClientError(`origin must be an http:// or https:// URL, got ${origin}`);
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) throw new NtlmClientError('timeoutMs must be a positive number');
    this.#origin = new URL(origin).origin;
    this.#opts = opts;
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#shared = shared ?? { transcript: [], connections: 0 };
    const base = buildConnector({ ...withSharedContext(opts.connect ?? {}), timeout: this.#timeoutMs, maxCachedSessions: 0 });
    this.#client = new Client(this.#origin, {
      pipelining: 1,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
      connect: (o, cb) => {
        this.#pending.push(`(connection #${++this.#shared.connections} to ${o.hostname}:${o.port || (o.protocol === 'https:' ? 443 : 80)})`);
        base(o, cb);
      },
    });
  }

  get transcript(): NtlmTranscriptLine[] {
    return this.#shared.transcript;
  }

  /** TCP connections opened so far by the sessions of this handshake. */
  get connections(): number {
    return this.#shared.connections;
  }

  /** One request on this session's connection. Rejects with NtlmClientError (transcript attached) on a transport failure. */
  async request(path: string, init: PlainRequest = {}): Promise<NtlmResult> {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(init.headers ?? {})) {
      // The handshake owns Authorization: a caller's one (any case) would make a second header.
      if (!(init.authorization && k.toLowerCase() === 'authorization')) headers[k] = v;
    }
    if (init.authorization) headers['authorization'] = init.authorization.value;
    const lines = [`${method} ${path} HTTP/1.1`];
    if (init.authorization) lines.push(`Authorization: ${init.authorization.summary}`);
    const t = this.#shared.transcript;
    try {
      const res = await this.#client.request({ path, method, headers, body: init.body, reset: false, signal: AbortSignal.timeout(this.#timeoutMs) });
      const body = await res.body.text();
      this.#flush(lines);
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = v;
      t.push({ dir: 'S', line: `HTTP/1.1 ${res.statusCode}` });
      for (const v of asArray(out['www-authenticate'])) t.push({ dir: 'S', line: `WWW-Authenticate: ${describeOffer(v)}` });
      return { status: res.statusCode, headers: out, body, transcript: t };
    } catch (err) {
      this.#flush(lines);
      const msg = err instanceof Error ? err.message : String(err);
      t.push({ dir: 'S', line: `(no answer: ${msg})` });
      throw new NtlmClientError(`${method} ${this.#origin}${path} failed: ${msg}`, t, { cause: err });
    }
  }

  /**
   * The NTLM handshake: Type 1, the 401 with the challenge, Type 3, on this connection (or, with
   * `splitHandshake`, the Type 3 on a new one). A non-401 first answer, a 401 without a challenge
   * of the scheme, or an unusable challenge end the handshake and are returned as they are.
   */
  async authenticate(path: string, opts: NtlmRequestOptions): Promise<NtlmResult> {
    const scheme = opts.scheme ?? 'NTLM';
    const plain = { method: opts.method, headers: opts.headers, body: opts.body };
    const type1 = createType1();
    const r1 = await this.request(path, {
      ...plain,
      authorization: { value: `${scheme} ${type1.toString('base64')}`, summary: `${scheme} ${describeType1(type1)}` },
    });
    if (r1.status !== 401) return r1;
    const token = findChallenge(r1.headers['www-authenticate'], scheme);
    if (!token) {
      this.transcript.push({ dir: 'C', line: `(no ${scheme} challenge in the 401: handshake ends)` });
      return r1;
    }
    let type3: Buffer;
    try {
      type3 = createType3(token, opts);
    } catch (err) {
      this.transcript.push({ dir: 'C', line: `(unusable challenge: ${(err as Error).message})` });
      return r1;
    }
    const authorization = {
      value: `${scheme} ${type3.toString('base64')}`,
      summary: `${scheme} Type3 domain=${opts.domain} user=${opts.user} workstation=${opts.workstation ?? 'WORKSTATION'} NTLMv2`,
    };
    if (!opts.splitHandshake) return this.request(path, { ...plain, authorization });
    const other = new NtlmSession(this.#origin, this.#opts, this.#shared);
    try {
      return await other.request(path, { ...plain, authorization });
    } finally {
      await other.close();
    }
  }

  async close(): Promise<void> {
    await this.#client.close().catch(() => this.#client.destroy());
  }

  #flush(lines: string[]): void {
    for (const line of [...this.#pending, ...lines]) this.#shared.transcript.push({ dir: 'C', line });
    this.#pending = [];
  }
}

/**
 * One NTLM-authenticated request on a connection of its own, closed afterwards.
 * @example
 * const r = await ntlmRequest('https://mail.contoso.lab/EWS/Exchange.asmx',
 *   { user: 'user1', password: 'P@ssw0rd', domain: 'CONTOSO', scheme: 'Negotiate', connect: { ca } });
 * r.status; // 200 once the front door kept the handshake on one upstream connection
 */
export async function ntlmRequest(url: string, opts: NtlmRequestOptions): Promise<NtlmResult> {
  const u = new URL(url);
  const session = new NtlmSession(u.origin, { connect: opts.connect, timeoutMs: opts.timeoutMs });
  try {
    return await session.authenticate(u.pathname + u.search, opts);
  } finally {
    await session.close();
  }
}

function asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The challenge token of `scheme` among the WWW-Authenticate values (offers may share one header). */
function findChallenge(values: string | string[] | undefined, scheme: string): Buffer | null {
  for (const offer of asArray(values).flatMap((v) => v.split(','))) {
    const m = /^\s*(\S+)\s+([A-Za-z0-9+/]+=*)\s*$/.exec(offer);
    if (m && m[1]!.toLowerCase() === scheme.toLowerCase()) return Buffer.from(m[2]!, 'base64');
  }
  return null;
}

function hex(flags: number): string {
  return `0x${(flags >>> 0).toString(16).padStart(8, '0')}`;
}

function describeType1(b: Buffer): string {
  return `Type1 flags=${hex(b.readUInt32LE(12))}`;
}

/** A WWW-Authenticate value for the transcript: a plain offer as is, a challenge decoded. */
function describeOffer(value: string): string {
  const m = /^\s*(NTLM|Negotiate)\s+(\S+)\s*$/i.exec(value);
  if (!m) return value;
  try {
    const c = parseType2(Buffer.from(m[2]!, 'base64'));
    return `${m[1]} Type2 flags=${hex(c.flags)} target=${c.targetName}${c.timestamp ? ' timestamp' : ''}`;
  } catch {
    return `${m[1]} (${m[2]!.length} characters, not an NTLM challenge)`;
  }
}
