/**
 * EAS — Exchange ActiveSync through the front door (RULES.md "EAS"). Expectations are written here from
 * the seeds, user by user (the oracle rule): which mock CAS must see the device's request, or what
 * status the device must get.
 */
import { describe } from 'vitest';
import { rule, type RuleContext } from './support/rule.ts';
import { easDevice, requireEasServed, type EasTestDevice } from './support/eas.ts';
import { arrived } from './support/proxied.ts';
import { frontDoorBuild, relation } from './support/ver-matrix.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { check, describeHttp, hops, userRequests, hostName } from '../harness/verify/check.ts';
import type { HttpEvent } from '../harness/journal/events.ts';
import type { EasResult } from '../harness/clients/eas-device.ts';
import type { World } from './support/world.ts';
import type { SituationKey } from '../harness/topology/index.ts';
import { presentRoles, roleFqdns, roleHost, roleInternal, roleName, roleServerSpecs, roleVdirsAll, basicOnly, runsBuiltInTopology, situationMissing, situationSpec } from './support/roles.ts';

// Users, servers and namespaces by seed role (suites/support/roles.ts; a role the topology lacks is n/a):
// 001 Figure 1/2: Red's CAS2010 (built-in: cas2010.site1), Orange's (cas2010.site2), Blue's site pair
// (cas2010a/b.site3); 001 (update of 3/25/2014): the CAS2007 of Purple's and Grey's site, reached at its
// EAS InternalURL host (cas2007-int.site1 / .site3); 003: User3's site CAS (the Hub behind NLBname);
// 001: Orange's EAS ExternalURL (mail-region).
const EAS_PATH = '/Microsoft-Server-ActiveSync';

const answer = (r: EasResult) => `status ${r.status}${r.headers['x-ms-location'] ? `, X-MS-Location ${r.headers['x-ms-location']}` : ''}`;

/** The device's requests at mock CAS behind the front door, for evidence. */
function seenOf(w: World, since: number, dev: EasTestDevice): string {
  return describeHttp(userRequests(w.lab.journal, since, (e) => dev.mine(e) && e.server !== w.frontDoorMock));
}

/**
 * RULES "proxied to X" for one device: X received the device's own request (precondition), from the
 * front door itself (no legacy CAS relayed it), and the device got 200 on the front door's namespace.
 */
async function expectProxied(t: RuleContext, w: World, since: number, dev: EasTestDevice, r: EasResult, label: string, to: readonly string[]): Promise<HttpEvent> {
  const e = await arrived(w, since, (x) => dev.mine(x) && to.includes(x.server));
  t.require(`${label}: the device's request reached ${to.join(' or ')} through the front door`, e !== undefined, e ? `${e.server} ${e.method} ${e.path} -> ${e.status}` : `${answer(r)}; ${seenOf(w, since, dev)}`);
  checkNoLegacyRelay(w, since, { user: dev.user, vdir: 'eas' });
  check(r.status === 200, `${label}: status 200`, `${label}: ${answer(r)}`);
  return e!;
}

/** A refusal or a 451 is an answer: the front door must have answered the device at all (a closed connection is neither). */
function requireAnswered(t: RuleContext, label: string, r: EasResult): void {
  t.require(`${label}: the front door answered the device (an HTTP status)`, r.status >= 100, answer(r));
}

