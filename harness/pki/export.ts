/**
 * Export a lab PKI as files a front door or curl reads: `ca.crt`; per front door, server and
 * namespace `<id>.crt`, `<id>.key` (0600) and `<id>.pem` (certificate then key, as HAProxy's `crt`
 * wants it, 0600); and `trust-bundle.crt`: the lab CA plus every self-signed server certificate, one
 * `ca-file` that lets a front door verify every lab server.
 */
import { chmodSync, mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PkiError } from '../errors.ts';
import type { LabPki } from './lab-pki.ts';

/**
 * Write the PKI's files into `dir` (created when missing); returns the paths written.
 * @example
 * const files = exportPki(pki, join(runDir, 'certs'));
 * // haproxy: bind :443 ssl crt <dir>/front-door.pem ; server ... ssl verify required ca-file <dir>/trust-bundle.crt
 */
export function exportPki(pki: LabPki, dir: string): string[] {
  const written: string[] = [];
  const put = (name: string, data: string, mode: number) => {
    const path = join(dir, name);
    writeAtomic(path, data, mode);
    written.push(path);
  };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const trust = [pki.ca.certPem];
    for (const e of pki.all()) {
      if (e.kind === 'ca') {
        put('ca.crt', e.creds.certPem, 0o644);
        continue;
      }
      put(`${e.id}.crt`, e.creds.certPem, 0o644);
      put(`${e.id}.key`, e.creds.keyPem, 0o600);
      put(`${e.id}.pem`, e.creds.certPem + e.creds.keyPem, 0o600);
      if (e.kind === 'server' && pki.server(e.id).selfSigned) trust.push(e.creds.certPem);
    }
    put('trust-bundle.crt', trust.join(''), 0o644);
  } catch (err) {
    throw new PkiError(`cannot export the PKI to ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return written;
}

/**
 * tmp + rename: a reader never sees half a key; chmod because an old file keeps its mode. No fsync:
 * the files live as long as their lab, which a crash ends anyway (an fsync per file was 0.6 s of CPU
 * per suite worker: every lab start exports about 40 files).
 */
function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    chmodSync(tmp, mode); // the umask may have narrowed it
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw err;
  }
}
