/**
 * `topology import` on the sample export sets of test/fixtures/exchange-export: `contoso` reproduces
 * the built-in contoso (same servers, sites, builds, vdir URLs, users' placement), `fabrikam` is a
 * different shape (two sites, one CAS2007, one CAS2010, other namespaces, JSON and CSV mixed). Broken
 * rows give one line naming file, row and field, exit 2. No lab is started.
 */
import { describe, expect, test, afterAll } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { importTopology } from './index.ts';
import { topologyEssence } from './essence.ts';
import { buildNumberOf } from './builds.ts';
import { parseCsv } from './csv.ts';
import { EXPORTS, HAND_WRITTEN, exportCommand } from './exports.ts';
import { loadTopology, parseTopology, roleMap } from '../index.ts';
import { TopologyImportError } from '../errors.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = join(ROOT, 'test/fixtures/exchange-export');
const CLI = join(ROOT, 'bin/cas-conformance.js');

/** A copy of an export set to break. */
/** Temp folders of this file, removed at its end whatever the tests did. */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function brokenCopy(set: string, edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'cas-import-'));
  made.push(dir);
  cpSync(join(FIXTURES, set), dir, { recursive: true });
  edit(dir);
  return dir;
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

function importError(dir: string): TopologyImportError {
  try {
    importTopology(dir);
  } catch (err) {
    if (err instanceof TopologyImportError) return err;
    throw err;
  }
  throw new Error('the import did not fail');
}

describe('the contoso export set', () => {
  const { topology } = importTopology(join(FIXTURES, 'contoso'), { name: 'contoso-imported' });
  const imported = parseTopology(topology, 'contoso-imported');
  const builtIn = loadTopology('contoso');

  test('equals the built-in contoso for the rules: servers, sites, builds, vdir URLs and auth, mail endpoints, users and their mailboxes', () => {
    expect(topologyEssence(imported)).toEqual(topologyEssence(builtIn));
  });

  test('the seed roles fall on the same users', () => {
    const names = (t: typeof imported) => {
      const m = roleMap(t);
      return { roles: m.roles.map((r) => [r.role, r.user.name]), missing: m.missing.map((r) => r.role), versions: m.versions.map((v) => [v.build, v.user.name, v.servers.map((s) => s.fqdn)]) };
    };
    expect(names(imported)).toEqual(names(builtIn));
  });

  test('the lab addresses every site on its own 127.0.N.x; the front door .10 of its site', () => {
    expect(imported.frontDoor.address).toBe('127.0.1.10');
    expect(new Set(imported.servers.map((s) => s.address)).size).toBe(imported.servers.length);
  });
});

describe('the fabrikam export set (another shape)', () => {
  const { topology, notes } = importTopology(join(FIXTURES, 'fabrikam'), { name: 'org2' });
  const t = parseTopology(topology, 'org2');

  test('two sites, one CAS2010 and one CAS2007, its own namespaces', () => {
    expect(t.sites).toEqual([{ name: 'HQ', internetFacing: true }, { name: 'Branch', internetFacing: false }]);
    expect(t.servers.map((s) => [s.fqdn, s.site, s.build, s.certificate])).toEqual([
      ['ex2010.hq.fabrikam.lab', 'HQ', '2010-sp2-ru1', 'lab-ca'],
      ['ex2007.branch.fabrikam.lab', 'Branch', '2007-sp3', 'self-signed'],
    ]);
    expect(t.frontDoor).toMatchObject({ site: 'HQ', namespaces: ['webmail.fabrikam.lab', 'autodiscover.fabrikam.lab'] });
    const ex2010 = t.servers[0]!;
    expect(ex2010.vdirs.ews.auth).toEqual(['ntlm', 'negotiate']); // WSSecurity is not modelled
    expect(ex2010.vdirs.rpc).toEqual({ enabled: true, externalHostname: 'webmail.fabrikam.lab', auth: ['basic', 'ntlm'] });
    expect(ex2010.vdirs.ecp?.internalUrl).toBe('https://ex2010.hq.fabrikam.lab/ecp');
    const ex2007 = t.servers[1]!;
    expect(ex2007.vdirs.owa.internalUrl).toBe('https://ex2007.branch.fabrikam.lab/owa'); // not 2007's Exchange/Public/Exchweb vdirs
    expect(ex2007.vdirs.oab.internalUrl).toBe('http://ex2007.branch.fabrikam.lab/OAB');
    expect(ex2007.vdirs.rpc.enabled).toBe(false);
    expect(ex2007.imap4.internalConnectionSettings).toEqual(['ex2007.branch.fabrikam.lab:993:SSL', 'ex2007.branch.fabrikam.lab:143:TLS']);
    expect(t.users.map((u) => [u.samAccountName, u.mailboxServer, u.role ?? null])).toEqual([
      ['alice', 'ex2010.hq.fabrikam.lab', 'red'],
      ['bob', 'ex2007.branch.fabrikam.lab', null],
    ]);
    expect(notes.join('\n')).toMatch(/no ExchangeCertificate export/);
  });

  test('roles: Red marked, Grey and User3 derived, the others absent with their n/a reason', () => {
    const m = roleMap(t);
    expect(m.roles.map((r) => [r.role, r.user.samAccountName, r.how])).toEqual([['red', 'alice', 'marked'], ['grey', 'bob', 'derived'], ['user3', 'bob', 'derived']]);
    expect(m.missing.find((r) => r.role === 'blue')?.reason).toMatch(/^your topology has no mailbox in a site without an OWA ExternalURL/);
  });
});

