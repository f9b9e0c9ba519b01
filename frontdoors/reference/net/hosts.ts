/**
 * Name resolution for the front door: the lab has no DNS, only a hosts file (CAS_HOSTS_FILE,
 * `address<TAB>name`). Lab names resolve from it; nothing resolves outside loopback, so a hop can
 * never leave 127.0.0.0/8 whatever a client or a topology says.
 */
import net from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';

export interface HostEntry {
  name: string;
  address: string;
}

export class NameNotFoundError extends Error {
  readonly code = 'ENOTFOUND';
  constructor(readonly hostname: string) {
    super(`${hostname} is not in the lab's hosts file`);
  }
}

const isLoopback = (a: string) => (net.isIPv4(a) ? a.startsWith('127.') : a === '::1');

type Callback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** The address table: name (lower case) -> loopback addresses. */
export class HostsTable {
  #map = new Map<string, string[]>();

  constructor(entries: HostEntry[]) {
    for (const e of entries) {
      if (!e?.name || !isLoopback(e.address ?? '')) continue; // a non-loopback line is ignored, never used
      const k = e.name.toLowerCase().replace(/\.$/, '');
      const list = this.#map.get(k) ?? [];
      if (!list.includes(e.address)) list.push(e.address);
      this.#map.set(k, list);
    }
  }

  /** Every name (for the open-proxy check: a Host outside these is not ours). */
  names(): string[] {
    return [...this.#map.keys()];
  }

  resolve(name: string): string | undefined {
    const bare = name.toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');
    if (net.isIP(bare)) return isLoopback(bare) ? bare : undefined;
    return this.#map.get(bare)?.[0];
  }

  /**
   * A `lookup` for net/tls/undici `connect` options (handles `all`, as Node's happy eyeballs asks).
   * @example new Agent({ connect: { lookup: hosts.lookup } })
   */
  lookup = ((hostname: string, options: LookupOptions | number | Callback, callback?: Callback) => {
    if (typeof options === 'function') [callback, options] = [options, {}];
    const opts: LookupOptions = typeof options === 'number' ? { family: options } : (options ?? {});
    const address = this.resolve(hostname);
    process.nextTick(() => {
      if (!address) return callback!(new NameNotFoundError(hostname), opts.all ? [] : '');
      const family = net.isIP(address);
      if (opts.all) return callback!(null, [{ address, family }]);
      callback!(null, address, family);
    });
  }) as net.LookupFunction;
}
