/**
 * The load oracle against 001's figures for contoso (written out here by hand), the population drawn
 * from the seed roles, and the hard caps.
 */
import { describe, expect, it } from 'vitest';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';
import { findUser } from '../topology/index.ts';
import { expectation } from './oracle.ts';
import { loadUsers, population, simOf, uaMarker } from './population.ts';
import { checkLoadPlan, LOAD_LIMITS } from './limits.ts';

const t = topologyForProfile('contoso', { profile: 'exchange2013' });
const u = (name: string) => findUser(t, name) ?? t.users.find((x) => x.name === name)!;
const D = 'contoso.lab';

describe('load oracle (001, contoso)', () => {
  it('Red: Site1 CAS2010 for every protocol', () => {
    for (const p of ['owa', 'eas', 'ews', 'autodiscover', 'imap', 'pop3'] as const) {
      expect(expectation(t, u('Red'), p).allowed).toEqual([`cas2010.site1.${D}`]);
    }
    expect(expectation(t, u('Red'), 'owa').path).toBe('proxied');
  });

  it('Blue: either CAS2010 of Site3 (the pool that fails over), OWA proxied', () => {
    const e = expectation(t, u('Blue'), 'ews');
    expect(e.allowed.sort()).toEqual([`cas2010a.site3.${D}`, `cas2010b.site3.${D}`]);
    expect(e.pool).toEqual(e.allowed);
    expect(expectation(t, u('Blue'), 'owa').path).toBe('proxied');
  });

  it('Orange: CAS2010 Site2; OWA is a silent redirect to mail-region', () => {
    expect(expectation(t, u('Orange'), 'eas').allowed).toEqual([`cas2010.site2.${D}`]);
    const owa = expectation(t, u('Orange'), 'owa');
    expect(owa).toMatchObject({ path: 'silent-redirect', namespace: `mail-region.${D}`, allowed: [`cas2010.site2.${D}`] });
  });

  it('Purple and Grey: their CAS2007 for EAS, OWA a silent redirect to legacy, Autodiscover answered by the front door', () => {
    expect(expectation(t, u('Purple'), 'eas').allowed).toEqual([`cas2007.site1.${D}`]);
    expect(expectation(t, u('Grey'), 'eas').allowed).toEqual([`cas2007.site3.${D}`]);
    expect(expectation(t, u('Grey'), 'owa')).toMatchObject({ path: 'silent-redirect', namespace: `legacy.${D}` });
    expect(expectation(t, u('Grey'), 'owa').allowed.sort()).toEqual([`cas2007.site1.${D}`, `cas2007.site3.${D}`]);
    const ad = expectation(t, u('Purple'), 'autodiscover');
    expect(ad).toMatchObject({ path: 'front-door-answers', allowed: [], journalExpected: false, direct: null });
  });
});

describe('load population', () => {
  it('draws the seed roles first, then their neighbours (Cyan next to Blue), cycled', () => {
    expect(loadUsers(t).map((x) => x.user.name)).toEqual(['Red', 'Purple', 'Blue', 'Orange', 'Grey', 'Cyan']);
    const p = population(t, 8, 'ab12', false);
    expect(p.map((s) => s.user.name)).toEqual(['Red', 'Purple', 'Blue', 'Orange', 'Grey', 'Cyan', 'Red', 'Purple']);
    expect(new Set(p.map((s) => s.address)).size).toBe(8);
    expect(p[0]!.address).toBe('127.0.250.1');
    expect(population(t, 2, 'ab12', true)[0]!.address).toBeNull();
    expect(p.every((s) => /^[A-Za-z0-9]{1,32}$/.test(s.deviceId))).toBe(true);
  });

  it('reads its own markers back, and nobody else\'s', () => {
    expect(simOf(`Mozilla/5.0 ${uaMarker('ab12', 'u07')}`, 'ab12')).toBe('u07');
    expect(simOf(uaMarker('ffff', 'u07'), 'ab12')).toBeNull();
    expect(simOf('HttpProxy.ClientAccessServer2010Ping', 'ab12')).toBeNull();
  });
});

describe('load hard caps', () => {
  it('defaults to 20 users, 30 s, one operation per user per second', () => {
    expect(checkLoadPlan({})).toEqual({ users: 20, seconds: 30, rate: 20, connections: 200 });
  });

  it.each([
    [{ users: String(LOAD_LIMITS.maxUsers + 1) }, /--users 101 is above the hard cap of 100/],
    [{ seconds: '301' }, /--seconds 301 is above the hard cap of 300/],
    [{ seconds: '1' }, /--seconds must be at least 3/],
    [{ rate: '201' }, /--rate 201 is above the hard cap of 200/],
    [{ rate: 'fast' }, /--rate must be a number/],
    [{ users: '0' }, /--users must be at least 1/],
    [{ users: '2.5' }, /--users must be a whole number/],
  ])('refuses %j', (input, message) => {
    expect(() => checkLoadPlan(input)).toThrow(message);
  });
});
