/**
 * EWS - Exchange Web Services through the front door (RULES.md "EWS"). Expectations are written here
 * from the seeds, user by user and, in the exchange2007 profile, front-door build by build (the oracle
 * rule): which mock CAS must receive the request, or that it is refused.
 */
import { describe } from 'vitest';
import { rule, type RuleContext } from './support/rule.ts';
import { describeEws, ewsAs, type EwsCall, type EwsOutcome } from './support/ews-calls.ts';
import { check, userRequests } from '../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { defaultBuildFor } from '../harness/frontdoor/profile-topology.ts';
import type { World } from './support/world.ts';
import { mailboxPlace, roleMissingReason, roleServers, roleSite, roleUser, versionTargets, type SeedRole } from '../harness/topology/index.ts';
import { presentRoles, roleFqdns, roleName } from './support/roles.ts';

// Users and servers by role (suites/support/roles.ts), the cases as the seeds write them. 001 Figures 1/2:
// Red's CAS2010 (built-in: cas2010.site1) and Blue's site pair (cas2010a/b.site3). 003 (Contoso figures):
// User3's site CAS (the Hub's CAS-03..05), User2's (Europe's CAS-02), and one version target per 2007
// build, a user behind a CAS of that build (2007 built-in: "Version <build>" users); "mailbox <build>" is a
// user of User3's site whose mailbox server runs that build (2007 built-in: "Mailbox <build>" in Hub).
type Who = SeedRole | `version ${string}` | `mailbox ${string}`;
type Family = 'rtm' | 'sp1' | 'sp2' | 'sp3';
/** A caller, and whose site's CAS must receive its request (itself, or User3's for a "mailbox" user). */
type Proxied = readonly [user: Who, to: Who];

/**
 * EWS-02 by the front door's service pack B (003: "Proxying is supported ... when the destination Client
 * Access server is running the same version of Exchange Server or an earlier version"; "the RTM version of
 * Exchange 2007 did not support proxying for Exchange Web Services"; "If the user's mailbox is located on a
 * server that is running the RTM version of Exchange 2007, the request will fail").
 */
const EWS02: Record<Family, { proxied: Proxied[]; refused: Who[] }> = {
  rtm: { proxied: [], refused: ['user3', 'user2', 'version 2007-rtm'] },
  sp1: { proxied: [['version 2007-sp1', 'version 2007-sp1']], refused: ['mailbox 2007-rtm', 'version 2007-rtm'] },
  sp2: { proxied: [['version 2007-sp1', 'version 2007-sp1'], ['version 2007-sp2', 'version 2007-sp2']], refused: ['mailbox 2007-rtm', 'version 2007-rtm'] },
  sp3: {
    proxied: [['user3', 'user3'], ['mailbox 2007-sp1', 'user3'], ['version 2007-sp1', 'version 2007-sp1'], ['version 2007-sp2', 'version 2007-sp2'], ['version 2007-sp3', 'version 2007-sp3']],
    refused: ['mailbox 2007-rtm', 'version 2007-rtm'],
  },
};

/** EWS-03/EWS-04: a caller in another site whose CAS is not newer than B, and where its request must go. */
const AWAY: Record<Family, Proxied[]> = {
  rtm: [['version 2007-rtm', 'version 2007-rtm']],
  sp1: [['version 2007-sp1', 'version 2007-sp1']],
  sp2: [['version 2007-sp2', 'version 2007-sp2']],
  sp3: [['user3', 'user3'], ['user2', 'user2']],
};

/** Who plays `who` in the world's topology: the user's name and the CAS of its site (of its build for a version target); null (noted) when absent. */
function resolve(t: RuleContext, w: World, who: Who): { name: string; servers: string[] } | null {
  const topo = w.lab.topology;
  let out: { name: string; servers: string[] } | null = null;
  let why = '';
  if (who.startsWith('version ')) {
    const v = versionTargets(topo).find((x) => x.build === who.slice(8));
    if (v) out = { name: v.user.name, servers: v.servers.map((s) => s.fqdn) };
    else why = `your topology has no user behind a CAS of build ${who.slice(8)} (outside the front door's and Internet-facing sites)`;
  } else if (who.startsWith('mailbox ')) {
    const build = who.slice(8);
    why = roleMissingReason(topo, 'user3') ?? `your topology has no user in User3's site whose mailbox server runs ${build}`;
    if (!roleMissingReason(topo, 'user3')) {
      const site = roleSite(topo, 'user3');
      const u = topo.users.find((x) => mailboxPlace(topo, x)?.site === site && mailboxPlace(topo, x)?.build === build && x !== roleUser(topo, 'user3'));
      if (u) out = { name: u.name, servers: roleServers(topo, 'user3').map((s) => s.fqdn) };
    }
  } else {
    why = roleMissingReason(topo, who as SeedRole) ?? '';
    if (!why) out = { name: roleUser(topo, who as SeedRole).name, servers: roleServers(topo, who as SeedRole).map((s) => s.fqdn) };
  }
  if (!out) t.note(`not judged (${who}): ${why}`);
  return out;
}

