/**
 * The hop from the front door to a legacy CAS (001: "it constructs a URL based on the server FQDN"):
 * always HTTPS (RULES.md TLS-01; defect `plain-http-hop` aside), Host and SNI = the target's name,
 * authenticated as the user: NTLM where the vdir offers it (001: "enable NTLM in addition to basic
 * authentication"; OA-02), Basic where only Basic is offered, nothing on forms vdirs (OWA carries its
 * own session cookies). A 401 from the legacy CAS after the front door authenticated means the hop's
 * credentials failed: the client gets 502, never the legacy challenge.
 */
import type { Readable } from 'node:stream';
import type { buildConnector, Dispatcher } from 'undici';
import type { AuthMethod } from '../../../harness/topology/schema.ts';
import type { DirServer } from '../../../harness/topology/directory-contract.ts';
import type { HopTarget, HttpProtocol } from '../routing/http-routes.ts';
import { authenticateMessage, negotiateMessage, parseChallenge } from '../ntlm/messages.ts';
import { NtlmClientPool, SharedHopConnections } from './ntlm-hop.ts';
import { clientResponseHeaders, hopRequestHeaders } from './headers.ts';
import { forward, ForwardError, relay, type ForwardOptions, type ForwardResult } from './forward.ts';
import { WireAgent } from '../wire/agent.ts';
import { bufferedRequest, type BufferedAnswer } from '../wire/buffered.ts';
import type { HopDispatcher, RawHeaders } from '../wire/exchange.ts';
import { STATUS_TEXT, type FrontRequest, type FrontResponse } from './front-types.ts';

export type HopAuth = 'ntlm' | 'basic' | 'none' | 'pass';

export interface HopCreds {
  /** The logon name as the client typed it (DOMAIN\sam, UPN, sam). */
  login: string;
  samAccountName: string;
  /** NetBIOS domain for NTLM. */
  domain: string;
  password: string;
}

/** The hop authentication a vdir calls for (its IIS methods as the directory lists them). */
export function hopAuthFor(server: DirServer, protocol: HttpProtocol): HopAuth {
  const methods: AuthMethod[] = protocol === 'rpc' ? server.vdirs.rpc.auth : server.vdirs[protocol].auth;
  if (protocol === 'owa' && methods.includes('fba')) return 'none';
  if (methods.includes('ntlm') || methods.includes('negotiate')) return 'ntlm';
  if (methods.includes('basic')) return 'basic';
  return 'none';
}

export interface HopCall {
  target: HopTarget;
  protocol: HttpProtocol;
  auth: HopAuth;
  creds?: HopCreds | undefined;
  req: FrontRequest;
  res: FrontResponse;
  method: string;
  path: string;
  body: Readable | Buffer | null;
  cookie: string | null;
  clientIp: string;
  clientOrigin: string;
  /** Extra response headers for the client (e.g. Set-Cookie of a fresh sign-in to the target). */
  extraHeaders?: string[];
  /** Sees the hop's raw head before it is relayed (OWA notes which server set which cookie). */
  onHead?: (status: number, rawHeaders: RawHeaders) => void;
  cookieRewriteDomain?: string | undefined;
  /** Drop an answer unseen so the caller can repeat the request (see forward.ts). */
  intercept?: (status: number, rawHeaders: RawHeaders) => boolean;
  /** Relay the legacy CAS's 401 as is (defect `no-auth`). */
  relay401?: boolean;
  headersTimeoutMs: number;
}

export type { BufferedAnswer };

/**
 * @example
 * const hop = new Hop({ wire, undici }, { headersTimeout: 120_000, bodyTimeout: 3_700_000 });
 * await hop.forward({ target, protocol: 'eas', auth: 'ntlm', creds, req, res, ... });
 */
export class Hop {
  /** The hop's own HTTP/1.1 client (wire/): every hop but the defect `pool-auth-hops`' shared connections. */
  readonly wire: WireAgent;
  /** NTLM hops: a connection of their own per user and target (on the wire client too). */
  readonly ntlm: NtlmClientPool;
  /** Defect `pool-auth-hops` only: one connection per target for every hop and probe, whoever it is for. */
  readonly shared: SharedHopConnections | null;

