/**
 * Build a whole lab PKI: every key pair at once (native, on the thread pool), then the CA, then
 * each certificate as soon as its key is there (forge signs on this thread).
 */
import { buildCa, buildLeaf, newKeyPair } from './certs.ts';
import { CACHE_FORMAT, type CacheDoc, type CachedEntry } from './cache.ts';
import type { CertPlan } from './plan.ts';
import { PkiError } from '../errors.ts';

export async function generatePki(digest: string, plans: CertPlan[], now = Date.now()): Promise<CacheDoc> {
  let caKeys, leafKeys;
  try {
    [caKeys, ...leafKeys] = await Promise.all([newKeyPair(), ...plans.map(() => newKeyPair())]);
  } catch (err) {
    throw new PkiError(`cannot generate RSA key pairs: ${(err as Error).message}`, { cause: err });
  }
  const ca = buildCa(`cas-conformance lab CA ${digest}`, caKeys!, now);
  let notAfter = ca.issued.notAfter.getTime();
  const entries: CachedEntry[] = plans.map((plan, i) => {
    const leaf = buildLeaf(plan, leafKeys[i]!, ca.issuer, now);
    notAfter = Math.min(notAfter, leaf.notAfter.getTime());
    return { ...plan, certPem: leaf.certPem, keyPem: leaf.keyPem };
  });
  return {
    format: CACHE_FORMAT,
    digest,
    createdAt: new Date(now).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    ca: { certPem: ca.issued.certPem, keyPem: ca.issued.keyPem },
    entries,
  };
}
