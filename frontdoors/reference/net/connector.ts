/**
 * How the front door opens a connection to a legacy CAS: the address from the hosts file, TLS SNI =
 * the name it connects to (001: "it constructs a URL based on the server FQDN"), and trust chosen per
 * name: a CA-signed CAS is verified against CAS_CA_FILE (name and issuer, RULES.md TLS-07); a CAS
 * that keeps Exchange's default self-signed certificate is accepted without verification, as
 * CAS2013 does (003 Note: "They can use the self-signed certificate that is installed by default";
 * rule TLS-05): the front door is not given that certificate.
 */
import { createSecureContext } from 'node:tls';
import type * as Undici from 'undici';
import { buildConnector } from './undici.ts';
import type { HostsTable } from './hosts.ts';
import { ownReads } from '../wire/own-reads.ts';

export type Trust = 'verify' | 'any';

/**
 * An undici connector that picks verification per host name. `ownReads`: its sockets read into buffers of
 * their own (wire/own-reads.ts), for the hop's own client (wire/), which reads them so; undici's clients
 * (the prober, the defect `pool-auth-hops`) read 'data' events and take a connector without.
 */
export function createConnector(opts: { hosts: HostsTable; ca: string | undefined; trustOf: (hostname: string) => Trust; timeoutMs?: number; ownReads?: boolean }): Undici.buildConnector.connector {
  const common = { lookup: opts.hosts.lookup, timeout: opts.timeoutMs ?? 10_000, maxCachedSessions: 100, ...(opts.ownReads ? { onread: ownReads } : {}) };
  // One TLS context per trust, made once: given `ca`, tls.connect builds a fresh context for every
  // connection (about half of a probe's connect cost in a profile: probes open a connection each).
  const verifying = buildConnector({ ...common, secureContext: createSecureContext(opts.ca ? { ca: opts.ca } : {}), rejectUnauthorized: true });
  const lenient = buildConnector({ ...common, secureContext: createSecureContext({}), rejectUnauthorized: false });
  return (options, callback) => {
    const trust = opts.trustOf(options.hostname);
    (trust === 'verify' ? verifying : lenient)(options, callback);
  };
}