  /**
   * @param connectors.wire the hop's own client's (its sockets read into their own buffers: net/connector.ts `ownReads`).
   * @param connectors.undici undici's clients' (the defect `pool-auth-hops`).
   * @param opts.keepHopHeaders defect `keep-hop-headers`: hop-by-hop headers forwarded, X-Forwarded-For replaced.
   * @param opts.poolAcrossUsers defect `pool-auth-hops`: hops share one keep-alive connection per target across users.
   */
  constructor(
    connectors: { wire: buildConnector.connector; undici: buildConnector.connector },
    readonly timeouts: { headersTimeout: number; bodyTimeout: number },
    readonly opts: { keepHopHeaders?: boolean; poolAcrossUsers?: boolean } = {},
  ) {
    this.wire = new WireAgent(connectors.wire, { connections: 64, keepAliveTimeout: 30_000 });
    this.ntlm = new NtlmClientPool(connectors.wire);
    this.shared = opts.poolAcrossUsers ? new SharedHopConnections(connectors.undici, timeouts) : null;
  }

  /** Relay one request; rejects with ForwardError when nothing reached the client yet. */
  forward(c: HopCall): Promise<ForwardResult & { hopAuth: string }> {
    if (this.shared) return this.#sharedForward(this.shared, c);
    if (c.auth === 'ntlm' && c.creds) return this.#ntlmForward(c);
    return new Promise((resolve, reject) => this.relay(c, (err, r) => (err ? reject(err) : resolve(r!))));
  }

