/**
 * Port planning for the lab. Topologies speak Exchange's logical ports (443, 80, 993, 143, 995, 110);
 * the lab binds:
 * - `ephemeral`: any free port (tests, several labs side by side);
 * - `fixed`: base + logical (20443, 20993, …) on each server's own 127.0.x.y, so the same numbers
 *   repeat across servers (`lab up`'s default, unprivileged);
 * - `real`: the logical ports themselves (443, 993, …) when the process may bind them.
 * Portable mode binds everything on 127.0.0.1, so ports must differ: it always uses ephemeral ports.
 */
import { createServer } from 'node:net';

export type PortMode = 'ephemeral' | 'fixed' | 'real';

export function plannedPort(mode: PortMode, logical: number, base: number): number {
  if (mode === 'real') return logical;
  if (mode === 'fixed') return base + logical;
  return 0;
}

/** Find a free port on host (for the front door's addresses, which the lab reserves but does not bind). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A logical -> real port table per host name. */
export class PortTable {
  #byHost = new Map<string, Map<number, number>>();

  set(hosts: string[], logical: number, real: number): void {
    for (const h of hosts) {
      const m = this.#byHost.get(h) ?? new Map<number, number>();
      m.set(logical, real);
      this.#byHost.set(h, m);
    }
  }

  /** Real port for host:logical; the logical port itself when unknown (a name outside the lab). */
  get = (host: string, logical: number): number => this.#byHost.get(host.toLowerCase())?.get(logical) ?? logical;

  has(host: string, logical: number): boolean {
    return this.#byHost.get(host.toLowerCase())?.has(logical) ?? false;
  }
}
