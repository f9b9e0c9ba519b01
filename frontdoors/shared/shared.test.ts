import { describe, expect, test } from 'vitest';
import { createServer } from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fillTemplate, templateNames } from './template.ts';
import { runProcess, findBinary } from './run-process.ts';
import { assertPortsFree } from './ports.ts';
import { configDigest } from './digest.ts';
import { siteTargets, hostsMap, configId } from './targets.ts';
import { PortTakenError, TemplateError } from './errors.ts';
import type { DirectorySnapshot, DirServer, DirVdirs, Product } from '../../harness/topology/directory-contract.ts';

describe('fillTemplate', () => {
  test('fills every placeholder', () => {
    expect(fillTemplate('listen {{a}}:{{port}}; # {{a}}', { a: '127.0.1.10', port: 8443 })).toBe('listen 127.0.1.10:8443; # 127.0.1.10');
    expect(templateNames('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
  });
  test('a missing value or an unused value is an error naming it', () => {
    expect(() => fillTemplate('x {{nope}}', {})).toThrow(/\{\{nope\}\}/);
    expect(() => fillTemplate('x', { extra: 1 })).toThrow(TemplateError);
    expect(() => fillTemplate('x', { extra: 1 })).toThrow(/extra/);
  });
});

describe('runProcess / findBinary', () => {
  test('collects output and the exit code', async () => {
    const r = await runProcess(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)']);
    expect(r).toMatchObject({ code: 3, timedOut: false, spawnError: null });
    expect(r.stdout.trim()).toBe('out');
    expect(r.stderr.trim()).toBe('err');
  });
  test('kills at the deadline', async () => {
    const r = await runProcess(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });
  test('a missing binary is a spawn error, not a throw; findBinary says null', async () => {
    const r = await runProcess('/nonexistent/proxy', []);
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(findBinary('no-such-proxy-binary-xyz')).toBeNull();
    expect(findBinary(process.execPath)).toBe(process.execPath);
  });
});

describe('assertPortsFree', () => {
  test('names the taken port and its label', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    try {
      await expect(assertPortsFree('127.0.0.1', { https: port, imaps: 0 })).rejects.toThrow(PortTakenError);
      await expect(assertPortsFree('127.0.0.1', { https: port })).rejects.toThrow(`127.0.0.1:${port} (https) is already in use`);
    } finally {
      await new Promise((r) => s.close(r));
    }
    await expect(assertPortsFree('127.0.0.1', { https: port })).resolves.toBeUndefined();
  });
});

describe('siteTargets', () => {
  const server = (fqdn: string, site: string, product: Product, buildNumber: string, extra: Partial<DirServer> = {}): DirServer => ({
    fqdn, site, product, buildNumber, build: `${product}`, address: '127.0.9.9', aliases: [], namespaces: [], certificate: 'lab-ca', isOutOfService: false,
    ports: { https: 1000 + product, http: 80 }, vdirs: { owa: { internalUrl: null }, rpc: { enabled: false } } as unknown as DirVdirs, // only the keys and rpc.enabled are read
    imap4: { enabled: true, loginType: 'SecureLogin', internalConnectionSettings: [{ host: fqdn, port: 993, method: 'ssl', setting: `${fqdn}:993:SSL`, labPort: 4993 }] },
    pop3: { enabled: false, loginType: 'SecureLogin', internalConnectionSettings: [] },
    ...extra,
  });
  const dir: DirectorySnapshot = {
    servers: [
      server('cas2007.s1.lab', 'S1', 2007, '8.3.83.6'),
      server('old2010.s1.lab', 'S1', 2010, '14.2.247.5'),
      server('new2010.s1.lab', 'S1', 2010, '14.2.283.3'),
      server('oos2010.s1.lab', 'S1', 2010, '14.3.123.4', { isOutOfService: true }),
      server('cas2010.s2.lab', 'S2', 2010, '14.2.283.3'),
    ],
    users: [], sites: [], frontDoor: { site: 'S1', address: '127.0.1.10', namespaces: [], healthIntervalMs: 50_000, fastHealthIntervalMs: 2_000, ports: { https: 443 } },
  };
  test('CAS2010 newest first, CAS2007 last, out-of-service and other sites left out; addresses from the hosts file', () => {
    const d = mkdtempSync(join(tmpdir(), 'fd-shared-'));
    writeFileSync(join(d, 'hosts'), '127.0.1.11\tnew2010.s1.lab\n127.0.1.12\tcas2007.s1.lab\n');
    const hosts = hostsMap(join(d, 'hosts'));
    rmSync(d, { recursive: true, force: true });
    const t = siteTargets(dir, hosts);
    expect(t.map((x) => x.fqdn)).toEqual(['new2010.s1.lab', 'old2010.s1.lab', 'cas2007.s1.lab']);
    expect(t[0]).toMatchObject({ address: '127.0.1.11', httpsPort: 3010, vdirs: ['owa'] });
    expect(t[0]!.imap4[0]).toMatchObject({ address: '127.0.1.11', labPort: 4993, method: 'ssl' });
    expect(t[1]!.address).toBe('127.0.9.9'); // not in the hosts file: the directory's address
    expect(t[2]!.pop3).toEqual([]);
  });
  test('configId and configDigest', () => {
    expect(configId('cas2010.site1.contoso.lab')).toBe('cas2010_site1_contoso_lab');
    expect(configDigest('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(configDigest('a')).not.toBe(configDigest('b'));
  });
});