/** The exchange2007 front door's service-pack family (RUs count with their service pack). */
function family(w: World): Family {
  const b = w.run.build ?? defaultBuildFor('exchange2007')!;
  const m = /^2007-(rtm|sp1|sp2|sp3)/.exec(b);
  if (!m) throw new RangeError(`exchange2007 front door build ${b} is not an Exchange 2007 build`);
  return m[1] as Family;
}

/**
 * RULES "proxied to X": X (one of `to`) received the caller's request (precondition: the behaviour the
 * verdict rests on), from the front door itself (no legacy CAS relayed it), with a 2xx on the front door's
 * namespace, and no CAS outside `to` received it.
 */
function expectProxied(t: RuleContext, w: World, label: string, o: EwsOutcome, to: readonly string[]): void {
  t.observe(describeEws(label, o));
  const at = o.servers.filter((s) => to.includes(s));
  t.require(`${label}: the caller's EWS request reached ${to.join(' or ')} through the front door`, at.length > 0, `${label}: status ${o.result.status}; received by ${o.servers.join(', ') || 'no legacy CAS'}`);
  checkNoLegacyRelay(w, o.since, { user: o.user, vdir: 'ews' });
  check(o.result.status >= 200 && o.result.status < 300, `${label}: a 2xx answer`, `${label}: status ${o.result.status} ${o.result.messageTexts.join(' ')}`);
  check(o.servers.every((s) => to.includes(s)), `${label}: received by ${to.join(' or ')} only`, `${label}: received by ${o.servers.join(', ')}`);
}

/**
 * RULES "refused": status >= 400 other than 451, at most one request reaching a target, no http:// hop.
 * A refusal is an answer: the precondition is that the front door answered at all (a closed connection
 * is not a refusal; rule() judges a connection the candidate closed as a fail before this runs).
 */
function expectRefused(t: RuleContext, label: string, o: EwsOutcome): void {
  t.observe(describeEws(label, o));
  t.require(`${label}: the front door answered (an HTTP status)`, o.result.status >= 100, `${label}: status ${o.result.status}`);
  check(o.result.status >= 400 && o.result.status !== 451, `${label}: refused (status >= 400, not 451)`, `${label}: status ${o.result.status}`);
  check(o.reached.length <= 1, `${label}: at most one request reaching a target`, `${label}: ${o.reached.map((e) => `${e.server} ${e.status}`).join(', ')}`);
  check(!o.reached.some((e) => e.scheme === 'http'), `${label}: no http:// hop`, `${label}: ${o.reached.filter((e) => e.scheme === 'http').map((e) => e.server).join(', ')}`);
}

/**
 * A served user first (precondition of the refusal checks: a front door that refuses everyone proves
 * nothing by refusing): `name`'s GetFolder gets 200 with ResponseCode NoError, and a mock CAS (a legacy
 * one or the mock playing the front door) journals the user's request with a 2xx.
 */
async function requireEwsServed(t: RuleContext, w: World, name: string): Promise<void> {
  const o = await call(t, w, name);
  const served = userRequests(w.lab.journal, o.since, (e) => e.vdir === 'ews' && e.user === o.user && e.status >= 200 && e.status < 300);
  const seen = `${describeEws(name, o)}; ${served.length ? `served by ${[...new Set(served.map((e) => e.server))].join(', ')}` : 'no CAS served the request'}`;
  t.observe(seen);
  t.require(`${name} is served through the front door (200, ResponseCode NoError, answered by a CAS)`, o.result.status === 200 && o.result.responseCodes.includes('NoError') && served.length > 0, seen);
}

async function call(t: RuleContext, w: World, user: string, c?: EwsCall): Promise<EwsOutcome> {
  const o = await ewsAs(w, user, c);
  t.client(o.result.transcript);
  return o;
}