  /**
   * forward() with a callback, for the router's proxied requests: Basic or no hop authentication on the
   * agent makes no promise (issue 14), and forward() is this for those; NTLM and the defect's shared
   * connections go through forward()'s promises.
   */
  relay(c: HopCall, done: (err: Error | null, result: (ForwardResult & { hopAuth: string }) | null) => void): void {
    if (this.shared || (c.auth === 'ntlm' && c.creds)) {
      this.forward(c).then((r) => done(null, r), (err: Error) => done(err, null));
      return;
    }
    const authorization = c.auth === 'basic' && c.creds ? basic(c.creds) : null;
    relay(this.#options(this.wire, c, authorization), (err, r) => {
      if (err) return done(err, null);
      (r as ForwardResult & { hopAuth: string }).hopAuth = authorization ? 'Basic' : 'none';
      done(null, r as ForwardResult & { hopAuth: string });
    });
  }

  /** A small buffered exchange (OWA sign-in to a target); bodies over 256 KiB are cut. */
  request(target: HopTarget, method: string, path: string, headers: string[], body: string | Buffer | null, timeoutMs: number): Promise<BufferedAnswer> {
    return bufferedRequest(this.wire, { origin: target.origin, method, path, headers: ['host', target.host, ...headers], body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs }, 256 * 1024);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.wire.close(), this.ntlm.close(), this.shared?.close()]);
  }

  /**
   * Defect `pool-auth-hops`: every hop to a target goes on its one shared connection. An NTLM hop on a
   * connection some handshake already authenticated is sent without one: IIS serves it as whoever that
   * handshake was for (001's "authenticate the user" broken: AUTH-02..05).
   */
  async #sharedForward(shared: SharedHopConnections, c: HopCall): Promise<ForwardResult & { hopAuth: string }> {
    const origin = c.target.origin;
    const client = shared.client(origin);
    try {
      if (c.auth === 'ntlm' && c.creds) {
        const who = shared.identityOf(origin);
        if (who) return { ...(await this.#stream(client, c, null)), hopAuth: `NTLM (pooled connection of ${who})` };
        const r = await this.#ntlmOn(client, c);
        if (r.hopAuth === 'NTLM' && r.status !== 401 && r.status !== 502) shared.authenticated(origin, c.creds.samAccountName);
        return r;
      }
      const authorization = c.auth === 'basic' && c.creds ? basic(c.creds) : null;
      return { ...(await this.#stream(client, c, authorization)), hopAuth: authorization ? 'Basic (pooled connection)' : 'none (pooled connection)' };
    } catch (err) {
      if (err instanceof ForwardError) throw err;
      throw new ForwardError(err as Error);
    }
  }

  #stream(dispatcher: HopDispatcher | Dispatcher, c: HopCall, authorization: string | null): Promise<ForwardResult> {
    return forward(this.#options(dispatcher, c, authorization));
  }

  /** The relay of `c` on `dispatcher`: the hop's request headers, and how its answer's head becomes the client's. */
  #options(dispatcher: HopDispatcher | Dispatcher, c: HopCall, authorization: string | null): ForwardOptions {
    const headers = hopRequestHeaders(c.req.rawHeaders, { host: c.target.host, authorization, cookie: c.cookie, clientIp: c.clientIp, passAuthorization: c.auth === 'pass', keepHopByHop: this.opts.keepHopHeaders });
    return {
      // undici dispatchers take the same options and handler as the wire agent (forward.ts).
      dispatcher: dispatcher as HopDispatcher, origin: c.target.origin, method: c.method, path: c.path, headers, body: c.body, res: c.res,
      headersTimeoutMs: c.headersTimeoutMs, bodyTimeoutMs: this.timeouts.bodyTimeout,
      ...(c.intercept ? { intercept: c.intercept } : {}),
      mapHead(status, statusText, raw) {
        c.onHead?.(status, raw);
        const hdrs = clientResponseHeaders(raw, { targetOrigin: c.target.origin, clientOrigin: c.clientOrigin, backend: c.target.server.fqdn, cookieRewriteDomain: c.cookieRewriteDomain });
        if (status === 401 && c.auth !== 'none' && c.auth !== 'pass' && !c.relay401) {
          return { status: 502, statusText: STATUS_TEXT[502]!, headers: withoutHeader(hdrs, 'www-authenticate') };
        }
        if (c.extraHeaders?.length) for (const h of c.extraHeaders) hdrs.push(h);
        return { status, statusText, headers: hdrs };
      },
    };
  }

  async #ntlmForward(c: HopCall): Promise<ForwardResult & { hopAuth: string }> {
    const { conn, key } = this.ntlm.acquire(c.target.origin, c.creds!.samAccountName);
    let healthy = true;
    try {
      // The user's own connection, still authenticated by an earlier handshake: IIS serves a request
      // without Authorization on it as that user, so no new handshake. Only for a request that can be
      // sent again (no streamed body): a 401 (the CAS no longer knows the connection) is dropped unseen
      // and the full handshake follows on a fresh connection.
      if (conn.authenticated && !c.intercept && (c.body === null || Buffer.isBuffer(c.body))) {
        const r = (await this.#stream(conn.client, { ...c, intercept: isUnauthorized }, null)) as ForwardResult & { hopAuth: string };
        if (!r.intercepted) {
          r.hopAuth = 'NTLM (connection)';
          return r;
        }
      }
      const r = await this.#ntlmOn(conn.client, c);
      // No challenge came and Basic went on the shared agent: this connection keeps no NTLM state.
      if (r.hopAuth === 'Basic') healthy = false;
      else if (r.hopAuth === 'NTLM' && r.status !== 502) conn.markAuthenticated();
      return r;
    } catch (err) {
      healthy = false;
      if (err instanceof ForwardError) throw err;
      throw new ForwardError(err as Error);
    } finally {
      this.ntlm.release(key, conn, healthy);
    }
  }

  /** The NTLM handshake and the request, on `client`'s one connection (Basic on the agent when no challenge comes). */
  async #ntlmOn(client: HopDispatcher | Dispatcher, c: HopCall): Promise<ForwardResult & { hopAuth: string }> {
    const creds = c.creds!;
    const h1 = hopRequestHeaders(c.req.rawHeaders, { host: c.target.host, authorization: `NTLM ${negotiateMessage().toString('base64')}`, cookie: c.cookie, clientIp: c.clientIp, noBody: true, keepHopByHop: this.opts.keepHopHeaders });
    // undici's Client (the defect's shared connection) takes the same dispatch as the wire client.
    const t1 = await bufferedRequest(client as HopDispatcher, { origin: c.target.origin, path: c.path, method: c.method, headers: h1, body: null, headersTimeout: c.headersTimeoutMs, bodyTimeout: this.timeouts.bodyTimeout }, 64 * 1024);
    const body1 = t1.body;
    const offers = ([] as string[]).concat(t1.headers['www-authenticate'] ?? []);
    const challenge = offers.map((h) => /^NTLM\s+([A-Za-z0-9+/=]+)\s*$/i.exec(h)?.[1]).find(Boolean);
    if (t1.status === 401 && challenge) {
      const type3 = authenticateMessage(parseChallenge(Buffer.from(challenge, 'base64')), { user: creds.samAccountName, domain: creds.domain, password: creds.password });
      const r = await this.#stream(client, c, `NTLM ${type3.toString('base64')}`);
      return { ...r, hopAuth: 'NTLM' };
    }
    if (t1.status === 401 && offers.some((h) => /^basic\b/i.test(h))) {
      // The vdir lists NTLM but this server does not speak it (no challenge came): Basic, which it offers.
      const r = await this.#stream(this.wire, c, basic(creds));
      return { ...r, hopAuth: 'Basic' };
    }
    // Not a challenge (a fault answer, a redirect): that is the legacy CAS's answer; relay it.
    c.body && typeof (c.body as Readable).resume === 'function' && (c.body as Readable).resume();
    const raw = rawFromHeaders(t1.headers);
    const hdrs = clientResponseHeaders(raw, { targetOrigin: c.target.origin, clientOrigin: c.clientOrigin, backend: c.target.server.fqdn });
    const status = t1.status === 401 ? 502 : t1.status;
    const base = withoutHeader(status === 502 ? withoutHeader(hdrs, 'www-authenticate') : hdrs, 'content-length');
    c.res.writeHead(status, STATUS_TEXT[status] ?? '', [...base, 'Content-Length', String(body1.length)]);
    c.res.end(c.method === 'HEAD' ? undefined : body1);
    return { status, bytes: body1.length, hopAuth: 'NTLM (no challenge)' };
  }
}

