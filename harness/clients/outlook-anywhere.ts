/**
 * Outlook Anywhere (RPC over HTTP, MS-RPCH) as Outlook opens it: an IN channel (`RPC_IN_DATA`) and
 * an OUT channel (`RPC_OUT_DATA`) to `/rpc/rpcproxy.dll?<mailbox server>:6001`, each on its own
 * connection. With NTLM each channel runs the handshake on its own connection (harness/clients/ntlm.ts:
 * IIS binds the identity to the TCP connection, so a front door must keep the legs together); with
 * Basic every request carries the credentials. The mock answers one RTS PDU and closes; a real
 * channel would stream for hours, so only statuses are judged. The OUT channel is opened only after
 * the IN channel was accepted (200), as Outlook does.
 */
import type { Dispatcher } from 'undici';
import { createType1, createType3, NtlmClientError, NtlmSession, type NtlmConnectOptions, type NtlmTranscriptLine } from './ntlm.ts';
import { HttpClientError, recordedRequest, Transcript, type ResponseHeaders, type TranscriptEntry } from './transcript.ts';

export { HttpClientError } from './transcript.ts';

export interface RpcConnectOptions {
  user: string;
  password: string;
  /** NetBIOS domain for NTLM (CONTOSO); Basic sends `DOMAIN\user` when given. */
  domain?: string;
  scheme: 'NTLM' | 'Basic';
  /** Mailbox server the RPC names (`?<server>:6001`) when `url` has no query. */
  mailboxServer?: string;
  /** Basic: the caller's agent. */
  dispatcher?: Dispatcher;
  /** NTLM (required) and Basic without a dispatcher: TLS and lab name resolution of the connections. */
  connect?: NtlmConnectOptions;
  /** Bound on each request. Default 10 s. */
  timeoutMs?: number;
}

export interface RpcChannelResult {
  status: number;
  headers: ResponseHeaders;
}

export interface RpcConnectResult {
  /** The URL both channels used. */
  url: string;
  inData: RpcChannelResult;
  /** Absent when the IN channel was not accepted. */
  outData?: RpcChannelResult;
  transcript: TranscriptEntry[];
}

// MS-RPCH 2.2.4: RTS PDUs (version 5.0, PTYPE 20, flags 0x03, NDR little-endian). CONN/B1 opens the
// IN channel, CONN/A1 the OUT channel; the commands inside are zero-filled: the mock reads no further.
function rtsPdu(flags: number, commands: number, length: number): Uint8Array {
  const b = Buffer.alloc(length);
  b.set([0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00], 0);
  b.writeUInt16LE(length, 8);
  b.writeUInt16LE(flags, 16);
  b.writeUInt16LE(commands, 18);
  return new Uint8Array(b);
}
const CONN_B1 = rtsPdu(0x0000, 6, 104);
const CONN_A1 = rtsPdu(0x0000, 4, 76);

/**
 * Open both channels.
 * @example
 * const r = await rpcConnect(lab.origin('cas2010.site1.contoso.lab') + '/rpc/rpcproxy.dll', {
 *   user: 'red', password: 'Red-P@ss1', domain: 'CONTOSO', scheme: 'NTLM', mailboxServer: 'mbx2010.site1.contoso.lab',
 *   connect: { ca: lab.trustBundle(), lookup: labLookup(lab.hosts()) } });
 * r.inData.status; // 200
 */
export async function rpcConnect(url: string, opts: RpcConnectOptions): Promise<RpcConnectResult> {
  if (!opts || !opts.user || typeof opts.password !== 'string') throw new TypeError('rpcConnect: opts.user and opts.password are required');
  if (opts.scheme !== 'NTLM' && opts.scheme !== 'Basic') throw new TypeError("rpcConnect: opts.scheme must be 'NTLM' or 'Basic'");
  if (opts.scheme === 'NTLM' && !opts.connect) throw new TypeError('rpcConnect: NTLM needs opts.connect (ca, lookup): each handshake gets a connection of its own');
  if (opts.scheme === 'Basic' && !opts.dispatcher) throw new TypeError('rpcConnect: Basic needs opts.dispatcher');
  const target = rpcUrl(url, opts.mailboxServer);
  const t = new Transcript();
  const send = opts.scheme === 'NTLM' ? ntlmChannel : basicChannel;
  t.note(`(IN channel: RPC_IN_DATA ${target})`);
  const inData = await send(target, 'RPC_IN_DATA', CONN_B1, opts, t);
  if (inData.status !== 200) {
    t.note(`(IN channel answered ${inData.status}: Outlook opens no OUT channel)`);
    return { url: target, inData, transcript: t.snapshot() };
  }
  t.note('(OUT channel: RPC_OUT_DATA)');
  const outData = await send(target, 'RPC_OUT_DATA', CONN_A1, opts, t);
  return { url: target, inData, outData, transcript: t.snapshot() };
}

