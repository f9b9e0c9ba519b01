/** The `configDigest` a launcher reports: sha256 of the generated config text, first 16 hex digits. */
import { createHash } from 'node:crypto';

/**
 * @example
 * configDigest(readFileSync(conf, 'utf8')); // '3f1c0a9b27d4e5f6'
 */
export function configDigest(...texts: string[]): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(t).update('\0');
  return h.digest('hex').slice(0, 16);
}
