/**
 * NTLM on the hop: the front door authenticates to a legacy vdir with the user's own credentials
 * (the lab's model of CAS2013's server-to-server authentication; a real CAS2013 uses Kerberos with a
 * service ticket on behalf of the user). IIS binds an NTLM identity to its TCP connection, so every
 * hop that uses NTLM runs on a connection that belongs to one user and one target: NEGOTIATE (a
 * bodiless request with the same method and path), CHALLENGE (the 401), then the real request with
 * AUTHENTICATE and the streamed body, on that same connection. Idle connections are kept per
 * (target, user) for a short while and bounded in number; a later request of the same user on a
 * connection still authenticated goes without a new handshake, as IIS serves it (hop.ts says when).
 */
import type { buildConnector } from 'undici';
import { Agent, Client } from '../net/undici.ts';
import { WireClient } from '../wire/agent.ts';
import type { WireConnection } from '../wire/connection.ts';

const IDLE_MS = 30_000;
const MAX_IDLE_PER_KEY = 4;
const MAX_IDLE_TOTAL = 256;

/**
 * One connection of the pool: the hop's own client on a connection of its own (wire/agent.ts WireClient),
 * one request at a time. IIS binds an NTLM identity to a connection, so `authenticated` remembers WHICH
 * connection a handshake ran on: when the CAS closed it and the client opened another, the new one is not
 * authenticated.
 */
export class NtlmConnection {
  readonly client: WireClient;
  #authenticated: WireConnection | null = null;

  constructor(origin: string, connector: buildConnector.connector) {
    this.client = new WireClient(origin, connector, { keepAliveTimeout: IDLE_MS });
  }

  /** A handshake just succeeded on the open connection (for the one user this connection serves). */
  markAuthenticated(): void {
    this.#authenticated = this.client.current;
  }

  /** The open connection is the one a handshake authenticated. */
  get authenticated(): boolean {
    const now = this.client.current;
    return now !== null && now === this.#authenticated;
  }
}

/**
 * Dedicated connections keyed by target origin + user: a connection authenticated as one user never
 * carries another user's request nor an anonymous one (AUTH-02..05); idle ones are kept a short while.
 */
export class NtlmClientPool {
  #idle = new Map<string, { conn: NtlmConnection; timer: NodeJS.Timeout }[]>();
  #total = 0;
  #live = new Set<NtlmConnection>();

  constructor(readonly connector: buildConnector.connector) {}

  acquire(origin: string, user: string): { conn: NtlmConnection; key: string } {
    const key = `${origin}|${user.toLowerCase()}`;
    const list = this.#idle.get(key);
    const entry = list?.pop();
    if (entry) {
      clearTimeout(entry.timer);
      this.#total--;
      if (!list!.length) this.#idle.delete(key);
      return { conn: entry.conn, key };
    }
    const conn = new NtlmConnection(origin, this.connector);
    this.#live.add(conn);
    return { conn, key };
  }

  /** Give a connection back after its request completed; `healthy` false closes it. */
  release(key: string, conn: NtlmConnection, healthy: boolean): void {
    const list = this.#idle.get(key) ?? [];
    const client = conn.client;
    if (!healthy || client.destroyed || list.length >= MAX_IDLE_PER_KEY || this.#total >= MAX_IDLE_TOTAL) {
      this.#live.delete(conn);
      client.destroy();
      return;
    }
    const timer = setTimeout(() => {
      const l = this.#idle.get(key);
      const i = l?.findIndex((e) => e.conn === conn) ?? -1;
      if (i >= 0) {
        l!.splice(i, 1);
        this.#total--;
        if (!l!.length) this.#idle.delete(key);
      }
      this.#live.delete(conn);
      client.destroy();
    }, IDLE_MS);
    timer.unref();
    list.push({ conn, timer });
    this.#total++;
    this.#idle.set(key, list);
  }

  async close(): Promise<void> {
    for (const l of this.#idle.values()) for (const e of l) clearTimeout(e.timer);
    this.#idle.clear();
    this.#total = 0;
    for (const c of this.#live) c.client.destroy();
    this.#live.clear();
  }
}

/**
 * Defect `pool-auth-hops` (AUTH-02..05 broken on purpose, frontdoors/reference/DEFECTS.md): what the
 * generic reverse proxies measured in issue 11 do. ONE keep-alive connection per target origin, shared by
 * every hop whoever it is for, by the anonymous requests the defect relays and by the health probes; the
 * NTLM identity its current socket got from a handshake is trusted for whatever comes next (no new
 * handshake). IIS binds that identity to the socket, so the next request is served as that user.
 */
export class SharedHopConnections {
  #entries = new Map<string, { client: Client; socket: object | null }>();
  #identity = new WeakMap<object, string>();
  #probes: Agent | undefined;

  constructor(readonly connector: buildConnector.connector, readonly timeouts: { headersTimeout: number; bodyTimeout: number }) {}

  /** The one connection (an undici Client, pipelining 1) to `origin`, made on first use. */
  client(origin: string): Client {
    const key = new URL(origin).origin;
    let e = this.#entries.get(key);
    if (!e || e.client.destroyed || e.client.closed) {
      const entry: { client: Client; socket: object | null } = { client: undefined as unknown as Client, socket: null };
      entry.client = new Client(key, {
        pipelining: 1, keepAliveTimeout: IDLE_MS, ...this.timeouts,
        connect: (opts, cb) => this.connector(opts, (err, socket) => {
          entry.socket = socket ?? null;
          (cb as (e: Error | null, s: typeof socket) => void)(err, socket);
        }),
      });
      this.#entries.set(key, (e = entry));
    }
    return e.client;
  }

  /** The user an NTLM handshake authenticated the current connection to `origin` as, or null. */
  identityOf(origin: string): string | null {
    const s = this.#entries.get(new URL(origin).origin)?.socket as { destroyed?: boolean } | null | undefined;
    return s && !s.destroyed ? (this.#identity.get(s) ?? null) : null;
  }

  /** A handshake on the current connection to `origin` succeeded for `user`. */
  authenticated(origin: string, user: string): void {
    const s = this.#entries.get(new URL(origin).origin)?.socket;
    if (s) this.#identity.set(s, user);
  }

  /** A dispatcher for the health prober that sends each probe on the shared connection of its target. */
  probeDispatcher(): Agent {
    this.#probes ??= new Agent({ factory: (origin) => this.client(String(origin)) });
    return this.#probes;
  }

  async close(): Promise<void> {
    const all = [...this.#entries.values()].map((e) => e.client.destroy());
    this.#entries.clear();
    await Promise.allSettled(all);
  }
}