describe('EWS', () => {
  rule('EWS-01', {}, async (t) => {
    const w = await t.world();
    // Red and Blue; a role the topology lacks is noted and left out (none: n/a).
    const have = new Map(presentRoles(t, w, ['red', 'blue']).map((r) => [r.role, r.name]));
    const [Red, Blue] = [have.get('red'), have.get('blue')];
    const CAS2010_SITE3 = Blue ? roleFqdns(t, w, 'blue') : [];
    const blueCase = Blue ? `; Blue (${Blue}) proxied to a CAS2010 of its site (${CAS2010_SITE3.join(' or ')})` : '';
    if (!Red) {
      t.expect(`Blue (${Blue}) proxied to a CAS2010 of its site (${CAS2010_SITE3.join(' or ')})`);
    } else if (t.profile === 'exchange2010') {
      // 001 (first half): "For the Red User ... CAS2010 in Site1 will service the request."
      t.expect(`Red (${Red}) served locally (200, no other mock CAS sees the request)${blueCase}`);
      const red = await call(t, w, Red);
      t.observe(describeEws(Red, red));
      // The answer came from an EWS server (the front door's own): a SOAP answer with ResponseCode NoError.
      t.require('Red: the front door answered as an EWS server (200, SOAP ResponseCode NoError)', red.result.status === 200 && red.result.wellFormed && red.result.responseCodes.includes('NoError'), `Red: status ${red.result.status}, ${red.result.wellFormed ? `ResponseCode ${red.result.responseCodes.join(',') || '(none)'}` : 'not a SOAP answer'}`);
      check(red.reached.length === 0, 'Red: no other mock CAS sees the request', `Red: ${red.reached.map((e) => e.server).join(', ')}`);
    } else {
      // 001 (second half): "CAS2013 will then proxy the request to an Exchange 2010 Client Access server within the local site."
      const CAS2010_SITE1 = roleFqdns(t, w, 'red');
      t.expect(`Red (${Red}) proxied to ${CAS2010_SITE1.join(' or ')}${blueCase}`);
      expectProxied(t, w, Red, await call(t, w, Red), CAS2010_SITE1);
    }
    if (Blue) expectProxied(t, w, Blue, await call(t, w, Blue), CAS2010_SITE3);
  });

  rule('EWS-02', {}, async (t) => {
    const w = await t.world();
    const f = family(w);
    const plan = EWS02[f];
    // 003: User1's mailbox is in the front door's own site (2007 built-in: USA): served locally whatever the build.
    const user1 = roleName(t, w, 'user1');
    t.expect(`User1 (${user1}, the front door's own site) served first`);
    await requireEwsServed(t, w, user1);
    const proxied = plan.proxied.map(([u, to]) => [resolve(t, w, u), resolve(t, w, to)] as const).filter((x): x is readonly [NonNullable<typeof x[0]>, NonNullable<typeof x[1]>] => !!x[0] && !!x[1]);
    const refused = plan.refused.map((u) => resolve(t, w, u)).filter((x) => x !== null);
    if (!proxied.length && !refused.length) t.notApplicable(`none of the callers of a front door of Exchange 2007 ${f.toUpperCase()} is in your topology`);
    t.expect(`front door of Exchange 2007 ${f.toUpperCase()}: ${proxied.length ? `proxied: ${proxied.map(([u, to]) => `${u.name} -> ${to.servers.join('|')}`).join('; ')}; ` : ''}refused: ${refused.map((u) => u.name).join(', ')}`);
    for (const [user, to] of proxied) expectProxied(t, w, user.name, await call(t, w, user.name), to.servers);
    for (const user of refused) expectRefused(t, user.name, await call(t, w, user.name));
  });

  rule('EWS-03', {}, async (t) => {
    const w = await t.world();
    const [who, toWho] = AWAY[family(w)][0]!;
    const caller = resolve(t, w, who);
    if (!caller) return t.notApplicable(`the caller (${who}) is not in your topology`);
    const user = caller.name;
    const to = resolve(t, w, toWho)!.servers;
    // User1's mailbox is in the front door's site (2007 built-in: USA): a different site from the caller's in every case.
    const mailboxes = [user, roleName(t, w, 'user1')];
    t.expect(`${user} naming ${mailboxes.join(' and ')} (two sites): GetUserAvailability proxied to ${to.join(' or ')}; FindItem refused`);
    // The Availability half first: the FindItem refusal means something only from a front door that proxies.
    expectProxied(t, w, 'GetUserAvailability', await call(t, w, user, { op: 'GetUserAvailability', mailboxes }), to);
    expectRefused(t, 'FindItem', await call(t, w, user, { op: 'FindItem', mailboxes }));
  });

  rule('EWS-04', {}, async (t) => {
    const w = await t.world();
    const cases = AWAY[family(w)].map(([u, to]) => [resolve(t, w, u), resolve(t, w, to)] as const).filter((x) => x[0] && x[1]).map(([u, to]) => [u!.name, to!.servers] as const);
    if (!cases.length) t.notApplicable(`none of the callers of EWS-04 is in your topology`);
    // 003 summary table, row "Availability service": proxying supported between Client Access servers "Yes".
    t.expect(`Availability (GetUserAvailability) proxied: ${cases.map(([u, to]) => `${u} -> ${to.join('|')}`).join('; ')}`);
    for (const [user, to] of cases) expectProxied(t, w, `${user} GetUserAvailability`, await call(t, w, user, { op: 'GetUserAvailability', mailboxes: [user] }), to);
  });
});