describe('EAS', () => {
  rule('EAS-01', {}, async (t) => {
    const w = await t.world();
    const [red, orange] = [roleName(t, w, 'red'), roleName(t, w, 'orange')];
    const region = roleHost(t, w, 'orange', 'eas');
    const MAIL_REGION_EAS = `https://${region}${EAS_PATH}`;
    // A 451 means something only from a front door that serves: Red (the front door's own site) first.
    t.expect(`Red (${red}), with the right password, is served (200)`);
    await requireEasServed(t, w, red);
    const since = w.mark();
    t.expect(`Orange (${orange}): 451 with X-MS-Location ${MAIL_REGION_EAS}, and no request of the device reaching any other CAS`);
    const dev = easDevice(w, orange, 'WindowsPhone', { followLocation: false });
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(answer(r));
    requireAnswered(t, `${orange} WindowsPhone`, r);
    check(r.status === 451, 'status 451', answer(r));
    const loc = String(r.headers['x-ms-location'] ?? '');
    let u: URL | undefined;
    try {
      u = new URL(loc);
    } catch {
      u = undefined;
    }
    check(u?.hostname === region && u.pathname.replace(/\/$/, '') === '/Microsoft-Server-ActiveSync', `X-MS-Location ${MAIL_REGION_EAS}`, `X-MS-Location ${loc || '(none)'}`);
    const leaked = userRequests(w.lab.journal, since, (e) => dev.mine(e) && e.server !== w.frontDoorMock);
    const hopped = hops(w.lab.journal, since).filter(dev.hopOf);
    check(leaked.length === 0 && hopped.length === 0, 'no hop to another CAS', [describeHttp(leaked), ...hopped.map((h) => `${h.server} hopped to ${h.url}`)].join('\n'));
  });

  rule('EAS-02', {}, async (t) => {
    const w = await t.world();
    const [orange, CAS2010_SITE2] = [roleName(t, w, 'orange'), roleFqdns(t, w, 'orange')];
    const since = w.mark();
    t.expect(`a device type off the 451 list is proxied: ${CAS2010_SITE2.join(' or ')} receives Orange's (${orange}) request from the front door; the device gets 200`);
    const dev = easDevice(w, orange, 'SmartPhone'); // stays on the front door's namespace: "proxied" (RULES.md)
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(answer(r));
    await expectProxied(t, w, since, dev, r, `${orange} SmartPhone`, CAS2010_SITE2);
  });

  rule('EAS-03', {}, async (t) => {
    const w = await t.world();
    const [orange, CAS2010_SITE2] = [roleName(t, w, 'orange'), roleFqdns(t, w, 'orange')];
    t.expect(`Orange (${orange}) with a listed (WindowsPhone) and an unlisted (SmartPhone) device: never 451, both proxied to ${CAS2010_SITE2.join(' or ')}`);
    for (const type of ['WindowsPhone', 'SmartPhone']) {
      const since = w.mark();
      const dev = easDevice(w, orange, type, { followLocation: false });
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${type}: ${answer(r)}`);
      // A 451 is the fault this rule names (one fault, one reason): judged on the answer before anything else.
      check(r.status !== 451, `${type}: not 451`, `${type}: 451 X-MS-Location ${r.headers['x-ms-location']}`);
      await expectProxied(t, w, since, dev, r, `${orange} ${type}`, CAS2010_SITE2);
    }
  });

  rule('EAS-04', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    if (t.profile === 'exchange2007') {
      // 003: "Proxying is supported ... when the destination Client Access server is running the same version
      // of Exchange Server or an earlier version": the 2007 built-in's Hub CAS run SP3, so an older front door
      // refuses User3 (VER-01 judges that pair). By role: User3's site CAS, at their own builds.
      const user3 = roleName(t, w, 'user3');
      const hub = roleServerSpecs(t, w, 'user3');
      const HUB = hub.map((s) => s.fqdn);
      const b = frontDoorBuild(w);
      if (hub.every((s) => relation(b, s.build) === 'newer')) t.notApplicable(`User3's site CAS run ${[...new Set(hub.map((s) => s.build))].join(', ')}, newer than the front door (${b}): no proxying to them (VER-01)`);
      // 003: "the user is proxied to the Client Access server specified by the InternalURL property" (User3's site has no EAS ExternalURL).
      t.expect(`User3 (${user3}) proxied to a CAS of its site (${HUB.join(', ')}) via its EAS InternalURL, by the front door itself`);
      const dev = easDevice(w, user3, 'SmartPhone');
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(answer(r));
      await expectProxied(t, w, since, dev, r, user3, HUB);
      return;
    }
    const [blue, CAS2010_SITE3] = [roleName(t, w, 'blue'), roleFqdns(t, w, 'blue')];
    t.expect(`Blue (${blue}) proxied to a CAS2010 of its site (${CAS2010_SITE3.join(' or ')}) by the front door itself`);
    const dev = easDevice(w, blue, 'iPhone');
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(answer(r));
    await expectProxied(t, w, since, dev, r, blue, CAS2010_SITE3);
  });

  rule('EAS-05', {}, async (t) => {
    const w = await t.world();
    for (const { role, name } of presentRoles(t, w, ['purple', 'grey'])) {
      const since = w.mark();
      const hosts = roleInternal(t, w, role, 'eas');
      const host = hosts.join(' or ');
      const CAS = roleFqdns(t, w, role, { vdir: 'eas' });
      const cas = CAS.join(' or ');
      t.expect(`${name} (${role}): the request reaches the CAS2007 of the mailbox's site (${cas}) at its EAS vdir with Host ${host} (its InternalURL host), from the front door itself`);
      const dev = easDevice(w, name, 'iPhone');
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${name}: ${answer(r)}`);
      const e = await arrived(w, since, (x) => dev.mine(x) && CAS.includes(x.server));
      t.require(`${name}: the device's request reached ${cas}`, e !== undefined, e ? `${e.server} Host ${e.host}` : `${answer(r)}; ${seenOf(w, since, dev)}`);
      t.observe(`${name}: reached ${e!.server} with Host ${e!.host}`);
      check(hosts.includes(hostName(e!.host) ?? ''), `${name}: Host ${host}`, `${name}: Host ${e!.host}`);
      checkNoLegacyRelay(w, since, { user: dev.user, vdir: 'eas' });
      check(r.status === 200, `${name}: status 200`, `${name}: ${answer(r)}`);
    }
  });

  rule('EAS-06', {}, async (t) => {
    const w = await t.world();
    const [user1, user2] = [roleName(t, w, 'user1'), roleName(t, w, 'user2')];
    // A 451 means something only from a front door that serves: User1 (the front door's own site) first.
    t.expect(`User1 (${user1}), with the right password, is served (200)`);
    await requireEasServed(t, w, user1);
    const since = w.mark();
    t.expect(`User2 (${user2}; mailbox in another site whose CAS has an EAS ExternalURL): 451, no hop of the device's request`);
    const dev = easDevice(w, user2, 'SmartPhone', { followLocation: false });
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(answer(r));
    requireAnswered(t, `${user2} SmartPhone`, r);
    check(r.status === 451, 'status 451', answer(r));
    const hopped = hops(w.lab.journal, since).filter(dev.hopOf);
    check(hopped.length === 0, 'no hop', hopped.map((h) => `${h.server} -> ${h.url}`).join(', '));
  });

  rule('EAS-07', {}, async (t) => {
    // 003's two refusals need two situations (User3's site CAS with Basic-only vdirs; without an EAS
    // InternalURL) that built-in variants set up. Another organisation is judged on the ones its own
    // User3 site CAS already show (the others noted); none of them: n/a.
    const cases: { situation: SituationKey; label: string; holds: (x: World) => boolean }[] = [
      { situation: 'basic-only-target-vdirs', label: "Basic-only vdirs on User3's site CAS", holds: (x) => roleVdirsAll(t, x, 'user3', 'eas', basicOnly) },
      { situation: 'no-eas-internalurl', label: "no EAS InternalURL on User3's site CAS", holds: (x) => roleVdirsAll(t, x, 'user3', 'eas', (v) => v.internalUrl === null) },
    ];
    const own = runsBuiltInTopology() ? null : await t.world();
    const judged = own ? cases.filter((c) => c.holds(own)) : cases;
    if (!judged.length) t.notApplicable(cases.map((c) => situationMissing(c.situation)).join('; '));
    for (const c of cases) if (!judged.includes(c)) t.note(`not judged: ${situationMissing(c.situation)}`);
    for (const { situation, label } of judged) {
      const w = own ?? (await t.world(situationSpec(t, situation)));
      const [user1, user3] = [roleName(t, w, 'user1'), roleName(t, w, 'user3')];
      const HUB = roleFqdns(t, w, 'user3');
      // A refusal means something only from a front door that serves: User1 (the front door's own site) first.
      t.expect(`${label}: User1 (${user1}), with the right password, is served (200)`);
      await requireEasServed(t, w, user1, `${label}: ${user1}`);
      const since = w.mark();
      t.expect(`${label}: User3 (${user3}) refused (status >= 400, not 451; at most one request of the device reaching a CAS of its site; no http:// hop)`);
      const dev = easDevice(w, user3, 'SmartPhone', { followLocation: false });
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${label}: ${answer(r)}`);
      // A refusal rule: the verdict means something only if the front door answered (RULES "refused" is a status).
      requireAnswered(t, `${label}: ${user3} SmartPhone`, r);
      check(r.status >= 400 && r.status !== 451, `${label}: refused`, `${label}: ${answer(r)}`);
      const reached = userRequests(w.lab.journal, since, (e) => dev.mine(e) && e.server !== w.frontDoorMock);
      check(reached.filter((e) => HUB.includes(e.server)).length <= 1, `${label}: at most one request reaching a CAS of User3's site`, describeHttp(reached));
      check(!reached.some((e) => e.scheme === 'http'), `${label}: no http:// hop`, describeHttp(reached.filter((e) => e.scheme === 'http')));
    }
  });

  rule('EAS-08', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    const name = roleName(t, w, t.profile === 'exchange2007' ? 'user1' : 'red');
    const dev = easDevice(w, name, t.profile === 'exchange2007' ? 'SmartPhone' : 'iPhone');
    if (t.profile === 'exchange2013') {
      const CAS2010_SITE1 = roleFqdns(t, w, 'red');
      t.expect(`Red (${name}) proxied to ${CAS2010_SITE1.join(' or ')} by the front door itself`);
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(answer(r));
      await expectProxied(t, w, since, dev, r, name, CAS2010_SITE1);
      return;
    }
    // 001 (first half) / 003: the mailbox is in the front door's own site: served locally.
    t.expect(`${name} served locally: 200 with an ActiveSync OPTIONS answer (MS-ASProtocolVersions), and no other mock CAS sees the device's request`);
    const r = await dev.options();
    t.client(dev.transcript);
    const others = userRequests(w.lab.journal, since, (e) => dev.mine(e) && e.server !== w.frontDoorMock);
    const versions = r.headers['ms-asprotocolversions'];
    t.observe(`${answer(r)}, MS-ASProtocolVersions ${versions ?? '(none)'}; other CAS: ${others.map((e) => e.server).join(', ') || 'none'}`);
    // The answer came from an ActiveSync server (the front door's own): an OPTIONS answer names the protocol versions.
    t.require(`${name}: the front door answered the device's OPTIONS as an ActiveSync server (MS-ASProtocolVersions)`, r.status === 200 && versions !== undefined, `${answer(r)}, MS-ASProtocolVersions ${versions ?? '(none)'}`);
    check(others.length === 0, 'no other CAS sees the request', describeHttp(others));
  });
});
