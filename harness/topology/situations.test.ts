/**
 * Situations (situations.ts) and the derivation a run of an imported organisation relies on (issue 13
 * "run --topology <exported contoso>: the same outcomes as the built-in"), checked without running the
 * suite: the import of the contoso export set gives the same roles, servers, namespaces, version targets
 * and situations as the built-in, under every profile; another organisation (fabrikam) gets no built-in
 * variant and the n/a sentence. No lab.
 */
import { describe, expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';
import { importTopology } from './import/index.ts';
import {
  SITUATIONS, builtInBaseOfTopology, defaultTopologyNames, loadTopology, parseTopology, roleMap, roleMissingReason, roleNamespace, roleServers,
  situationMissingReason, situationOfTopology, situationVariant, versionTargets, SEED_ROLES, type Topology, type TopologyInput,
} from './index.ts';
import { VARIANT_BASE, variants } from './defaults/variants.ts';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/exchange-export/', import.meta.url));
const imported = (set: string, name: string): Topology => parseTopology(importTopology(`${FIXTURES}${set}`, { name }).topology, name);

/** Everything a rule asks the role API about a topology, by role (names and FQDNs; the missing ones with their reason). */
function whatRulesSee(t: Topology) {
  const ask = <T>(f: () => T): T | string => {
    try {
      return f();
    } catch (err) {
      return `missing: ${(err as Error).message}`;
    }
  };
  const map = roleMap(t);
  return {
    roles: map.roles.map((r) => ({ role: r.role, user: r.user.samAccountName, how: r.how })),
    missing: map.missing.map((m) => [m.role, m.reason]),
    servers: SEED_ROLES.map((r) => [r, ask(() => roleServers(t, r).map((s) => `${s.fqdn} ${s.build}${s.isOutOfService ? ' out' : ''}`))]),
    namespaces: SEED_ROLES.map((r) => [r, ask(() => roleNamespace(t, r)), ask(() => roleNamespace(t, r, 'eas'))]),
    reasons: SEED_ROLES.map((r) => roleMissingReason(t, r)),
    versions: versionTargets(t).map((v) => [v.build, v.user.samAccountName, v.servers.map((s) => s.fqdn)]),
  };
}

describe('situations table', () => {
  test('every situation names built-in variants of its base; every variant provides one situation', () => {
    const named = SITUATIONS.flatMap((s) => Object.entries(s.variants).map(([base, v]) => [v, base]));
    for (const [v, base] of named) {
      expect(defaultTopologyNames(), v).toContain(v);
      expect(VARIANT_BASE[v!], v).toBe(base);
    }
    expect(named.map(([v]) => v).sort()).toEqual(Object.keys(variants).sort());
    expect(Object.keys(VARIANT_BASE).sort()).toEqual(Object.keys(variants).sort());
    for (const s of SITUATIONS) expect(s.description, s.key).not.toMatch(/contoso/i);
  });

  test('a variant by situation and base; none for a base without it', () => {
    expect(situationVariant('owa-internalurl-http', 'contoso')).toBe('contoso-nossl');
    expect(situationVariant('owa-internalurl-http', 'contoso-2007')).toBe('contoso-2007-nossl');
    expect(situationVariant('cas-out-of-service', 'contoso-2007')).toBeNull();
    expect(situationOfTopology('contoso-mailorder')).toBe('mail-endpoints-leave-method-out');
    expect(situationOfTopology('contoso')).toBeNull();
    expect(situationOfTopology('./contoso-mailorder.json')).toBeNull();
  });

  test('the n/a sentence names the situation and the organisation, not the built-in', () => {
    expect(situationMissingReason('basic-only-target-vdirs', 'org2')).toBe("needs a topology where User3's site CAS has OWA and EAS vdirs with Basic authentication only; yours (org2) has none");
  });
});

describe('an import of the contoso exports is the built-in contoso to the rules', () => {
  const mine = imported('contoso', 'my-org');

  test('the run may start the built-in variants (same base), whatever the file calls itself', () => {
    expect(builtInBaseOfTopology(mine)).toBe('contoso');
    expect(builtInBaseOfTopology(loadTopology('contoso'))).toBe('contoso');
    expect(builtInBaseOfTopology(loadTopology('contoso-2007'))).toBe('contoso-2007');
    expect(builtInBaseOfTopology(loadTopology('contoso-midupgrade'))).toBe('contoso');
    expect(builtInBaseOfTopology(loadTopology('contoso-basic'))).toBe('contoso-2007');
  });

  test.each(['exchange2013', 'exchange2010', 'exchange2007'] as const)('the same roles, servers, namespaces and version targets under %s', (profile) => {
    const o = { profile, ...(profile === 'exchange2013' ? {} : { build: profile === 'exchange2010' ? '2010-sp2-ru1' : '2007-sp3' }), frontDoorMock: true };
    const a = topologyForProfile(structuredClone(mine) as TopologyInput, o);
    const b = topologyForProfile('contoso', o);
    expect(whatRulesSee(a)).toEqual(whatRulesSee(b));
  });
});

describe('another organisation (fabrikam export set)', () => {
  const org2 = imported('fabrikam', 'org2');

  test('no built-in base: every situation is n/a with its reason', () => {
    expect(builtInBaseOfTopology(org2)).toBeNull();
    expect(situationMissingReason('cas-out-of-service', org2.name)).toMatch(/^needs a topology where a CAS2010 of Blue's site has IsOutOfService \$true; yours \(org2\) has none$/);
  });
});
