/**
 * NTLM on the hop: the front door authenticates to a legacy vdir with the user's own credentials
 * (the lab's model of CAS2013's server-to-server authentication; a real CAS2013 uses Kerberos with a
 * service ticket on behalf of the user). IIS binds an NTLM identity to its TCP connection, so every
 * hop that uses NTLM runs on a connection that belongs to one user and one target: NEGOTIATE (a
 * bodiless request with the same method and path), CHALLENGE (the 401), then the real request with
 * AUTHENTICATE and the streamed body, on that same connection. Idle connections are kept per
 * (target, user) for a short while and bounded in number.
 */
import { Client, type buildConnector } from 'undici';

const IDLE_MS = 30_000;
const MAX_IDLE_PER_KEY = 4;
const MAX_IDLE_TOTAL = 256;

/** Dedicated undici Clients (one connection each) keyed by target origin + user. */
export class NtlmClientPool {
  #idle = new Map<string, { client: Client; timer: NodeJS.Timeout }[]>();
  #total = 0;
  #live = new Set<Client>();

  constructor(readonly connector: buildConnector.connector, readonly timeouts: { headersTimeout: number; bodyTimeout: number }) {}

  acquire(origin: string, user: string): { client: Client; key: string } {
    const key = `${origin}|${user.toLowerCase()}`;
    const list = this.#idle.get(key);
    const entry = list?.pop();
    if (entry) {
      clearTimeout(entry.timer);
      this.#total--;
      if (!list!.length) this.#idle.delete(key);
      return { client: entry.client, key };
    }
    const client = new Client(origin, { connect: this.connector, pipelining: 1, keepAliveTimeout: IDLE_MS, ...this.timeouts });
    this.#live.add(client);
    return { client, key };
  }

  /** Give a client back after its request completed; `healthy` false closes it. */
  release(key: string, client: Client, healthy: boolean): void {
    const list = this.#idle.get(key) ?? [];
    if (!healthy || client.destroyed || client.closed || list.length >= MAX_IDLE_PER_KEY || this.#total >= MAX_IDLE_TOTAL) {
      this.#live.delete(client);
      void client.destroy().catch(() => undefined);
      return;
    }
    const timer = setTimeout(() => {
      const l = this.#idle.get(key);
      const i = l?.findIndex((e) => e.client === client) ?? -1;
      if (i >= 0) {
        l!.splice(i, 1);
        this.#total--;
        if (!l!.length) this.#idle.delete(key);
      }
      this.#live.delete(client);
      void client.close().catch(() => undefined);
    }, IDLE_MS);
    timer.unref();
    list.push({ client, timer });
    this.#total++;
    this.#idle.set(key, list);
  }

  async close(): Promise<void> {
    for (const l of this.#idle.values()) for (const e of l) clearTimeout(e.timer);
    this.#idle.clear();
    this.#total = 0;
    await Promise.allSettled([...this.#live].map((c) => c.destroy()));
    this.#live.clear();
  }
}
