/**
 * The hop's own HTTP/1.1 client (issue 14): keep-alive TLS connections per legacy CAS origin, one
 * exchange at a time on each, opened with the front door's connector (the hosts table, SNI = the
 * target's name, trust per name: net/connector.ts). It replaces undici's Agent on the proxied path.
 *
 * Why not undici: on a reused connection undici writes each request only in the event loop's check
 * phase (its fix for GHSA-35p6-xmwp-9g52; no option turns it off), which at one connection was most of
 * the reference's added latency over nginx; and its Agent, Pool and Client layers and wasm parser cost
 * CPU per request the hop does not need (bench/RESULTS.md, tenth session). Every hop uses it: the
 * proxied requests (WireAgent), each user's NTLM connection (WireClient) and the OWA sign-in
 * (buffered.ts). undici stays for the health probes and for the defect `pool-auth-hops`, whose shared
 * connections the probes use too (ntlm-hop.ts SharedHopConnections).
 *
 * `dispatch` takes undici's dispatch options and handler shape, so forward.ts serves both.
 * @example
 * const agent = new WireAgent(connector, { connections: 64, keepAliveTimeout: 30_000 });
 * agent.dispatch({ origin, method: 'GET', path: '/EWS/Exchange.asmx', headers: ['host', name], body: null, headersTimeout: 120_000, bodyTimeout: 120_000 }, handler);
 */
import { isIP, type Socket } from 'node:net';
import type { buildConnector } from 'undici';
import { WireConnection, fail, type ConnectionOwner, type ExchangeState } from './connection.ts';
import { WireClosedError, type WireHandler, type WireRequest } from './exchange.ts';

export interface WireAgentOptions {
  /** Connections per origin at most; further requests wait for one. */
  connections: number;
  /** How long an idle connection is kept, milliseconds (shortened by the CAS's Keep-Alive hint). */
  keepAliveTimeout: number;
}

/** Closing an idle connection this much before the CAS says it would (the idle race; undici's threshold is the same idea). */
const HINT_MARGIN_MS = 2_000;

interface Waiting {
  req: WireRequest;
  handler: WireHandler;
  state: ExchangeState;
}

export class OriginPool implements ConnectionOwner {
  readonly #idle: WireConnection[] = [];
  readonly #queue: Waiting[] = [];
  /** Connections open or opening (the bound `connections` counts). */
  #open = 0;
  /** The pool's connections, busy or idle (a dedicated client's one connection: see WireClient). */
  readonly live = new Set<WireConnection>();
  readonly #target: { hostname: string; host: string; protocol: string; port: string; servername: string | null };

  constructor(origin: string, servername: string | null, private readonly connector: buildConnector.connector, private readonly o: WireAgentOptions, private readonly onEmpty: () => void) {
    const u = new URL(origin);
    // As undici's Client asks its connector: the address's name, an IPv6 address without brackets, and
    // the SNI (null: the connector takes it from `host`).
    const hostname = u.hostname[0] === '[' ? u.hostname.slice(1, -1) : u.hostname;
    this.#target = { hostname, host: u.host, protocol: u.protocol, port: u.port || (u.protocol === 'https:' ? '443' : '80'), servername };
  }

  dispatch(req: WireRequest, handler: WireHandler, state: ExchangeState, fresh = false): void {
    if (!fresh) {
      let conn: WireConnection | undefined;
      while ((conn = this.#idle.pop()) !== undefined) {
        if (!conn.destroyed) return conn.send(req, handler, state);
      }
    }
    if (this.#open < this.o.connections) return this.#connect({ req, handler, state });
    this.#queue.push({ req, handler, state });
  }

  #connect(w: Waiting): void {
    this.#open++;
    this.connector(this.#target as never, (err, socket) => {
      if (err || !socket) {
        this.#open--;
        fail(w.handler, w.state, err ?? new WireClosedError('no connection'));
        return this.#next();
      }
      const conn = new WireConnection(socket as Socket, this);
      this.live.add(conn);
      if (w.state.done) return this.release(conn, true); // aborted while connecting
      conn.send(w.req, w.handler, w.state);
    });
  }

  release(conn: WireConnection, reusable: boolean): void {
    if (!reusable || conn.destroyed) return conn.destroy(); // closed() does the counting
    const next = this.#takeWaiting();
    if (next) return conn.send(next.req, next.handler, next.state);
    const hint = conn.keepAliveMs;
    conn.idle(hint === null ? this.o.keepAliveTimeout : Math.max(1_000, Math.min(this.o.keepAliveTimeout, hint - HINT_MARGIN_MS)));
    this.#idle.push(conn);
  }

  closed(conn: WireConnection): void {
    this.#open--;
    this.live.delete(conn);
    const i = this.#idle.indexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
    this.#next();
  }

  retry(req: WireRequest, handler: WireHandler, state: ExchangeState): void {
    this.dispatch(req, handler, state, true);
  }

  /** A waiting request gets a connection of its own now that there is room. */
  #next(): void {
    const w = this.#takeWaiting();
    if (w) this.#connect(w);
    else if (this.#open === 0) this.onEmpty();
  }