describe('bad exports: one line naming file, row and field', () => {
  test('an unknown build lists the known ones', () => {
    const dir = brokenCopy('contoso', (d) => replaceIn(join(d, 'ExchangeServer.csv'), '"Version 8.3 (Build 83.6)"', '"Version 8.3 (Build 83.9)"'));
    const err = importError(dir);
    expect(err.message).toMatch(/^ExchangeServer\.csv row 2 field AdminDisplayVersion: build 8\.3\.83\.9 .* known builds: 2007-rtm \(8\.0\.685\.25\), .*2010-sp2-ru1 \(14\.2\.283\.3\)/);
    expect(err.message).not.toContain('\n');
    rmSync(dir, { recursive: true });
  });

  test('a broken URL, an unknown database, a CAS without its vdirs, an unknown authentication method', () => {
    const cases: [string, (d: string) => void, RegExp][] = [
      ['contoso', (d) => replaceIn(join(d, 'OwaVirtualDirectory.csv'), '"https://cas2010a.site3.contoso.lab/owa"', '"cas2010a site3/owa"'), /^OwaVirtualDirectory\.csv row 3 field InternalUrl: "cas2010a site3\/owa" is not a URL$/],
      ['contoso', (d) => replaceIn(join(d, 'users.csv'), '"DB-MBX2010-SITE1"', '"DB-NOPE"'), /^users\.csv row 1 field Database: no mailbox database "DB-NOPE"/],
      ['contoso', (d) => replaceIn(join(d, 'OabVirtualDirectory.csv'), '"CAS2010B-SITE3"', '"CAS2010A-SITE3"'), /^OabVirtualDirectory\.csv row 4 field Server: a second oab virtual directory for CAS2010A-SITE3 \(first at OabVirtualDirectory\.csv row 3\)/],
      ['fabrikam', (d) => replaceIn(join(d, 'ActiveSyncVirtualDirectory.json'), '"Basic"', '"Basic;Smartcard"'), /^ActiveSyncVirtualDirectory\.json row 1 field InternalAuthenticationMethods: unknown authentication method "Smartcard"/],
      ['fabrikam', (d) => replaceIn(join(d, 'ActiveSyncVirtualDirectory-2007.csv'), '"EX2007","Microsoft', '"EX2099","Microsoft'), /^ActiveSyncVirtualDirectory-2007\.csv row 1 field Server: no server "EX2099" in ExchangeServer/],
      ['fabrikam', (d) => writeFileSync(join(d, 'OutlookAnywhere-2007.csv'), '"Server","ExternalHostname","IISAuthenticationMethods"\r\n"EX2007","","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.Directory.AuthenticationMethod]"\r\n'), /^OutlookAnywhere-2007\.csv row 1 field IISAuthenticationMethods: holds the type name/],
      ['fabrikam', (d) => replaceIn(join(d, 'ClientAccessServer-2007.csv'), '"EX2007",""', '"EX2007","True"'), /^ClientAccessServer-2007\.csv row 1 field IsOutOfService: EX2007 runs Exchange 2007, which has no IsOutOfService/],
    ];
    for (const [set, edit, expected] of cases) {
      const dir = brokenCopy(set, edit);
      const err = importError(dir);
      expect(err.message).toMatch(expected);
      expect(err.message).not.toContain('\n');
      rmSync(dir, { recursive: true });
    }
  });

  test('a CAS without a row in a vdir export is refused at its ExchangeServer row', () => {
    const dir = brokenCopy('fabrikam', (d) => rmSync(join(d, 'OabVirtualDirectory-2007.csv')));
    expect(importError(dir).message).toMatch(/^ExchangeServer\.json row 2 field Name: CAS EX2007 has no row in OabVirtualDirectory \(export every Client Access server: Get-OabVirtualDirectory \| Select-Object /);
    rmSync(dir, { recursive: true });
  });

  test('two Internet-facing sites without frontdoor.csv: name the front door\'s site', () => {
    const dir = brokenCopy('contoso', (d) => rmSync(join(d, 'frontdoor.csv')));
    expect(importError(dir).message).toBe('frontdoor.csv field Site: 2 Internet-facing sites (Site1, Site2): name the site the front door goes into (frontdoor.csv Site, or --front-door-site)');
    expect(importTopology(dir, { frontDoorSite: 'Site1' }).topology.frontDoor.site).toBe('Site1');
    rmSync(dir, { recursive: true });
  });

  test('the CLI prints the one line and exits 2', () => {
    const dir = brokenCopy('contoso', (d) => replaceIn(join(d, 'users.csv'), '"DB-MBX2010-SITE1"', '"DB-NOPE"'));
    const r = spawnSync(process.execPath, [CLI, 'topology', 'import', dir, '--out', join(dir, 'out.json')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/users\.csv row 1 field Database: no mailbox database "DB-NOPE"/);
    rmSync(dir, { recursive: true });
  });

  test('the CLI writes a topology that `topology validate` accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-import-'));
    made.push(dir);
    const out = join(dir, 'org2.json');
    execFileSync(process.execPath, [CLI, 'topology', 'import', join(FIXTURES, 'fabrikam'), '--out', out], { encoding: 'utf8', timeout: 60_000 });
    expect(execFileSync(process.execPath, [CLI, 'topology', 'validate', out], { encoding: 'utf8', timeout: 60_000 })).toMatch(/valid \(2 servers, 2 users/);
    rmSync(dir, { recursive: true });
  });
});

