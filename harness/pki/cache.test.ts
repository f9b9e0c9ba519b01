import { describe, expect, it, afterEach, beforeEach } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, readFileSync, writeFileSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_FORMAT, commitCache, ensureDir, readCache, type CacheDoc } from './cache.ts';
import type { CertPlan } from './plan.ts';
import { PkiError } from '../errors.ts';

// The commit protocol without key generation: documents with PEM-shaped placeholders.
const plans: CertPlan[] = [{ id: 'front-door', kind: 'front-door', key: 'front-door', commonName: 'mail.x.lab', names: ['mail.x.lab'], address: '127.0.9.10', selfSigned: false }];
const cert = (tag: string) => `-----BEGIN CERTIFICATE-----\n${tag}\n-----END CERTIFICATE-----\n`;
const key = (tag: string) => `-----BEGIN PRIVATE KEY-----\n${tag}\n-----END PRIVATE KEY-----\n`;
function doc(tag: string, over: Partial<CacheDoc> = {}): CacheDoc {
  return {
    format: CACHE_FORMAT,
    digest: 'd1',
    createdAt: new Date().toISOString(),
    notAfter: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    ca: { certPem: cert(`ca-${tag}`), keyPem: key(`ca-${tag}`) },
    entries: [{ ...plans[0]!, certPem: cert(tag), keyPem: key(tag) }],
    ...over,
  };
}

describe('PKI cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pki-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('commits a document that reads back, with mode 0600 and no temporary file left', () => {
    const a = doc('a');
    expect(commitCache(dir, a, plans)).toBe(a);
    expect(readCache(dir, 'd1', plans)).toEqual(a);
    expect(statSync(join(dir, 'pki.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['pki.json']);
  });

  it('adopts the document another process committed first', () => {
    const a = doc('a');
    commitCache(dir, a, plans);
    const got = commitCache(dir, doc('b'), plans);
    expect(got.ca.certPem).toBe(a.ca.certPem);
    expect(readCache(dir, 'd1', plans)!.ca.certPem).toBe(a.ca.certPem);
  });

  it('replaces a broken or stale document', () => {
    writeFileSync(join(dir, 'pki.json'), '{"format":1,"dig');
    const b = doc('b');
    expect(commitCache(dir, b, plans)).toBe(b);
    commitCache(dir, doc('old', { notAfter: new Date(Date.now() + 86_400_000).toISOString() }), plans);
    expect(readCache(dir, 'd1', plans)!.ca.certPem).toBe(b.ca.certPem);
  });

  it('ignores a document of another digest, format, plan or one about to expire', () => {
    const cases: CacheDoc[] = [
      doc('x', { digest: 'other' }),
      doc('x', { format: CACHE_FORMAT + 1 }),
      doc('x', { notAfter: new Date(Date.now() + 86_400_000).toISOString() }),
      doc('x', { entries: [{ ...plans[0]!, names: ['other.x.lab'], certPem: cert('x'), keyPem: key('x') }] }),
      doc('x', { entries: [{ ...plans[0]!, certPem: 'garbage', keyPem: key('x') }] }),
    ];
    for (const c of cases) {
      writeFileSync(join(dir, 'pki.json'), JSON.stringify(c));
      expect(readCache(dir, 'd1', plans)).toBeUndefined();
    }
  });

  it('removes temporary files a killed process left behind', () => {
    const stale = join(dir, 'pki.json.999.abcd.tmp');
    writeFileSync(stale, '{');
    const old = new Date(Date.now() - 3_600_000);
    utimesSync(stale, old, old);
    commitCache(dir, doc('a'), plans);
    expect(readdirSync(dir)).toEqual(['pki.json']);
    expect(JSON.parse(readFileSync(join(dir, 'pki.json'), 'utf8')).digest).toBe('d1');
  });

  it('names the directory and the OS error when the folder cannot be made', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const bad = join(file, 'pki');
    expect(() => ensureDir(bad)).toThrow(PkiError);
    expect(() => ensureDir(bad)).toThrow(new RegExp(`${bad}.*ENOTDIR`));
  });
});
