/**
 * AUTOD - Autodiscover through the front door's autodiscover namespace (RULES.md "AUTOD"). Outlook's
 * POX request and a device's mobilesync request, as each user; the answers' URLs and the journal (which
 * mock CAS, if any, answered) are judged against seed 001, written here user by user (the oracle rule).
 */
import { describe } from 'vitest';
import { check, userRequests } from '../harness/verify/check.ts';
import type { MobileAutodiscover, OutlookAutodiscover } from '../harness/clients/autodiscover-client.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { rule, type RuleContext } from './support/rule.ts';
import { arrived } from './support/proxied.ts';
import type { World } from './support/world.ts';
import { autodMobile, autodOutlook, hostOf } from './support/autod-client.ts';
import { describeLeg } from './support/tls-hops.ts';
import { frontDoorSite, presentRoles, roleFqdns, roleHost } from './support/roles.ts';
import { roleMissingReason, type SeedRole } from '../harness/topology/index.ts';

// Users, servers and namespaces by seed role (suites/support/roles.ts); the cases are 001's.
// 001 Figure 2: the CAS2010 of each user's site ("For Blue User and Orange User, this will be a cross-site
// proxy to a CAS2010 located in the user's respective site"): roleFqdns(red | blue | orange).
// 001 Figure 1: the front door's own site (built-in: Site1's CAS2010 and CAS2007; AUTOD-03 "served locally or via its own site").

// 001 "Exchange Web Services" and "Offline Address Book" (both halves) and their Notes: the namespace
// Autodiscover returns per user. Red and Blue: the front door's namespace (built-in: mail); Purple: the
// namespace of its site's CAS2007 (legacy); Orange: its site's (mail-region); Grey: "the Autodiscover
// response will provide back the legacy.contoso.com namespace", Purple's.
const URL_HOST_OF: Record<string, 'front door' | SeedRole> = { red: 'front door', blue: 'front door', purple: 'purple', orange: 'orange', grey: 'purple' };
/** The host `role`'s Autodiscover URLs must carry in the world's topology (n/a when it has no such namespace). */
function urlHost(t: RuleContext, w: World, role: SeedRole): string {
  const of = URL_HOST_OF[role]!;
  return of === 'front door' ? w.lab.topology.frontDoor.namespaces[0]! : roleHost(t, w, of, 'ews');
}

const settings = (a: OutlookAutodiscover) => a.status === 200 && a.wellFormed && a.action === 'settings';
const mobileSummary = (m: MobileAutodiscover) => `${m.status}${m.wellFormed ? '' : ' not well-formed'} Action=${m.action ?? '(none)'} Url=${m.url ?? '(none)'}${m.error ? ` Error ${m.error.code} ${m.error.message}` : ''}`;
const summary = (name: string, a: OutlookAutodiscover) =>
  `${name}: ${a.status}${a.wellFormed ? '' : ` not well-formed (${a.xmlError})`} Action=${a.action ?? '(none)'} EwsUrl=${a.ewsUrl ?? '(none)'} OABUrl=${a.oabUrl ?? '(none)'}${a.error ? ` Error ${a.error.code} ${a.error.message}` : ''}`;

/** Autodiscover requests of `sam` (and anonymous first legs) on mock CAS behind the front door since `since`: keyed by the rule's own user. */
function autodRequests(w: World, since: number, sam: string) {
  return userRequests(w.lab.journal, since, (e) => e.vdir === 'autodiscover' && e.server !== w.frontDoorMock && (e.user === sam || e.user === null));
}

/** The answer is a well-formed POX settings answer: an Autodiscover server answered (precondition of every AUTOD verdict). */
function requireSettings(t: RuleContext, name: string, a: OutlookAutodiscover): void {
  t.require(`${name}: the front door gave a well-formed Autodiscover settings answer (200, Action settings)`, settings(a), summary(name, a));
}

