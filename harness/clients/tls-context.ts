/**
 * One TLS context per trust bundle, shared by every client of this process. Given `ca`, tls.connect
 * builds a fresh context (parsing the bundle) for each connection; the suites open thousands, and a
 * profile of a full run's workers showed context building among their largest costs.
 * @example
 * tls.connect({ host, port, servername, secureContext: contextTrusting(lab.trustBundle()) });
 */
import { createSecureContext, type SecureContext } from 'node:tls';

/** A trust bundle as tls.connect's `ca` takes it. */
export type CaBundle = string | Buffer | (string | Buffer)[];

const contexts = new Map<string, SecureContext>();
/** Labs come and go in one process: past this many bundles the cache starts over. */
const MAX = 32;

/** A context trusting `ca` (and nothing else: `ca` replaces the default roots, as it does in tls.connect). */
export function contextTrusting(ca: CaBundle): SecureContext {
  const key = Array.isArray(ca) ? ca.map(String).join('\n') : String(ca);
  let c = contexts.get(key);
  if (!c) {
    if (contexts.size >= MAX) contexts.clear();
    c = createSecureContext({ ca });
    contexts.set(key, c);
  }
  return c;
}

/** tls.connect options with `ca` turned into a shared context (no `ca`: unchanged, the default roots). */
export function withSharedContext<T extends { ca?: CaBundle }>(o: T): T & { secureContext?: SecureContext } {
  return o.ca === undefined ? o : { ...o, secureContext: contextTrusting(o.ca) };
}
