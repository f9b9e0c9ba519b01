import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTopology } from '../topology/index.ts';
import { PkiError } from '../errors.ts';
import { ensureLabPki, exportPki, pkiDigest, type LabPki } from './index.ts';

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const DAY = 86_400_000;
const topology = loadTopology('contoso');
const x509 = (pem: string) => new X509Certificate(pem);

describe('lab PKI (contoso)', () => {
  let tmp: string;
  let pki: LabPki;
  let ca: X509Certificate;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'pki-'));
    pki = await ensureLabPki(topology, { cacheDir: join(tmp, 'cache') });
    ca = x509(pki.ca.certPem);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('makes a lab CA named for the topology digest, valid 10 years', () => {
    expect(pki.fromCache).toBe(false);
    expect(pki.digest).toBe(pkiDigest(topology));
    expect(pki.cacheDir).toBe(join(tmp, 'cache', pki.digest));
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain(`CN=cas-conformance lab CA ${pki.digest}`);
    expect(ca.checkIssued(ca)).toBe(true);
    const years = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / (365 * DAY);
    expect(years).toBeGreaterThan(9.9);
    expect(Date.parse(ca.validFrom)).toBeLessThan(Date.now() - DAY / 2);
  });

  it('issues every lab-ca server a leaf chained to the CA with its names and address', () => {
    const labCa = topology.servers.filter((s) => s.certificate === 'lab-ca');
    expect(labCa.length).toBeGreaterThan(5);
    for (const s of labCa) {
      const creds = pki.server(s.fqdn);
      const leaf = x509(creds.certPem);
      expect(creds.selfSigned).toBe(false);
      expect(leaf.checkIssued(ca), s.fqdn).toBe(true);
      expect(leaf.verify(ca.publicKey), s.fqdn).toBe(true);
      expect(leaf.ca).toBe(false);
      expect(leaf.subject).toContain(`CN=${s.fqdn}`);
      expect(leaf.keyUsage).toContain(SERVER_AUTH);
      for (const n of [s.fqdn, ...s.aliases, ...s.namespaces]) expect(leaf.checkHost(n), n).toBe(n);
      expect(leaf.checkIP(s.address)).toBe(s.address);
      expect(leaf.checkHost('mail.contoso.lab')).toBeUndefined();
      expect(leaf.checkIP('127.0.0.1')).toBeUndefined();
      expect(leaf.checkPrivateKey(createPrivateKey(creds.keyPem))).toBe(true);
      const years = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / (365 * DAY);
      expect(years).toBeCloseTo(2, 1);
      expect(Date.parse(leaf.validFrom)).toBeLessThan(Date.now() - DAY / 2);
    }
    // cas2007.site1 answers for legacy.contoso.lab (001) and its internal alias.
    expect(pki.server('cas2007.site1.contoso.lab').names).toEqual(['cas2007.site1.contoso.lab', 'cas2007-int.site1.contoso.lab', 'legacy.contoso.lab']);
  });

  it("gives the self-signed servers Exchange's default certificate, not issued by the lab CA (003 Note)", () => {
    const expected = { 'cas2010b.site3.contoso.lab': ['cas2010b'], 'cas2007.site3.contoso.lab': ['cas2007', 'cas2007-int.site3.contoso.lab'] };
    for (const [fqdn, extra] of Object.entries(expected)) {
      const creds = pki.server(fqdn);
      const cert = x509(creds.certPem);
      expect(creds.selfSigned).toBe(true);
      expect(cert.checkIssued(ca), fqdn).toBe(false);
      expect(cert.verify(ca.publicKey), fqdn).toBe(false);
      expect(cert.checkIssued(cert), fqdn).toBe(true);
      expect(cert.verify(cert.publicKey), fqdn).toBe(true);
      expect(cert.subject).toBe(`CN=${fqdn.split('.')[0]}`);
      expect(cert.issuer).toBe(cert.subject);
      for (const n of [fqdn, ...extra]) expect(cert.checkHost(n), n).toBe(n);
      expect(cert.checkIP(creds.address)).toBeUndefined();
    }
  });

  it('issues the front door and each namespace a CA-signed certificate', () => {
    const fd = x509(pki.frontDoor().certPem);
    expect(fd.checkIssued(ca) && fd.verify(ca.publicKey)).toBe(true);
    expect(fd.checkHost('mail.contoso.lab')).toBe('mail.contoso.lab');
    expect(fd.checkHost('autodiscover.contoso.lab')).toBe('autodiscover.contoso.lab');
    expect(fd.checkIP(topology.frontDoor.address)).toBe(topology.frontDoor.address);
    expect(pki.frontDoor().names).toEqual(topology.frontDoor.namespaces);
    for (const ns of topology.namespaces) {
      const creds = pki.namespace(ns.name);
      const cert = x509(creds.certPem);
      expect(cert.verify(ca.publicKey), ns.name).toBe(true);
      expect(cert.checkHost(ns.name)).toBe(ns.name);
    }
    // legacy.contoso.lab resolves to CAS2007 in Site1, so its certificate carries that address.
    expect(x509(pki.namespace('legacy.contoso.lab').certPem).checkIP('127.0.1.12')).toBe('127.0.1.12');
  });

  it('finds servers by alias and namespace, case-insensitively, and refuses unknown names', () => {
    expect(pki.server('CAS2007-INT.site1.contoso.lab.')).toBe(pki.server('cas2007.site1.contoso.lab'));
    expect(pki.server('legacy.contoso.lab')).toBe(pki.server('cas2007.site1.contoso.lab'));
    expect(() => pki.server('nope.contoso.lab')).toThrow(PkiError);
    expect(() => pki.namespace('nope.contoso.lab')).toThrow(/no namespace certificate for "nope.contoso.lab"/);
  });

  it('lists every certificate once with unique serials', () => {
    const all = pki.all();
    expect(all[0]!.kind).toBe('ca');
    expect(all.filter((e) => e.kind === 'server')).toHaveLength(topology.servers.length);
    expect(all.filter((e) => e.kind === 'namespace')).toHaveLength(topology.namespaces.length);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(new Set(all.map((e) => x509(e.creds.certPem).serialNumber)).size).toBe(all.length);
  });

  it('loads the same PKI from disk on the second call, quickly', async () => {
    const t0 = performance.now();
    const again = await ensureLabPki(topology, { cacheDir: join(tmp, 'cache') });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(again.fromCache).toBe(true);
    expect(again.ca).toEqual(pki.ca);
    expect(again.all()).toEqual(pki.all());
  });

  it('is shared by topologies whose certificates are the same, and not by others', () => {
    // A user more changes no certificate: the same PKI. A server more does.
    const moreUsers = { ...topology, users: [...topology.users, { ...topology.users[0]!, name: 'Extra', samAccountName: 'extra' }] };
    expect(pkiDigest(moreUsers)).toBe(pkiDigest(topology));
    const fewerServers = { ...topology, servers: topology.servers.slice(1) };
    expect(pkiDigest(fewerServers)).not.toBe(pkiDigest(topology));
  });

  it('shares one generation between concurrent calls', async () => {
    const other = loadTopology('contoso-2007');
    const dir = join(tmp, 'concurrent');
    const [a, b] = await Promise.all([ensureLabPki(other, { cacheDir: dir }), ensureLabPki(other, { cacheDir: dir })]);
    expect(a).toBe(b); // one promise, one generation
    expect(a.digest).not.toBe(pki.digest);
    expect(x509(a.server('cas-03.hub.contoso.lab').certPem).checkIssued(x509(a.ca.certPem))).toBe(false);
  });

  it('rejects with PkiError naming the directory when the cache cannot be created', async () => {
    const file = join(tmp, 'not-a-dir');
    writeFileSync(file, 'x');
    const err = await ensureLabPki(topology, { cacheDir: join(file, 'pki') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PkiError);
    expect((err as PkiError).code).toBe('PKI_ERR');
    expect((err as Error).message).toContain(join(file, 'pki'));
    expect((err as Error).message).toMatch(/ENOTDIR|EEXIST/);
  });

  it('exports what a front door or curl needs', () => {
    const out = join(tmp, 'export');
    const files = exportPki(pki, out);
    const must = ['ca.crt', 'trust-bundle.crt', 'front-door.crt', 'front-door.key', 'front-door.pem', 'cas2010.site1.contoso.lab.key', 'legacy.contoso.lab.crt'];
    for (const f of must) expect(files).toContain(join(out, f));
    expect(readFileSync(join(out, 'ca.crt'), 'utf8')).toBe(pki.ca.certPem);
    expect(readFileSync(join(out, 'front-door.pem'), 'utf8')).toBe(pki.frontDoor().certPem + pki.frontDoor().keyPem);
    for (const f of files.filter((p) => p.endsWith('.key') || p.endsWith('.pem'))) expect(statSync(f).mode & 0o777, f).toBe(0o600);
    // The trust bundle: the CA plus the two self-signed servers of Site3.
    const bundle = readFileSync(join(out, 'trust-bundle.crt'), 'utf8');
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    expect(bundle).toContain(pki.server('cas2010b.site3.contoso.lab').certPem);
    expect(files.some((f) => f.endsWith('ca.key'))).toBe(false);
    expect(() => exportPki(pki, join(tmp, 'not-a-dir', 'x'))).toThrow(PkiError);
  });
});