describe('AUTOD', () => {
  rule('AUTOD-01', {}, async (t) => {
    const w = await t.world();
    for (const { role, name } of presentRoles(t, w, ['red', 'blue', 'orange'])) {
      const cas = roleFqdns(t, w, role);
      const since = w.mark();
      const sam = w.user(name).samAccountName;
      t.expect(`${name}: Autodiscover proxied to ${cas.join(' or ')} by the front door itself, and that CAS answers (200, settings); no other CAS sees it`);
      const a = await autodOutlook(w, name);
      t.client(a.transcript);
      t.observe(summary(name, a));
      const answered = await arrived(w, since, (e) => e.vdir === 'autodiscover' && cas.includes(e.server) && e.user === sam && e.status === 200);
      const seen = autodRequests(w, since, sam);
      t.observe(describeLeg(seen));
      t.require(`${name}: ${cas.join(' or ')} received ${name}'s Autodiscover request through the front door and answered it (200)`, answered !== undefined, `${summary(name, a)}; ${describeLeg(seen)}`);
      checkNoLegacyRelay(w, since, { user: sam, vdir: 'autodiscover' });
      check(settings(a), `${name}: 200 with a well-formed settings answer (the CAS's answer reaches the client)`, summary(name, a));
      const elsewhere = seen.filter((e) => !cas.includes(e.server));
      check(elsewhere.length === 0, `${name}: no other CAS receives the request`, describeLeg(elsewhere));
    }
  });

  rule('AUTOD-02', {}, async (t) => {
    const w = await t.world();
    for (const { name } of presentRoles(t, w, ['purple', 'grey'])) {
      const since = w.mark();
      const sam = w.user(name).samAccountName;
      t.expect(`${name} (2007 mailbox): the front door answers (200, settings); no legacy CAS receives an Autodiscover request`);
      const a = await autodOutlook(w, name);
      t.client(a.transcript);
      t.observe(summary(name, a));
      requireSettings(t, name, a);
      const seen = autodRequests(w, since, sam);
      check(seen.length === 0, `${name}: no legacy CAS receives an Autodiscover request`, describeLeg(seen));
    }
  });

  rule('AUTOD-03', {}, async (t) => {
    const w = await t.world();
    const SITE1_CAS = frontDoorSite(t, w);
    for (const { name } of presentRoles(t, w, ['red', 'purple', 'blue', 'orange', 'grey'])) {
      const since = w.mark();
      const sam = w.user(name).samAccountName;
      t.expect(`${name}: answered (200, settings) by the front door or a CAS of its own site (${SITE1_CAS.join(', ')})`);
      const a = await autodOutlook(w, name);
      t.client(a.transcript);
      t.observe(summary(name, a));
      requireSettings(t, name, a);
      const outside = autodRequests(w, since, sam).filter((e) => !SITE1_CAS.includes(e.server));
      check(outside.length === 0, `${name}: no CAS outside the front door's site answers`, describeLeg(outside));
    }
  });

  rule('AUTOD-04', {}, async (t) => {
    const w = await t.world();
    // RULES.md AUTOD-04: Grey and the OAB URLs are judged in exchange2013 (001's second half, its Notes).
    const is13 = t.profile === 'exchange2013';
    // Grey's expected namespace is Purple's site's: without a CAS2007 namespace in the front door's site, Grey is noted and left out.
    const roles = presentRoles(t, w, is13 ? ['red', 'blue', 'purple', 'orange', 'grey'] : ['red', 'blue', 'purple', 'orange'])
      .filter((r) => r.role !== 'grey' || !roleMissingReason(w.lab.topology, 'purple') || void t.note(`Grey (${r.name}) not judged: ${roleMissingReason(w.lab.topology, 'purple')} (Grey is given that site's CAS2007 namespace, 001)`));
    if (!roles.length) t.notApplicable('none of the seed\'s users is in your topology');
    const URL_HOSTS: Record<string, string> = Object.fromEntries(roles.map((r) => [r.name, urlHost(t, w, r.role)]));
    const users = roles.map((r) => r.name);
    t.expect(`well-formed POX answers whose EWS URL host${is13 ? ' and OAB URL host are' : ' is'}: ${users.map((n) => `${n} -> ${URL_HOSTS[n]}`).join(', ')}`);
    const answers: [string, OutlookAutodiscover][] = [];
    for (const name of users) {
      const a = await autodOutlook(w, name);
      t.client(a.transcript);
      t.observe(summary(name, a));
      answers.push([name, a]);
    }
    // Every user's answer must be a settings answer before its URLs mean anything.
    const missing = answers.filter(([, a]) => !settings(a));
    t.require('every user got a well-formed Autodiscover settings answer (200, Action settings)', missing.length === 0, missing.map(([n, a]) => summary(n, a)).join('\n'));
    const wrong: string[] = [];
    for (const [name, a] of answers) {
      if (hostOf(a.ewsUrl) !== URL_HOSTS[name]) wrong.push(`${name}: EWS URL ${a.ewsUrl ?? '(none)'}, expected host ${URL_HOSTS[name]}`);
      if (is13 && hostOf(a.oabUrl) !== URL_HOSTS[name]) wrong.push(`${name}: OAB URL ${a.oabUrl ?? '(none)'}, expected host ${URL_HOSTS[name]}`);
    }
    check(wrong.length === 0, 'every answer with the seed\'s URL hosts', wrong.join('\n'));
  });

  rule('AUTOD-05', {}, async (t) => {
    const w = await t.world();
    // 001: Orange is given its region's namespace (built-in: mail-region), Red the front door's (mail).
    const expected: [string, string][] = presentRoles(t, w, ['orange', 'red']).map((r) => [r.name, r.role === 'red' ? w.lab.topology.frontDoor.namespaces[0]! : roleHost(t, w, 'orange', 'eas')]);
    t.expect(`mobilesync Autodiscover: ${expected.map(([n, h]) => `${n} -> https://${h}/Microsoft-Server-ActiveSync`).join(', ')}`);
    const answers: [string, string, MobileAutodiscover][] = [];
    for (const [name, host] of expected) {
      const m = await autodMobile(w, name);
      t.client(m.transcript);
      t.observe(`${name}: ${mobileSummary(m)}`);
      answers.push([name, host, m]);
    }
    const missing = answers.filter(([, , m]) => m.status !== 200 || !m.wellFormed || m.action !== 'settings');
    t.require('every device got a well-formed mobilesync settings answer (200, Action settings)', missing.length === 0, missing.map(([n, , m]) => `${n}: ${mobileSummary(m)}`).join('\n'));
    const wrong = answers.filter(([, host, m]) => hostOf(m.url) !== host).map(([n, host, m]) => `${n}: MobileSync URL ${m.url ?? '(none)'}, expected host ${host}`);
    check(wrong.length === 0, 'Orange is given its region\'s namespace, Red the front door\'s', wrong.join('\n'));
  });
});