/** Basic headers already encoded, by login and password (bounded: cleared when full). */
const BASIC = new Map<string, string>();
/** The same by credentials object: a client's Basic credentials are one object while the directory's answer holds (client-auth.ts). */
const BASIC_OF = new WeakMap<HopCreds, string>();

function basic(c: HopCreds): string {
  const known = BASIC_OF.get(c);
  if (known !== undefined) return known;
  const h = basicOf(c);
  BASIC_OF.set(c, h);
  return h;
}

function basicOf(c: HopCreds): string {
  const key = `${c.login}:${c.password}`;
  let h = BASIC.get(key);
  if (h === undefined) {
    if (BASIC.size >= 1000) BASIC.clear();
    h = `Basic ${Buffer.from(key, 'utf8').toString('base64')}`;
    BASIC.set(key, h);
  }
  return h;
}

/** A hop answer to drop unseen: the CAS did not take the connection's identity. */
function isUnauthorized(status: number): boolean {
  return status === 401;
}

/** A flat name/value list without one header (case-insensitive). */
export function withoutHeader(flat: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.toLowerCase() !== name) out.push(flat[i]!, flat[i + 1]!);
  return out;
}

function rawFromHeaders(h: Record<string, string | string[] | undefined>): Buffer[] {
  const out: Buffer[] = [];
  for (const [k, v] of Object.entries(h)) for (const x of ([] as string[]).concat(v ?? [])) out.push(Buffer.from(k, 'latin1'), Buffer.from(x, 'latin1'));
  return out;
}
