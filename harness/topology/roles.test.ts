/**
 * Seed roles (roles.ts) on the built-in topologies, derived and marked, and the topology loading and
 * validation messages of issue 13 (unknown names list the built-ins, unknown builds the known ones, a
 * server without vdirs or a user without a mailbox server is refused with its path). No lab.
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  defaultTopologyDocument, defaultTopologyNames, loadTopology, parseTopology, roleMap, roleMissingReason, roleNamespace, roleInternalHosts, roleServers,
  roleUser, versionTargets, writeResolvedTopology, frontDoorSiteServers, type TopologyInput,
} from './index.ts';
import { RoleMissingError, TopologyNotFoundError } from './errors.ts';
import { TopologyError } from '../errors.ts';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';

const fqdns = (l: { fqdn: string }[]) => l.map((s) => s.fqdn);

describe('roles derived from sites, ExternalURLs and builds', () => {
  const contoso = loadTopology('contoso');

  test("contoso: 001's users play their own roles", () => {
    const m = roleMap(contoso);
    expect(Object.fromEntries(m.roles.map((r) => [r.role, r.user.name]))).toEqual({ red: 'Red', purple: 'Purple', blue: 'Blue', orange: 'Orange', grey: 'Grey', user1: 'Purple', user3: 'Grey' });
    expect(m.roles.every((r) => r.how === 'derived')).toBe(true);
    expect(m.missing.map((r) => r.role)).toEqual(['user2']);
  });

  test('servers and namespaces by role (the front door\'s site CAS2010, the Site3 pair, legacy, mail-region)', () => {
    expect(fqdns(roleServers(contoso, 'red'))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(roleServers(contoso, 'purple'))).toEqual(['cas2007.site1.contoso.lab']);
    expect(fqdns(roleServers(contoso, 'blue'))).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
    expect(fqdns(roleServers(contoso, 'orange'))).toEqual(['cas2010.site2.contoso.lab']);
    expect(fqdns(roleServers(contoso, 'grey'))).toEqual(['cas2007.site3.contoso.lab']);
    expect(roleNamespace(contoso, 'purple')).toBe('legacy.contoso.lab');
    expect(roleNamespace(contoso, 'orange')).toBe('mail-region.contoso.lab');
    expect(roleNamespace(contoso, 'orange', 'eas')).toBe('mail-region.contoso.lab');
    expect(roleInternalHosts(contoso, 'grey', 'eas')).toEqual(['cas2007-int.site3.contoso.lab']);
    expect(fqdns(frontDoorSiteServers(contoso))).toEqual(['cas2010.site1.contoso.lab', 'cas2007.site1.contoso.lab']);
  });

  test('version targets: Site4 users, Grey for 2007 SP3 and Blue for 2010 SP2 RU1 (suites/support/ver-matrix.ts)', () => {
    expect(versionTargets(contoso).map((v) => [v.build, v.user.samAccountName, fqdns(v.servers)])).toEqual([
      ['2007-rtm', 'v-2007-rtm', ['cas-2007-rtm.site4.contoso.lab']],
      ['2007-sp1', 'v-2007-sp1', ['cas-2007-sp1.site4.contoso.lab']],
      ['2007-sp2', 'v-2007-sp2', ['cas-2007-sp2.site4.contoso.lab']],
      ['2007-sp3', 'grey', ['cas2007.site3.contoso.lab']],
      ['2010-sp2', 'v-2010-sp2', ['cas-2010-sp2.site4.contoso.lab']],
      ['2010-sp2-ru1', 'blue', ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']],
      ['2010-sp2-ru2', 'v-2010-sp2-ru2', ['cas-2010-sp2-ru2.site4.contoso.lab']],
    ]);
  });

  test("contoso-2007 under the 2007 profile: 003's User1..3; the front-door mock is nobody's server; no 2010 roles", () => {
    const t = topologyForProfile('contoso-2007', { profile: 'exchange2007', build: '2007-sp3' });
    expect(['user1', 'user2', 'user3'].map((r) => roleUser(t, r as 'user1').name)).toEqual(['User1', 'User2', 'User3']);
    expect(roleNamespace(t, 'user2')).toBe('www.europe.contoso.lab');
    expect(fqdns(roleServers(t, 'user3'))).toEqual(['cas-03.hub.contoso.lab', 'cas-04.hub.contoso.lab', 'cas-05.hub.contoso.lab']);
    expect(() => roleServers(t, 'user1')).toThrow(/^your topology has no CAS2007 in USA, the site of User1's mailbox \(User1\)$/);
    expect(versionTargets(t).map((v) => v.user.samAccountName)).toEqual(['v-2007-rtm', 'v-2007-sp1', 'v-2007-sp2', 'v-2007-sp3']);
    expect(roleMissingReason(t, 'blue')).toMatch(/^your topology has no mailbox in a site without an OWA ExternalURL/);
    expect(() => roleUser(t, 'blue')).toThrow(RoleMissingError);
  });

  test('a missing role is a RoleMissingError whose message is the n/a reason', () => {
    try {
      roleUser(loadTopology('contoso-2007'), 'orange');
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(RoleMissingError);
      expect((err as RoleMissingError).role).toBe('orange');
      expect((err as Error).message).toMatch(/^your topology has no Exchange 2010 mailbox in another Internet-facing site/);
    }
  });
});

describe('roles marked in the topology', () => {
  const doc = (): TopologyInput => defaultTopologyDocument('contoso');

  test('a mark wins over derivation and `topology show` says so', () => {
    const d = doc();
    d.users.find((u) => u.name === 'Cyan' || u.name === 'Version 2010-sp2')!.role = 'blue';
    const t = parseTopology(d);
    const blue = roleMap(t).roles.find((r) => r.role === 'blue')!;
    expect(blue.how).toBe('marked');
    expect(blue.user.name).not.toBe('Blue');
  });

  test('a mark that does not fit, or a role marked twice, is refused with its path', () => {
    const d = doc();
    d.users[0]!.role = 'grey'; // Red: a 2010 mailbox in Site1
    d.users[1]!.role = 'purple';
    d.users[4]!.role = 'purple';
    let err: unknown;
    try {
      parseTopology(d, 'marked.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopologyError);
    const issues = (err as TopologyError).issues;
    expect(issues.find((i) => i.path === 'users[0].role')?.message).toMatch(/Red cannot play grey: Grey is an Exchange 2007 mailbox; this one is Exchange 2010 in Site1/);
    expect(issues.find((i) => i.path === 'users[4].role')?.message).toMatch(/already marked on users\[1\]/);
  });
});

describe('loading and validation messages', () => {
  test('an unknown name lists the built-ins (not ENOENT)', () => {
    expect(() => loadTopology('nosuch')).toThrow(TopologyNotFoundError);
    expect(() => loadTopology('nosuch')).toThrow(new RegExp(`no built-in topology and no file "nosuch" \\(built-in: ${defaultTopologyNames().join(', ')};`));
  });

  test('unknown build lists the known ones; a server without vdirs and a user without a mailbox server are refused with the path', () => {
    const d = defaultTopologyDocument('contoso') as unknown as { servers: Record<string, unknown>[]; users: Record<string, unknown>[] };
    d.servers[2]!.build = '2010-sp9';
    const e1 = (() => { try { parseTopology(d); } catch (e) { return e as TopologyError; } })()!;
    expect(e1.issues).toContainEqual({ path: 'servers[2].build', message: expect.stringMatching(/^unknown Exchange build "2010-sp9" \(known: 2007-rtm, .*2010-sp2-ru1, .*\)$/) });
    delete d.servers[0]!.vdirs;
    d.servers[1]!.vdirs = {};
    delete d.users[3]!.mailboxServer;
    const e2 = (() => { try { parseTopology(d); } catch (e) { return e as TopologyError; } })()!;
    const paths = e2.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['servers[0].vdirs', 'servers[1].vdirs', 'users[3].mailboxServer']));
    expect(e2.issues.find((i) => i.path === 'servers[0].vdirs')?.message).toMatch(/has no virtual directories/);
    expect(e2.issues.find((i) => i.path === 'users[3].mailboxServer')?.message).toMatch(/^required: the FQDN of the mailbox server/);
  });

  test('writeResolvedTopology: one validated file, the same topology as the name or file it came from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-topo-'));
    const r = writeResolvedTopology('contoso-midupgrade', dir);
    expect(loadTopology(r.file)).toEqual(loadTopology('contoso-midupgrade'));
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => loadTopology(join(dir, 'broken.json'))).toThrow(/not JSON/);
    rmSync(dir, { recursive: true });
  });

  test('a resolved file works for every profile (topologyForProfile reads files, not only names)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-topo-'));
    const { file } = writeResolvedTopology('contoso', dir);
    for (const profile of ['exchange2013', 'exchange2010', 'exchange2007'] as const) {
      const t = topologyForProfile(file, { profile });
      expect(t.name).toBe('contoso');
    }
    rmSync(dir, { recursive: true });
  });
});
