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

// 001 Figures 1/2: the CAS2010 of Site1 and the pair of Site3.
const CAS2010_SITE1 = 'cas2010.site1.contoso.lab';
const CAS2010_SITE3 = ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab'];
// 003 (Contoso figures): the Hub site's CAS-03..05, the Europe CAS, and one small site per 2007 build
// whose CAS runs that build (contoso-2007: "Version <build>" users live there, "Mailbox <build>" users in Hub).
const HUB = ['cas-03.hub.contoso.lab', 'cas-04.hub.contoso.lab', 'cas-05.hub.contoso.lab'];
const EUROPE = ['cas-02.europe.contoso.lab'];
const VER = { rtm: ['cas-2007-rtm.ver.contoso.lab'], sp1: ['cas-2007-sp1.ver.contoso.lab'], sp2: ['cas-2007-sp2.ver.contoso.lab'], sp3: ['cas-2007-sp3.ver.contoso.lab'] };

type Family = 'rtm' | 'sp1' | 'sp2' | 'sp3';
type Proxied = readonly [user: string, to: readonly string[]];

/**
 * EWS-02 by the front door's service pack B (003: "Proxying is supported ... when the destination Client
 * Access server is running the same version of Exchange Server or an earlier version"; "the RTM version of
 * Exchange 2007 did not support proxying for Exchange Web Services"; "If the user's mailbox is located on a
 * server that is running the RTM version of Exchange 2007, the request will fail").
 */
const EWS02: Record<Family, { proxied: Proxied[]; refused: string[] }> = {
  rtm: { proxied: [], refused: ['User3', 'User2', 'Version 2007-rtm'] },
  sp1: { proxied: [['Version 2007-sp1', VER.sp1]], refused: ['Mailbox 2007-rtm', 'Version 2007-rtm'] },
  sp2: { proxied: [['Version 2007-sp1', VER.sp1], ['Version 2007-sp2', VER.sp2]], refused: ['Mailbox 2007-rtm', 'Version 2007-rtm'] },
  sp3: {
    proxied: [['User3', HUB], ['Mailbox 2007-sp1', HUB], ['Version 2007-sp1', VER.sp1], ['Version 2007-sp2', VER.sp2], ['Version 2007-sp3', VER.sp3]],
    refused: ['Mailbox 2007-rtm', 'Version 2007-rtm'],
  },
};

/** EWS-03/EWS-04: a caller in another site whose CAS is not newer than B, and where its request must go. */
const AWAY: Record<Family, Proxied[]> = {
  rtm: [['Version 2007-rtm', VER.rtm]],
  sp1: [['Version 2007-sp1', VER.sp1]],
  sp2: [['Version 2007-sp2', VER.sp2]],
  sp3: [['User3', HUB], ['User2', EUROPE]],
};

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
    if (t.profile === 'exchange2010') {
      // 001 (first half): "For the Red User ... CAS2010 in Site1 will service the request."
      t.expect('Red served locally (200, no other mock CAS sees the request); Blue proxied to a CAS2010 of Site3');
      const red = await call(t, w, 'Red');
      t.observe(describeEws('Red', red));
      // The answer came from an EWS server (the front door's own): a SOAP answer with ResponseCode NoError.
      t.require('Red: the front door answered as an EWS server (200, SOAP ResponseCode NoError)', red.result.status === 200 && red.result.wellFormed && red.result.responseCodes.includes('NoError'), `Red: status ${red.result.status}, ${red.result.wellFormed ? `ResponseCode ${red.result.responseCodes.join(',') || '(none)'}` : 'not a SOAP answer'}`);
      check(red.reached.length === 0, 'Red: no other mock CAS sees the request', `Red: ${red.reached.map((e) => e.server).join(', ')}`);
    } else {
      // 001 (second half): "CAS2013 will then proxy the request to an Exchange 2010 Client Access server within the local site."
      t.expect(`Red proxied to ${CAS2010_SITE1}; Blue proxied to a CAS2010 of Site3 (${CAS2010_SITE3.join(' or ')})`);
      expectProxied(t, w, 'Red', await call(t, w, 'Red'), [CAS2010_SITE1]);
    }
    expectProxied(t, w, 'Blue', await call(t, w, 'Blue'), CAS2010_SITE3);
  });

  rule('EWS-02', {}, async (t) => {
    const w = await t.world();
    const f = family(w);
    const plan = EWS02[f];
    // 003: User1's mailbox is in USA, the front door's own site: served locally whatever the build.
    t.expect('User1 (the front door\'s own site) served first');
    await requireEwsServed(t, w, 'User1');
    t.expect(`front door of Exchange 2007 ${f.toUpperCase()}: ${plan.proxied.length ? `proxied: ${plan.proxied.map(([u, to]) => `${u} -> ${to.join('|')}`).join('; ')}; ` : ''}refused: ${plan.refused.join(', ')}`);
    for (const [user, to] of plan.proxied) expectProxied(t, w, user, await call(t, w, user), to);
    for (const user of plan.refused) expectRefused(t, user, await call(t, w, user));
  });

  rule('EWS-03', {}, async (t) => {
    const w = await t.world();
    const [user, to] = AWAY[family(w)][0]!;
    // User1's mailbox is in USA (the front door's site): a different site from the caller's in every case.
    const mailboxes = [user, 'User1'];
    t.expect(`${user} naming ${mailboxes.join(' and ')} (two sites): GetUserAvailability proxied to ${to.join(' or ')}; FindItem refused`);
    // The Availability half first: the FindItem refusal means something only from a front door that proxies.
    expectProxied(t, w, 'GetUserAvailability', await call(t, w, user, { op: 'GetUserAvailability', mailboxes }), to);
    expectRefused(t, 'FindItem', await call(t, w, user, { op: 'FindItem', mailboxes }));
  });

  rule('EWS-04', {}, async (t) => {
    const w = await t.world();
    const cases = AWAY[family(w)];
    // 003 summary table, row "Availability service": proxying supported between Client Access servers "Yes".
    t.expect(`Availability (GetUserAvailability) proxied: ${cases.map(([u, to]) => `${u} -> ${to.join('|')}`).join('; ')}`);
    for (const [user, to] of cases) expectProxied(t, w, `${user} GetUserAvailability`, await call(t, w, user, { op: 'GetUserAvailability', mailboxes: [user] }), to);
  });
});
