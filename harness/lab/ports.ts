/**
 * Port planning for the lab. Topologies speak Exchange's logical ports (443, 80, 993, 143, 995, 110);
 * the lab binds:
 * - `ephemeral`: any free port (tests, several labs side by side);
 * - `fixed`: base + logical (20443, 20993, …) on each server's own 127.0.x.y, so the same numbers
 *   repeat across servers (`lab up`'s default, unprivileged);
 * - `real`: the logical ports themselves (443, 993, …) when the process may bind them.
 * Portable mode binds everything on 127.0.0.1, so ports must differ: it always uses ephemeral ports.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export type PortMode = 'ephemeral' | 'fixed' | 'real';

export function plannedPort(mode: PortMode, logical: number, base: number): number {
  if (mode === 'real') return logical;
  if (mode === 'fixed') return base + logical;
  return 0;
}

/** Lowest port of the range reserved ports come from ('fixed' mode uses 20000 + logical, below it). */
const RESERVED_FROM = 21_000;
/** Ports this process handed out lately: a lab starting next must not be given one back. */
const handedOut: number[] = [];
const HANDED_OUT_KEEP = 1024;

/** The kernel's ephemeral range (bind(0) and outgoing connections take their ports from it). */
function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

/**
 * Find a free port on host for the front door's addresses, which the lab reserves but does not bind
 * (the candidate binds them). Picked at random below the kernel's ephemeral range and checked free,
 * rather than asked of the kernel with bind(0): a port bind(0) gave and we released goes straight back
 * into the pool every other bind(0) and outgoing connection on this host draws from, so a lab starting
 * beside ours could take it before our candidate bound it (an npm test run lost a Dovecot imaps port
 * that way). Below the range only another lab's own random pick can collide, and the launcher starts
 * again on fresh ports when one does (harness/frontdoor/registry.ts). Falls back to bind(0).
 */
export async function freePort(host: string): Promise<number> {
  const top = ephemeralLow() - 1;
  if (top - RESERVED_FROM >= 1000) {
    for (let i = 0; i < 20; i++) {
      const port = RESERVED_FROM + Math.floor(Math.random() * (top - RESERVED_FROM + 1));
      if (handedOut.includes(port) || !(await bindable(host, port))) continue;
      handedOut.push(port);
      if (handedOut.length > HANDED_OUT_KEEP) handedOut.shift();
      return port;
    }
  }
  return kernelPort(host);
}

function bindable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

function kernelPort(host: string): Promise<number> {
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