function rpcUrl(url: string, mailboxServer?: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new TypeError(`rpcConnect: bad URL ${url}`);
  }
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/rpc/rpcproxy.dll';
  if (!u.search) {
    if (!mailboxServer) throw new TypeError('rpcConnect: name the mailbox server (opts.mailboxServer or ?<server>:6001 in the URL)');
    u.search = `?${mailboxServer}:6001`;
  }
  return u.href;
}

// Outlook's RPC over HTTP request headers (the 1 GB / 76-byte Content-Lengths of a real channel are
// not copied: the mock answers at once and a front door must not wait for a gigabyte).
function rpcHeaders(): Record<string, string> {
  return { 'user-agent': 'MSRPC', accept: 'application/rpc', 'cache-control': 'no-cache', pragma: 'no-cache', 'content-type': 'application/rpc' };
}

async function basicChannel(url: string, method: string, body: Uint8Array, opts: RpcConnectOptions, t: Transcript): Promise<RpcChannelResult> {
  const login = opts.domain ? `${opts.domain}\\${opts.user}` : opts.user;
  const res = await recordedRequest(opts.dispatcher!, t, {
    url, method, body, timeoutMs: opts.timeoutMs ?? 10_000,
    headers: { ...rpcHeaders(), authorization: `Basic ${Buffer.from(`${login}:${opts.password}`).toString('base64')}` },
    bodySummary: `RTS ${method === 'RPC_IN_DATA' ? 'CONN/B1' : 'CONN/A1'} (${body.byteLength} bytes)`,
  });
  return { status: res.status, headers: res.headers };
}

/**
 * One NTLM-authenticated channel request on a connection of its own. The Type 1 leg carries no body
 * (an RPC client authenticates before it streams); the Type 3 leg carries the channel's RTS PDU.
 * The legs are driven here rather than by ntlmRequest, which sends the same body on both legs.
 */
async function ntlmChannel(url: string, method: string, body: Uint8Array, opts: RpcConnectOptions, t: Transcript): Promise<RpcChannelResult> {
  const u = new URL(url);
  const path = u.pathname + u.search;
  const session = new NtlmSession(u.origin, { connect: opts.connect, timeoutMs: opts.timeoutMs ?? 10_000 });
  const copied = { n: 0 };
  const copy = (lines: NtlmTranscriptLine[]) => {
    for (const l of lines.slice(copied.n)) t.add(l.dir, l.line);
    copied.n = lines.length;
  };
  try {
    const type1 = createType1();
    const r1 = await session.request(path, { method, headers: rpcHeaders(), authorization: { value: `NTLM ${type1.toString('base64')}`, summary: 'NTLM Type1' } });
    copy(r1.transcript);
    const token = challengeOf(r1.headers['www-authenticate']);
    if (r1.status !== 401 || !token) {
      if (r1.status === 401) t.note('(no NTLM challenge in the 401: the handshake ends)');
      return { status: r1.status, headers: r1.headers };
    }
    let type3: Buffer;
    try {
      type3 = createType3(token, { user: opts.user, password: opts.password, domain: opts.domain ?? '' });
    } catch (err) {
      t.note(`(unusable NTLM challenge: ${(err as Error).message})`);
      return { status: r1.status, headers: r1.headers };
    }
    t.note(`(the Type 3 leg carries RTS ${method === 'RPC_IN_DATA' ? 'CONN/B1' : 'CONN/A1'}, ${body.byteLength} bytes)`);
    const r2 = await session.request(path, {
      method, headers: rpcHeaders(), body: Buffer.from(body),
      authorization: { value: `NTLM ${type3.toString('base64')}`, summary: `NTLM Type3 domain=${opts.domain ?? ''} user=${opts.user} NTLMv2` },
    });
    copy(r2.transcript);
    return { status: r2.status, headers: r2.headers };
  } catch (err) {
    if (err instanceof NtlmClientError) {
      copy(err.transcript);
      throw new HttpClientError('HTTP_CLIENT_TRANSPORT', `${method} ${url}: ${err.message}`, t.snapshot(), { cause: err });
    }
    throw err;
  } finally {
    await session.close();
  }
}

/** The NTLM token of a 401's WWW-Authenticate values (offers may share one header). */
function challengeOf(values: string | string[] | undefined): Buffer | null {
  for (const offer of ([] as string[]).concat(values ?? []).flatMap((v) => v.split(','))) {
    const m = /^\s*NTLM\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(offer);
    if (m) return Buffer.from(m[1]!, 'base64');
  }
  return null;
}
