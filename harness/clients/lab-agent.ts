/**
 * The lab's DNS on the client side: lab names resolve through the lab's hosts list (hostsEntries of
 * harness/topology/model.ts), never through the system resolver, and a connection never leaves
 * loopback (127.0.0.0/8 or ::1): a name or URL that would lead elsewhere is refused before any packet.
 */
import net from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, buildConnector } from 'undici';
import { contextTrusting } from './tls-context.ts';

/** One line of the lab's hosts file. */
export interface LabHost {
  readonly name: string;
  readonly address: string;
}
export type LabHosts = readonly LabHost[];

/** A name that is not in the lab's hosts list (same code as Node's resolver, so callers treat it alike). */
export class LabNameNotFoundError extends Error {
  readonly code = 'ENOTFOUND';
  readonly syscall = 'getaddrinfo';
  constructor(readonly hostname: string) {
    super(`getaddrinfo ENOTFOUND ${hostname} (not in the lab's hosts list)`);
    this.name = 'LabNameNotFoundError';
  }
}

/** An address outside loopback: the lab never sends traffic there. */
export class LabAddressRefusedError extends Error {
  readonly code = 'ERR_LAB_NOT_LOOPBACK';
  constructor(readonly hostname: string, readonly address: string) {
    super(`refusing ${hostname} -> ${address}: the lab only connects to loopback addresses (127.0.0.0/8, ::1)`);
    this.name = 'LabAddressRefusedError';
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase();
  if (net.isIPv4(a)) return a.startsWith('127.');
  if (!net.isIPv6(a)) return false;
  if (a === '::1' || a === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return !!mapped && net.isIPv4(mapped[1]!) && mapped[1]!.startsWith('127.');
}

/** The refusal for a host that is an IP literal outside loopback (undefined when allowed or a name). */
export function refuseNonLoopbackLiteral(hostname: string): LabAddressRefusedError | undefined {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return net.isIP(bare) && !isLoopback(bare) ? new LabAddressRefusedError(hostname, bare) : undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for net, tls and undici's `connect` option: resolves lab names from the hosts list
 * (case-insensitive, a trailing dot allowed; `localhost` is 127.0.0.1 unless listed), lets IP
 * literals through, answers ENOTFOUND for anything else, and refuses non-loopback results.
 * Handles `options.all` (Node's happy-eyeballs path asks for every address) and `options.family`.
 * @example
 * const lookup = labLookup(hostsEntries(topology));
 * tls.connect({ host: 'cas2010.site1.contoso.lab', port, lookup, ca });
 */
export function labLookup(hosts: LabHosts): net.LookupFunction {
  const table = new Map<string, string[]>();
  for (const h of hosts) {
    const name = normalise(h.name);
    const list = table.get(name) ?? [];
    if (!list.includes(h.address)) list.push(h.address);
    table.set(name, list);
  }
  if (!table.has('localhost')) table.set('localhost', ['127.0.0.1']);

  return ((hostname: string, options: LookupOptions | number | LookupCallback, callback?: LookupCallback) => {
    if (typeof options === 'function') [callback, options] = [options, {}];
    const opts: LookupOptions = typeof options === 'number' ? { family: options } : options ?? {};
    const cb = callback!;
    const name = normalise(hostname);
    const bare = name.replace(/^\[(.*)\]$/, '$1');
    const candidates = net.isIP(bare) ? [bare] : (table.get(name) ?? []);
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family ?? 0);
    const found = candidates.map((address) => ({ address, family: net.isIP(address) })).filter((a) => a.family && (!family || a.family === family));
    // Node's resolver answers asynchronously; some callers depend on that ordering.
    process.nextTick(() => {
      if (!found.length) return cb(new LabNameNotFoundError(hostname), opts.all ? [] : '');
      const refused = found.find((a) => !isLoopback(a.address));
      if (refused) return cb(new LabAddressRefusedError(hostname, refused.address), opts.all ? [] : '');
      if (opts.all) return cb(null, found);
      cb(null, found[0]!.address, found[0]!.family);
    });
  }) as net.LookupFunction;
}

export interface LabAgentOptions {
  /** The lab's hosts list: `hostsEntries(topology)`. */
  hosts: LabHosts;
  /** Trusted CA certificates (the lab CA); without them the system store is used and lab certs fail. */
  ca?: string | string[];
  /** Default true. */
  rejectUnauthorized?: boolean;
  /** Connections per origin (1 = one reused socket). */
  connections?: number;
  /** TLS session cache size; 0 to see the certificate on every connection (LIBRARIES.md). */
  maxCachedSessions?: number;
  /** Default true; false closes each connection after its request. */
  keepAlive?: boolean;
  /** Source address of every connection (a loopback address: each simulated user or device its own). */
  localAddress?: string;
}

/**
 * An undici Agent whose connections resolve through the lab's hosts list and stay on loopback.
 * TLS SNI is the URL's host name (undici sends it), so a front door sees the name a client uses.
 * @example
 * const agent = createLabAgent({ hosts: hostsEntries(topology), ca: pki.ca.certPem });
 * const res = await request('https://mail.contoso.lab/owa/', { dispatcher: agent });
 * await agent.close();
 */
export function createLabAgent(opts: LabAgentOptions): Agent {
  if (!opts || !Array.isArray(opts.hosts)) throw new TypeError('createLabAgent: opts.hosts must be an array of { name, address }');
  if (opts.connections !== undefined && !(Number.isInteger(opts.connections) && opts.connections > 0)) {
    throw new TypeError('createLabAgent: opts.connections must be a positive integer');
  }
  if (opts.localAddress !== undefined && !isLoopback(opts.localAddress)) throw new TypeError('createLabAgent: opts.localAddress must be a loopback address');
  if (opts.maxCachedSessions !== undefined && !(Number.isInteger(opts.maxCachedSessions) && opts.maxCachedSessions >= 0)) {
    throw new TypeError('createLabAgent: opts.maxCachedSessions must be a non-negative integer');
  }
  const base = buildConnector({
    lookup: labLookup(opts.hosts),
    rejectUnauthorized: opts.rejectUnauthorized ?? true,
    ...(opts.ca !== undefined ? { secureContext: contextTrusting(opts.ca) } : {}),
    ...(opts.maxCachedSessions !== undefined ? { maxCachedSessions: opts.maxCachedSessions } : {}),
    ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
  });
  // net.connect skips `lookup` for an IP literal: check those here, before any socket exists.
  const connect: buildConnector.connector = (options, callback) => {
    const refused = refuseNonLoopbackLiteral(options.hostname);
    if (refused) return callback(refused, null);
    // undici hands each connection its own options (localAddress unset), which override buildConnector's: set it here.
    base(opts.localAddress ? { ...options, localAddress: opts.localAddress } : options, callback);
  };
  return new Agent({
    connect,
    ...(opts.connections !== undefined ? { connections: opts.connections } : {}),
    // undici: "Set to 0 to disable keep-alive connections".
    ...(opts.keepAlive === false ? { pipelining: 0 } : {}),
  });
}

function normalise(name: string): string {
  return String(name).toLowerCase().replace(/\.$/, '');
}
