/**
 * The lab PKI: a lab CA, a CA-signed certificate for the front door, each Internet-facing
 * namespace and each server, and Exchange's default self-signed certificate for the servers the
 * topology marks `self-signed` (003 Note). Cached on disk per digest of the certificate plan.
 * @example
 * import { ensureLabPki, exportPki } from './harness/pki/index.ts';
 * const pki = await ensureLabPki(loadTopology('contoso'));
 * const { certPem, keyPem } = pki.server('cas2010.site1.contoso.lab');
 * exportPki(pki, '/tmp/lab-certs'); // ca.crt, front-door.crt/.key/.pem, <fqdn>.crt/.key/.pem, trust-bundle.crt
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Topology } from '../topology/index.ts';
import { commitCache, ensureDir, readCache } from './cache.ts';
import { labPkiFromDoc, type LabPki } from './lab-pki.ts';
import { planCertificates, type CertPlan } from './plan.ts';

export type { CertKey, LabPki, PkiEntry, ServerCredentials } from './lab-pki.ts';
export { exportPki } from './export.ts';

/** `<project root>/.cache/pki` */
export const DEFAULT_PKI_CACHE_DIR = fileURLToPath(new URL('../../.cache/pki', import.meta.url));

const inflight = new Map<string, Promise<LabPki>>();

/**
 * The PKI of a topology: read from `<cacheDir>/<digest>/` when there, generated and cached when not.
 * Concurrent calls in one process share one generation; across processes the first to commit wins.
 * Rejects with PkiError when the cache folder cannot be created or written.
 * @example
 * const pki = await ensureLabPki(topology, { cacheDir: '/tmp/pki' });
 * pki.fromCache; // true from the second run on
 */
export async function ensureLabPki(topology: Topology, opts: { cacheDir?: string } = {}): Promise<LabPki> {
  const plans = planCertificates(topology);
  const digest = planDigest(plans);
  const dir = join(resolve(opts.cacheDir ?? DEFAULT_PKI_CACHE_DIR), digest);
  const running = inflight.get(dir);
  if (running) return running;
  const p = load(plans, digest, dir).finally(() => inflight.delete(dir));
  inflight.set(dir, p);
  return p;
}

/**
 * The key of a topology's PKI: a digest of its certificate plan, the only input of generatePki. Keyed by
 * the whole topology, every variant (a defect that edits vdir URLs, a version site left out) made a
 * PKI of its own: a clean clone's npm test generated 38, at about 2 s of CPU each (RSA keys).
 */
export function pkiDigest(topology: Topology): string {
  return planDigest(planCertificates(topology));
}

function planDigest(plans: CertPlan[]): string {
  return createHash('sha256').update(JSON.stringify(plans.map(planKey))).digest('hex').slice(0, 16);
}

/** A plan's fields in a fixed order (the digest must not depend on key order). */
function planKey(p: CertPlan): unknown[] {
  return [p.id, p.kind, p.key, p.commonName, p.names, p.address, p.selfSigned];
}

async function load(plans: CertPlan[], digest: string, dir: string): Promise<LabPki> {
  const cached = readCache(dir, digest, plans);
  if (cached) return labPkiFromDoc(cached, dir, true);
  // Fail before spending seconds on keys when the folder cannot be made.
  ensureDir(dir);
  // The generator (and node-forge) is loaded only on a cache miss: a warm start stays file reads.
  const { generatePki } = await import('./generate.ts');
  const fresh = await generatePki(digest, plans);
  const committed = commitCache(dir, fresh, plans);
  return labPkiFromDoc(committed, dir, committed !== fresh);
}