describe('parts', () => {
  test('AdminDisplayVersion -> build number', () => {
    expect(buildNumberOf('Version 14.2 (Build 283.3)')).toBe('14.2.283.3');
    expect(buildNumberOf('Version 8.0 (Build 685.25)')).toBe('8.0.685.25');
    expect(buildNumberOf('14.02.0283.003')).toBe('14.02.0283.003');
    expect(buildNumberOf('Exchange 2010')).toBeNull();
  });

  test("Export-Csv's dialect: #TYPE line, quotes, doubled quotes, line breaks in values, ; from -UseCulture", () => {
    const r = parseCsv('#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.ExchangeServer\r\n"Name","Note"\r\n"A","say ""hi""\r\nthere"\r\n"B",""\r\n');
    expect(r.records.map((x) => x.values)).toEqual([['Name', 'Note'], ['A', 'say "hi"\r\nthere'], ['B', '']]);
    expect(parseCsv('"Name";"Site"\n"A";"S1"\n').records[1]!.values).toEqual(['A', 'S1']);
    expect(parseCsv('"Name"\n"A\n').error?.message).toMatch(/never closed/);
  });

  test('docs/import.md lists every export command and every field used', () => {
    const doc = readFileSync(join(ROOT, 'docs/import.md'), 'utf8');
    for (const e of EXPORTS) {
      expect(doc, e.name).toContain(exportCommand(e, 'csv'));
      for (const f of e.fields) expect(doc, `${e.name}.${f.name}`).toContain(`| ${f.name} |`);
    }
    for (const e of HAND_WRITTEN) for (const f of e.fields) expect(doc, `${e.name}.${f.name}`).toContain(`| ${f.name} |`);
  });
});
