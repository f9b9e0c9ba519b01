/**
 * The PKI cache on disk: one JSON document per topology digest, `<cacheDir>/<digest>/pki.json`.
 * One file is one commit point: it is written to a temporary file and then linked into place, so a
 * killed process leaves either no cache or a whole one, and when two processes (vitest forks) build
 * the same lab at once the first to finish wins and the other adopts its certificates.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PkiError } from '../errors.ts';
import type { CertPlan } from './plan.ts';

/** Bump when the certificates' content changes (a cache of an older format is rebuilt). */
export const CACHE_FORMAT = 1;
const FILE = 'pki.json';
/** A cache whose first certificate expires sooner than this is rebuilt. */
const MIN_REMAINING_MS = 30 * 86_400_000;
/** Temporary files older than this were left by a killed process. */
const STALE_TMP_MS = 10 * 60_000;

export interface CachedEntry extends CertPlan {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CacheDoc {
  readonly format: number;
  readonly digest: string;
  readonly createdAt: string;
  /** The earliest notAfter of all certificates (ISO). */
  readonly notAfter: string;
  readonly ca: { certPem: string; keyPem: string };
  readonly entries: CachedEntry[];
}

/** Create the cache folder (0700: it holds private keys) or fail naming it and the OS error. */
export function ensureDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new PkiError(`cannot create the PKI cache directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** The cached document when it exists and fits this digest and plan; undefined otherwise. */
export function readCache(dir: string, digest: string, plans: CertPlan[], now = Date.now()): CacheDoc | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, FILE), 'utf8');
  } catch {
    return undefined;
  }
  let doc: CacheDoc;
  try {
    doc = JSON.parse(text) as CacheDoc;
  } catch {
    return undefined;
  }
  return fits(doc, digest, plans, now) ? doc : undefined;
}

function fits(doc: CacheDoc, digest: string, plans: CertPlan[], now: number): boolean {
  if (!doc || doc.format !== CACHE_FORMAT || doc.digest !== digest) return false;
  if (!(Date.parse(doc.notAfter) - now > MIN_REMAINING_MS)) return false;
  if (!isPem(doc.ca?.certPem, 'CERTIFICATE') || !isPem(doc.ca?.keyPem, 'PRIVATE KEY')) return false;
  if (!Array.isArray(doc.entries) || doc.entries.length !== plans.length) return false;
  return plans.every((p, i) => {
    const e = doc.entries[i];
    if (!e || !isPem(e.certPem, 'CERTIFICATE') || !isPem(e.keyPem, 'PRIVATE KEY')) return false;
    // The digest covers the topology; this guards against a plan change in our own code.
    return e.id === p.id && e.kind === p.kind && e.key === p.key && e.commonName === p.commonName && e.address === p.address &&
      e.selfSigned === p.selfSigned && JSON.stringify(e.names) === JSON.stringify(p.names);
  });
}

function isPem(v: unknown, label: string): boolean {
  return typeof v === 'string' && v.startsWith(`-----BEGIN ${label}-----`);
}

/**
 * Commit a freshly built document. Returns the document now on disk: ours, or the one another
 * process committed first (when a valid one is already there; a stale one is replaced).
 */
export function commitCache(dir: string, doc: CacheDoc, plans: CertPlan[]): CacheDoc {
  const final = join(dir, FILE);
  const tmp = join(dir, `${FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    removeStaleTmp(dir);
    writeDurable(tmp, JSON.stringify(doc));
    try {
      linkSync(tmp, final); // fails with EEXIST when another process got there first
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        const theirs = readCache(dir, doc.digest, plans);
        if (theirs) return theirs;
        renameSync(tmp, final); // theirs is stale or broken: ours replaces it
        return doc;
      }
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
      renameSync(tmp, final); // a file system without hard links
    }
    return doc;
  } catch (err) {
    throw new PkiError(`cannot write the PKI cache in ${dir}: ${(err as Error).message}`, { cause: err });
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed away
    }
  }
}

/** Write a file and flush it before it is linked into place (mode 0600: private keys). */
export function writeDurable(path: string, data: string, mode = 0o600): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeStaleTmp(dir: string): void {
  const now = Date.now();
  for (const name of readdirSync(dir).slice(0, 1000)) {
    if (!name.startsWith(`${FILE}.`) || !name.endsWith('.tmp')) continue;
    try {
      if (now - statSync(join(dir, name)).mtimeMs > STALE_TMP_MS) unlinkSync(join(dir, name));
    } catch {
      // another process removed it
    }
  }
}