  #takeWaiting(): Waiting | undefined {
    let w: Waiting | undefined;
    while ((w = this.#queue.shift()) !== undefined) if (!w.state.done) return w;
    return undefined;
  }

  /** Fail what waits and end every connection, busy or idle. */
  destroy(): void {
    for (const w of this.#queue.splice(0)) fail(w.handler, w.state, new WireClosedError('the front door is closing'));
    this.#idle.length = 0;
    for (const c of this.live) c.destroy();
  }
}

export class WireAgent {
  readonly #pools = new Map<string, OriginPool>();
  #closed = false;
  /**
   * The last request's origin and Host value and the pool key they gave: a run of requests to one target
   * (the usual case) reads its name and makes its key once, not a new key string (and its hash) per request.
   */
  #last: { origin: string; host: string | null; servername: string | null; key: string } = { origin: '', host: null, servername: null, key: '' };

  constructor(private readonly connector: buildConnector.connector, private readonly o: WireAgentOptions) {
    // A connection that opens after close() is ended at once (the pools know every other one).
    const open = connector;
    this.connector = (opts, cb) =>
      open(opts, (err, socket) => {
        if (socket && this.#closed) {
          (socket as Socket).destroy();
          return (cb as (e: Error | null, s: unknown) => void)(new WireClosedError('the front door is closing'), null);
        }
        (cb as (e: Error | null, s: unknown) => void)(err, socket);
      });
  }

  /** Send one request (undici's dispatch shape); the handler hears the answer or the error. */
  dispatch(req: WireRequest, handler: WireHandler): boolean {
    const state = begin(handler, this.#closed ? 'the front door is closing' : null);
    if (!state) return true;
    // The TLS name is the Host header's, as undici sends it: the target's FQDN on every correct hop, the
    // client's namespace under the defect `hop-client-host` (TLS-06). A connection serves one name only.
    const host = hostValueOf(req.headers);
    let last = this.#last;
    if (req.origin !== last.origin || host !== last.host) {
      const servername = host === null ? null : sniName(host);
      last = this.#last = { origin: req.origin, host, servername, key: servername === null ? req.origin : `${req.origin}|${servername}` };
    }
    const { servername, key } = last;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new OriginPool(req.origin, servername, this.connector, this.o, () => this.#pools.delete(key));
      this.#pools.set(key, pool);
    }
    pool.dispatch(req, handler, state);
    return true;
  }

  /** End every connection; requests still waiting get an error. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#pools.values()) p.destroy();
    this.#pools.clear();
  }
}

/**
 * An exchange's start: the handler gets its abort (which works whether or not a connection was found yet).
 * Null when the exchange is already over: aborted at once, or refused with `refusal`.
 */
function begin(handler: WireHandler, refusal: string | null): ExchangeState | null {
  const state: ExchangeState = { done: false, retried: false, conn: null };
  handler.onConnect((err?: Error) => {
    if (state.done) return;
    const e = err ?? new WireClosedError('aborted', 'HOP_ABORTED');
    if (state.conn) state.conn.abort(e);
    else fail(handler, state, e);
  });
  if (state.done) return null;
  if (refusal !== null) {
    fail(handler, state, new WireClosedError(refusal));
    return null;
  }
  return state;
}

/** The SNI name of a request's Host header (no port, no brackets; null for none or an IP address). */
export function sniOf(headers: readonly string[]): string | null {
  const value = hostValueOf(headers);
  return value === null ? null : sniName(value);
}

/** A request's Host header value as given, or null. */
function hostValueOf(headers: readonly string[]): string | null {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === 4 && (name === 'host' || name.toLowerCase() === 'host')) return headers[i + 1]!;
  }
  return null;
}

/** The SNI name of a Host value: no port, no brackets; null for an IP address or nothing. */
function sniName(value: string): string | null {
  const host = value[0] === '[' ? value.slice(1, value.indexOf(']')) : value.replace(/:\d*$/, '');
  return !host || couldBeIp(host) ? null : host.toLowerCase();
}

/** An IP address (isIP), checked only where one could be: IPv6 has a colon, IPv4 only digits and dots (isIP's IPv6 expression was a profile's 0.4%). */
function couldBeIp(host: string): boolean {
  return (host.includes(':') || /^[\d.]+$/.test(host)) && isIP(host) !== 0;
}

/**
 * One connection of the hop's own, for one user at one target (NTLM: IIS binds the identity to the
 * connection): requests go one after another on it; when the CAS closed it, the next request opens a
 * new one, and `current` tells which connection is open now (ntlm-hop.ts remembers which one a
 * handshake authenticated). The TLS name is the Host header's, as on every hop.
 */
export class WireClient {
  #pool: OriginPool | null = null;
  #servername: string | null = null;
  #destroyed = false;

  constructor(readonly origin: string, private readonly connector: buildConnector.connector, private readonly o: Omit<WireAgentOptions, 'connections'>) {}

  dispatch(req: WireRequest, handler: WireHandler): boolean {
    const state = begin(handler, this.#destroyed ? 'the connection was closed' : null);
    if (!state) return true;
    const servername = sniOf(req.headers);
    if (!this.#pool || servername !== this.#servername) {
      // Another name: another connection (as undici's Client reconnects for another SNI).
      this.#pool?.destroy();
      this.#servername = servername;
      this.#pool = new OriginPool(this.origin, servername, this.connector, { ...this.o, connections: 1 }, () => undefined);
    }
    this.#pool.dispatch(req, handler, state);
    return true;
  }

  /** The connection open now, or null. */
  get current(): WireConnection | null {
    for (const c of this.#pool?.live ?? []) if (!c.destroyed) return c;
    return null;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#pool?.destroy();
    this.#pool = null;
  }
}
