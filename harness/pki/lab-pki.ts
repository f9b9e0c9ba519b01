/**
 * The LabPki object: certificates of one lab looked up by name. Built from a cache document, which
 * is the same whether it was just generated or read from disk.
 */
import { PkiError } from '../errors.ts';
import type { CacheDoc, CachedEntry } from './cache.ts';
import type { CertKind } from './plan.ts';

export interface CertKey {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ServerCredentials extends CertKey {
  /** SAN DNS names (self-signed: short name, FQDN, aliases). */
  readonly names: string[];
  /** The loopback address the names resolve to. */
  readonly address: string;
  /** Exchange's default self-signed certificate (003 Note), not issued by the lab CA. */
  readonly selfSigned: boolean;
}

export interface PkiEntry {
  readonly id: string;
  readonly kind: 'ca' | CertKind;
  readonly creds: CertKey;
}

/**
 * Every certificate and key of one lab.
 * @example
 * const pki = await ensureLabPki(loadTopology('contoso'));
 * https.createServer({ ...pki.server('cas2010.site1.contoso.lab') }, handler); // cert via certPem/keyPem
 */
export interface LabPki {
  /** The topology digest it was made for. */
  readonly digest: string;
  /** The lab CA ("cas-conformance lab CA <digest>"). */
  readonly ca: CertKey;
  /** Where it lives on disk (the folder keyed by the digest). */
  readonly cacheDir: string;
  /** True when everything came from disk. */
  readonly fromCache: boolean;
  /** A server's certificate by FQDN, alias or server namespace; PkiError for an unknown name. */
  server(fqdn: string): ServerCredentials;
  /** CA-signed, SAN = frontDoor.namespaces + frontDoor.address. */
  frontDoor(): ServerCredentials;
  /** CA-signed certificate of one entry of topology.namespaces; PkiError for an unknown name. */
  namespace(name: string): ServerCredentials;
  /** Every certificate: the CA first, then the front door, servers and namespaces. */
  all(): PkiEntry[];
}

export function labPkiFromDoc(doc: CacheDoc, cacheDir: string, fromCache: boolean): LabPki {
  const creds = new Map<CachedEntry, ServerCredentials>();
  for (const e of doc.entries) {
    creds.set(e, Object.freeze({ certPem: e.certPem, keyPem: e.keyPem, names: Object.freeze([...e.names]) as string[], address: e.address, selfSigned: e.selfSigned }));
  }
  const byKind = (kind: CertKind) => doc.entries.filter((e) => e.kind === kind);
  const servers = new Map<string, CachedEntry>();
  for (const e of byKind('server')) servers.set(e.key, e);
  // Aliases and server namespaces find the server too (first claim wins; the schema keeps them unique).
  for (const e of byKind('server')) for (const n of e.names) if (!servers.has(n) && n.includes('.')) servers.set(n, e);
  const namespaces = new Map(byKind('namespace').map((e) => [e.key, e] as const));
  const frontDoor = byKind('front-door')[0];
  const ca: CertKey = Object.freeze({ certPem: doc.ca.certPem, keyPem: doc.ca.keyPem });
  const entries: PkiEntry[] = [{ id: 'ca', kind: 'ca', creds: ca }, ...doc.entries.map((e) => ({ id: e.id, kind: e.kind, creds: creds.get(e)! }))];

  return {
    digest: doc.digest,
    ca,
    cacheDir,
    fromCache,
    server(fqdn) {
      const e = servers.get(normalise(fqdn));
      if (!e) throw new PkiError(`no server certificate for "${fqdn}" (servers: ${byKind('server').map((s) => s.key).join(', ')})`);
      return creds.get(e)!;
    },
    frontDoor() {
      if (!frontDoor) throw new PkiError('the PKI holds no front-door certificate');
      return creds.get(frontDoor)!;
    },
    namespace(name) {
      const e = namespaces.get(normalise(name));
      if (!e) throw new PkiError(`no namespace certificate for "${name}" (namespaces: ${[...namespaces.keys()].join(', ') || 'none'})`);
      return creds.get(e)!;
    },
    all: () => entries.map((e) => ({ ...e })),
  };
}

/** DNS names compare case-insensitively; a trailing dot names the same host. */
function normalise(name: string): string {
  return String(name).toLowerCase().replace(/\.$/, '');
}
