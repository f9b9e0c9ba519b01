/**
 * COOK -- cookies, sessions and affinity through the front door (RULES.md "COOK"). Expectations are
 * written here from the seeds (000's user-context cookie change and upgrade table, 003's affinity,
 * RFC 6265 for what "unchanged" means); the journal says what each mock CAS received and sent.
 */
import { describe } from 'vitest';
import { sideBySide } from './support/side-by-side.ts';
import { rule, type RuleContext } from './support/rule.ts';
import { check, userRequests } from '../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { OwaBrowser } from '../harness/clients/owa-browser.ts';
import { checkProxied, checkSilentRedirect, describeVisit, frontDoorHost, reloadOwa, requireServedAt, requireSignedIn, signInOwa, type OwaVisit } from './support/owa-flow.ts';
import { attributeKey, captureSetCookies, domainAttribute, foreignAttributes, parseSetCookie, userContextFormOf, type CapturedLine } from './support/cook-capture.ts';
import { down, fmt, servedBy, untilServedElsewhere } from './support/cook-failover.ts';
import { affinityEws, affinityOwa, affinityPair } from './support/cook-affinity.ts';
import { easDevice } from './support/eas.ts';
import { describeCell, frontDoorBuild, owaCell, relation, versionTargetsOf } from './support/ver-matrix.ts';
import type { World } from './support/world.ts';
import { mailboxPlace, type SeedRole } from '../harness/topology/index.ts';
import { privateWorld, roleFqdns, roleHost, roleOf, roleServerSpecs, runsBuiltInTopology, situationMissing, situationSpec, presentRoles } from './support/roles.ts';

// Users, servers and namespaces by seed role (suites/support/roles.ts; a missing role is n/a). 001 Figure
// 1/2: Red's CAS2010 (built-in: cas2010.site1) and Blue's site pair (cas2010a/b.site3); 003: User3's site
// CAS (the Hub's CAS-03..05). The namespaces users are redirected to: every ExternalURL host of the
// topology other than the front door's (built-in: legacy, mail-region; 2007 built-in: www.europe).
function otherNamespaces(w: World): string[] {
  const own = new Set(w.lab.topology.frontDoor.namespaces);
  const hosts = w.lab.topology.servers.flatMap((s) => Object.values(s.vdirs).map((v) => (v && 'externalUrl' in v && v.externalUrl ? new URL(v.externalUrl).hostname : null)));
  return [...new Set(hosts.filter((h): h is string => !!h && !own.has(h)))];
}

// A second user of `role`'s site whose mailbox is of the same build (001/003: Cyan beside Blue; the SP3 mailbox user beside User3), or n/a.
function siteMate(t: RuleContext, w: World, role: SeedRole): string {
  const topo = w.lab.topology;
  const main = roleOf(t, w, role);
  const at = mailboxPlace(topo, main);
  // By name, not identity: under defects the roles come from a topology of their own (world.ts roleTopology).
  const mate = topo.users.find((u) => u.samAccountName !== main.samAccountName && mailboxPlace(topo, u)?.site === at?.site && mailboxPlace(topo, u)?.build === at?.build);
  if (!mate) return t.notApplicable(`your topology has no second user in the site of ${role}'s mailbox (${main.name}, ${at?.site}) on the same mailbox build`);
  return mate.name;
}

const originOf = (url: string) => new URL(url).origin;

/** Sign in once with Set-Cookie lines captured from `origin` (what the browser got, byte for byte). */
async function signInCaptured(w: World, name: string, origin: string): Promise<{ v: OwaVisit; lines: CapturedLine[] }> {
  const cap = captureSetCookies((o) => o === origin);
  try {
    const v = await signInOwa(w, name);
    return { v, lines: cap.lines() };
  } finally {
    cap.stop();
  }
}

describe('COOK', () => {
  rule('COOK-01', {}, async (t) => {
    const w = await t.world();
    const red = roleOf(t, w, 'red');
    const RED_CAS = roleFqdns(t, w, 'red');
    const CAS2010_SITE1 = RED_CAS[0]!;
    // What CAS2010 Site1 itself sends Red (direct, no front door): the attributes "unchanged" is measured against (RFC 6265 5.2).
    const direct = w.lab.origin(CAS2010_SITE1);
    const baseCap = captureSetCookies((o) => o === direct);
    const agent = w.lab.agent();
    try {
      await new OwaBrowser({ dispatcher: agent }).login(`${direct}/owa/`, `${w.lab.topology.organisation.netbiosDomain}\\${red.samAccountName}`, red.password);
    } finally {
      baseCap.stop();
      await agent.close().catch(() => {});
    }
    const baseline = new Map<string, Set<string>>();
    for (const l of baseCap.lines()) {
      const c = parseSetCookie(l.line);
      baseline.set(c.name, (baseline.get(c.name) ?? new Set()).add(attributeKey(c)));
    }
    t.require(`${CAS2010_SITE1} sets cookies when Red signs in to it directly (the baseline)`, baseline.size > 0, 'no Set-Cookie from the direct sign-in', { blame: 'lab' });
    const since = w.mark();
    t.expect(`Red proxied to ${CAS2010_SITE1}: every Set-Cookie it sends (session, user context) reaches the browser as its own header line, same name, same value form, same attributes as ${CAS2010_SITE1} sends them`);
    const { v, lines } = await signInCaptured(w, red.name, originOf(w.url('/')));
    t.client(v.nav.transcript);
    t.observe(describeVisit(v));
    const sent = userRequests(w.lab.journal, since, (e) => RED_CAS.includes(e.server) && e.user === red.samAccountName).flatMap((e) => e.setCookies);
    t.observe(`${CAS2010_SITE1} set: ${sent.map((c) => `${c.name}${c.form ? ` (${c.form})` : ''}`).join(', ') || 'nothing'}`);
    t.observe(`browser got from the front door: ${lines.map((l) => `${l.method} ${l.path.split('?')[0]} ${l.status}: ${parseSetCookie(l.line).name} [${attributeKey(parseSetCookie(l.line))}]`).join('; ') || 'no Set-Cookie'}`);
    // Preconditions: Red proxied to CAS2010 Site1 by the front door itself, and that CAS set cookies to relay.
    checkProxied(t, w, v, since, RED_CAS);
    t.require(`${CAS2010_SITE1} sets cookies for Red through the front door`, sent.length > 0, 'it set none');
    const got = lines.map((l) => ({ l, c: parseSetCookie(l.line) }));
    const problems: string[] = [];
    for (const name of new Set(sent.map((c) => c.name))) {
      const want = sent.filter((c) => c.name === name);
      const mine = got.filter((g) => g.c.name === name);
      if (mine.length < want.length) problems.push(`${name}: sent ${want.length}, the browser got ${mine.length}`);
      for (const { c } of mine) {
        const folded = foreignAttributes(c);
        if (folded.length) problems.push(`${name}: folded with another cookie in one line (${folded.join(', ')})`);
        const form = want[0]!.form;
        if (form && userContextFormOf(c.value) !== form) problems.push(`${name}: value form ${userContextFormOf(c.value)}, the CAS sent ${form}`);
        const base = baseline.get(name);
        if (base && !base.has(attributeKey(c))) problems.push(`${name}: attributes [${attributeKey(c)}], ${CAS2010_SITE1} sends [${[...base].join(' | ')}]`);
      }
    }
    check(problems.length === 0, 'every Set-Cookie unchanged and on its own line', problems.join('; '));
    // The values: when the CAS gets its own cookies back (next request), it must know them (an altered value is an unknown session).
    const again = w.mark();
    await reloadOwa(w, v);
    const back = userRequests(w.lab.journal, again, (e) => RED_CAS.includes(e.server) && e.vdir === 'owa' && e.cookies.some((c) => c.name === 'sessionid'));
    const unknown = back.filter((e) => e.status !== 200);
    t.observe(`next request: ${CAS2010_SITE1} got its session cookies back ${back.length} time(s): ${fmt(back)}`);
    check(unknown.length === 0, `${CAS2010_SITE1} recognises the session cookie values it issued`, fmt(unknown));
  });

  rule('COOK-02', { timeoutMs: 60_000, concurrent: true, timing: true }, async (t) => {
    // The mid-upgrade situation (RULES "Variants"): Blue's site pair is one SP2 and one SP2 RU1 CAS2010. On
    // another organisation the roles derive the same situation when Blue's site there already holds both
    // builds: its own world is judged; otherwise the built-in variant is needed (n/a).
    const pairOf = (x: World) => ({ sp2: roleServerSpecs(t, x, 'blue').find((s) => s.build === '2010-sp2')?.fqdn, ru1: roleServerSpecs(t, x, 'blue').find((s) => s.build === '2010-sp2-ru1')?.fqdn });
    const own = runsBuiltInTopology() ? undefined : await t.world({ key: 'cook02', disposable: true });
    if (own && !(pairOf(own).sp2 && pairOf(own).ru1)) t.notApplicable(situationMissing('cas-pair-mid-upgrade'));
    const w = own ?? (await t.world(situationSpec(t, 'cas-pair-mid-upgrade', { key: 'cook02', disposable: true, compact: true })));
    const { sp2, ru1 } = pairOf(w);
    t.require(`Blue's site holds an SP2 and an SP2 RU1 CAS2010 in the world's topology`, !!sp2 && !!ru1, roleFqdns(t, w, 'blue').join(', '), { blame: 'lab' });
    const [MIDUP_SP2, MIDUP_RU1] = [sp2!, ru1!];
    const CAS2010_SITE3 = roleFqdns(t, w, 'blue');
    const blue = roleOf(t, w, 'blue');
    const since = w.mark();
    t.expect(`${w.lab.topology.name} (${MIDUP_SP2} SP2, ${MIDUP_RU1} SP2 RU1): Blue (${blue.name}) signs in, is served by ${MIDUP_RU1} (its UserContext in the RU1 form), then fails over to ${MIDUP_SP2}; no UserContext cookie in the RU1 (canary76) form ever reaches ${MIDUP_SP2}`);
    let v = await signInOwa(w, blue.name);
    t.client(v.nav.transcript);
    t.observe(describeVisit(v));
    const first = servedBy(w, since, CAS2010_SITE3, 'owa', blue.samAccountName)?.server;
    t.observe(`first served by ${first ?? 'no Site3 CAS'}`);
    t.require(`Blue's OWA served (2xx) by a CAS of its site's pair through the front door`, !!first, describeVisit(v));
    let failover = since;
    const clear: (() => void)[] = [];
    try {
      // Make the RU1 CAS the one that issued Blue's user context, then take it down: the failover goes to the SP2 CAS
      // (000: "proxying from SP2 RU1 to an earlier version of Exchange will fail").
      if (first !== MIDUP_RU1) {
        clear.push(down(w, MIDUP_SP2, 'owa'));
        const m = await untilServedElsewhere(w, { from: MIDUP_SP2, servers: CAS2010_SITE3, vdir: 'owa', sam: blue.samAccountName }, () => reloadOwa(w, v));
        v = m.result;
        t.observe(`${MIDUP_SP2} down: ${m.event ? `served by ${m.event.server}` : 'no other CAS served Blue'} after ${m.attempts} request(s); ${describeVisit(v)}`);
        clear.pop()!();
      }
      const atRu1 = userRequests(w.lab.journal, since, (e) => e.server === MIDUP_RU1 && e.vdir === 'owa' && e.user === blue.samAccountName && e.status >= 200 && e.status < 300);
      t.require(`Blue served (2xx) by ${MIDUP_RU1} before the failover`, atRu1.length > 0, fmt(userRequests(w.lab.journal, since, (e) => e.user === blue.samAccountName)));
      const issued = userRequests(w.lab.journal, since, (e) => e.server === MIDUP_RU1 && e.user === blue.samAccountName).flatMap((e) => e.setCookies).filter((c) => /^UserContext/i.test(c.name) && c.form === 'canary76');
      t.require(`${MIDUP_RU1} issued Blue a UserContext cookie in the RU1 (canary76) form`, issued.length > 0, issued.length ? `${MIDUP_RU1} set ${issued.map((c) => `${c.name} (${c.form})`).join(', ')}` : 'no canary76 UserContext set', { blame: 'lab' });
      const held = v.browser.cookies.all().filter((c) => /^UserContext/i.test(c.name)).map((c) => `${c.name} (${userContextFormOf(c.value)})`);
      t.observe(`the browser holds: ${held.join(', ') || 'no UserContext cookie'}`);
      failover = w.mark();
      clear.push(down(w, MIDUP_RU1, 'owa'));
      const m = await untilServedElsewhere(w, { from: MIDUP_RU1, servers: CAS2010_SITE3, vdir: 'owa', sam: blue.samAccountName }, () => reloadOwa(w, v));
      t.client(m.result.nav.transcript.slice(v.nav.transcript.length));
      t.observe(`${MIDUP_RU1} down: ${m.event ? `served by ${m.event.server}` : `no other CAS served Blue`} after ${m.attempts} request(s); ${describeVisit(m.result)}`);
    } finally {
      for (const c of clear) c();
    }
    const atSp2 = userRequests(w.lab.journal, since, (e) => e.server === MIDUP_SP2 && e.user === blue.samAccountName);
    const leaked = atSp2.filter((e) => e.cookies.some((c) => /^UserContext/i.test(c.name) && c.form === 'canary76'));
    const refusals = w.lab.journal.since(since).filter((e) => e.kind === 'eventlog');
    if (refusals.length) t.observe(`event log: ${refusals.map((e) => (e.kind === 'eventlog' ? `${e.server} Event ${e.eventId}` : '')).join(', ')}`);
    t.observe(`${MIDUP_SP2} received ${atSp2.length} request(s) of Blue; user-context cookies: ${atSp2.flatMap((e) => e.cookies.filter((c) => /^UserContext/i.test(c.name)).map((c) => c.form ?? '?')).join(', ') || 'none'}`);
    // Precondition: the failover happened -- Blue's OWA request reached the SP2 CAS after the RU1 CAS went down
    // (whatever it answered: a leaked cookie may make it refuse).
    const moved = userRequests(w.lab.journal, failover, (e) => e.server === MIDUP_SP2 && e.vdir === 'owa' && e.user === blue.samAccountName);
    t.require(`the failover happened: Blue's OWA request reached ${MIDUP_SP2} after ${MIDUP_RU1} went down`, moved.length > 0, fmt(userRequests(w.lab.journal, failover, (e) => e.user === blue.samAccountName)));
    check(leaked.length === 0, `no RU1 (canary76) UserContext cookie at ${MIDUP_SP2}`, fmt(leaked));
    checkNoLegacyRelay(w, since, { user: blue.samAccountName, vdir: 'owa' });
  });

  // COOK-04 sits next to COOK-02: each has its own world and waits on failovers, so they run side by side.
  rule('COOK-04', { timeoutMs: 120_000, concurrent: true, timing: true }, async (t) => {
    const w = await t.world(privateWorld('cook04'));
    const b = frontDoorBuild(w);
    if (t.profile === 'exchange2007' && roleServerSpecs(t, w, 'user3').every((s) => relation(b, s.build) === 'newer')) t.notApplicable(`the CAS of User3's site run ${roleServerSpecs(t, w, 'user3')[0]!.build}, newer than the front door (${b}): no proxying to them (VER-01)`);
    // 003: "a user who is proxied to CAS-01 the first time will always be proxied to CAS-01, even if CAS-02 has fewer
    // concurrent connections"; 13/10: Blue's Site3 pair (001), 07: User3's Hub CAS. The pair case: a second user of
    // the same site (Cyan in the built-in topology, the SP3 mailbox user in Hub) keeps a CAS of its own.
    const role = t.profile === 'exchange2007' ? 'user3' : 'blue';
    const [name, site] = [roleOf(t, w, role).name, roleFqdns(t, w, role)];
    const second = siteMate(t, w, role);
    t.expect(`${name}, OWA and EWS: every request served by the first CAS of ${site.join(', ')} that served ${name}; with that CAS down (503), by another CAS of the site`);
    t.expect(`${name} and ${second} from one client address: ${name} first served by a CAS X; with X down ${second} is served by another CAS Y; once X is up again every request of ${name} at X and of ${second} at Y`);
    // Each case takes a CAS down and waits for the candidate to notice, so they cannot share a front door
    // (one case's CAS down is another's stray request): each gets a world of its own, and the three run
    // side by side (20 s one after another, 10-12 s at once in a full run).
    await sideBySide([
      () => affinityOwa(t, w, name, site),
      async () => affinityEws(t, await t.world(privateWorld('cook04-ews')), name, site),
      async () => affinityPair(t, await t.world(privateWorld('cook04-pair')), [name, second], site),
    ]);
  });

  rule('COOK-03', {}, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    if (b !== '2010-sp2-ru1') t.notApplicable(`the front door is ${b}, not Exchange 2010 SP2 RU1: 000's table does not apply`);
    // 000's table, "Server being proxied to" -> "Action to take"; the 2007 IU is the fix 2007 SP3 RU7 carries (PROTOCOL-FACTS).
    const ACTION_2010 = 'Apply Exchange 2010 SP2 RU1 to all servers involved in proxy process';
    const ACTION_2007 = 'Hold off deployment of Exchange 2010 SP2 RU1 until you deploy the Exchange 2007 IU';
    const has2007Iu = (build: string) => Number(/^2007-sp3-ru(\d+)$/.exec(build)?.[1] ?? 0) >= 7;
    const rows: { fqdn: string; build: string; action: string }[] = [];
    for (const s of w.lab.topology.servers) {
      if (s.fqdn === w.frontDoorMock) continue;
      if (s.build.startsWith('2010') && relation('2010-sp2-ru1', s.build) === 'older') rows.push({ fqdn: s.fqdn, build: s.build, action: ACTION_2010 });
      if (s.build.startsWith('2007') && !has2007Iu(s.build)) rows.push({ fqdn: s.fqdn, build: s.build, action: ACTION_2007 });
    }
    t.expect('the topology\'s CAS that an SP2 RU1 front door may not proxy to are listed with 000\'s action; proxying to such a CAS2010 fails in action, to an SP2 RU1 CAS works');
    t.observe(`incompatible with an Exchange 2010 SP2 RU1 front door that proxies to them (000; "redirection ... is not affected by the change"):\n${rows.map((r) => `  ${r.fqdn} (${r.build}): ${r.action}`).join('\n') || '  none'}`);
    // The table in action: OWA proxied to the older CAS2010 and to an SP2 RU1 CAS of Site3.
    const targets = versionTargetsOf(w);
    const older = targets.find((x) => x.build === '2010-sp2');
    const same = targets.find((x) => x.build === '2010-sp2-ru1');
    if (!older || !same) return t.notApplicable(`your topology has no user behind ${older ? 'an SP2 RU1' : 'an SP2'} CAS2010 (a version target): 000's table cannot be shown in action`);
    const since = w.mark();
    const bad = await owaCell(w, older);
    const good = await owaCell(w, same);
    for (const c of [bad, good]) t.observe(describeCell(b, c));
    const ev = w.lab.journal.since(since).filter((e) => e.kind === 'eventlog');
    if (ev.length) t.observe(`event log: ${ev.map((e) => (e.kind === 'eventlog' ? `${e.server} Event ${e.eventId}: ${e.message}` : '')).join('; ')}`);
    // Precondition: the front door did proxy to the older CAS2010 (its user's request reached it), so a failure
    // there is 000's cookie problem in action, not a hop that never happened.
    const reached = userRequests(w.lab.journal, since, (e) => older.servers.includes(e.server) && e.vdir === 'owa' && e.user === older.user);
    t.require(`OWA of ${older.user} reached ${older.servers.join(' or ')} (${older.build}) through the front door`, reached.length > 0, fmt(userRequests(w.lab.journal, since, (e) => e.user === older.user)));
    check(rows.some((r) => older.servers.includes(r.fqdn)), `${older.servers[0]} (${older.build}) listed as incompatible`, 'not listed');
    check(bad.kind !== 'works', `OWA to ${older.build} fails as 000 says ("Invalid user context cookie found in proxy response")`, `${bad.kind}: ${bad.detail}`);
    check(good.kind === 'works', 'OWA to an SP2 RU1 CAS works', `${good.kind}: ${good.detail}`);
  });

  rule('COOK-05', {}, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    const user3 = roleOf(t, w, 'user3');
    const hub = roleServerSpecs(t, w, 'user3');
    const HUB = hub.map((s) => s.fqdn);
    if (hub.every((s) => relation(b, s.build) === 'newer')) t.notApplicable(`the CAS of User3's site run ${hub[0]!.build}, newer than the front door (${b}): no proxying to them (VER-01)`);
    const since = w.mark();
    t.expect(`User3's (${user3.name}) device: every EAS request served by the CAS of its site (${HUB.join(', ')}) that served it first`);
    const dev = easDevice(w, user3.name, 'SmartPhone');
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      const mark = w.mark();
      const r = await dev.options();
      const e = userRequests(w.lab.journal, mark, (x) => HUB.includes(x.server) && dev.mine(x) && x.status >= 200 && x.status < 300)[0];
      served.push(e ? e.server : `(status ${r.status}, no Hub CAS)`);
      // Precondition: the device's first request was served by a Hub CAS through the front door.
      if (i === 0) t.require('User3\'s device served (2xx) by a Hub CAS through the front door', !!e, `status ${r.status}; ${fmt(userRequests(w.lab.journal, mark, (x) => dev.mine(x)))}`);
    }
    t.client(dev.transcript);
    t.observe(`User3 SmartPhone served by: ${served.join(', ')}`);
    t.observe(`(003: "In a Network Load Balancing situation ... We recommend implementing round robin load balancing within the NLB array")`);
    check(served.every((s) => s === served[0] && HUB.includes(s)), `every request at ${served[0]}`, served.join(', '));
    check(userRequests(w.lab.journal, since, (e) => dev.mine(e) && !HUB.includes(e.server) && e.server !== w.frontDoorMock).length === 0, 'only Hub CAS serve the device', 'another CAS did');
  });

  rule('COOK-06', {}, async (t) => {
    const w = await t.world();
    const fd = frontDoorHost(w);
    const origin = originOf(w.url('/'));
    // Users who are proxied, silently redirected or shown a redirect page in each profile (001, 003).
    const roles: SeedRole[] = t.profile === 'exchange2013' ? ['red', 'purple', 'orange'] : t.profile === 'exchange2010' ? ['red', 'blue', 'purple', 'orange'] : ['user1', 'user3', 'user2'];
    const names = presentRoles(t, w, roles).map((r) => r.name);
    const OTHER_NAMESPACES = otherNamespaces(w);
    t.expect(`${names.join(', ')}: every Set-Cookie from ${fd} has no Domain or Domain=${fd}; no value of a cookie ${fd} set travels to ${OTHER_NAMESPACES.join(', ')}`);
    const problems: string[] = [];
    let fromFrontDoor = 0;
    for (const name of names) {
      const { v, lines } = await signInCaptured(w, name, origin);
      t.client(v.nav.transcript);
      t.observe(describeVisit(v));
      // Precondition: the front door took the user's sign-in (what it answered next carries the cookies judged).
      requireSignedIn(t, v);
      fromFrontDoor += lines.length;
      const values = new Set<string>();
      for (const l of lines) {
        const c = parseSetCookie(l.line);
        const d = domainAttribute(c);
        if (d && d !== fd) problems.push(`${name}: ${c.name} from ${fd} with Domain=${d}`);
        if (c.value.length >= 8) values.add(c.value);
      }
      for (const c of v.browser.cookies.all()) {
        if (!c.hostOnly && c.domain !== fd && OTHER_NAMESPACES.some((n) => n === c.domain || n.endsWith(`.${c.domain}`)) && values.has(c.value)) problems.push(`${name}: ${c.name} stored for .${c.domain}`);
      }
      // Where the browser went next: no front-door cookie value in a URL or form sent to another namespace.
      let host = '';
      for (const e of v.nav.transcript) {
        if (e.dir !== 'C') continue;
        if (e.line.startsWith('Host: ')) host = e.line.slice(6).replace(/:\d+$/, '').toLowerCase();
        else if (host && host !== fd && [...values].some((x) => e.line.includes(x))) problems.push(`${name}: a ${fd} cookie value sent to ${host}`);
      }
      for (const h of v.nav.hops) if (new URL(h.url).hostname !== fd && [...values].some((x) => h.url.includes(x))) problems.push(`${name}: a ${fd} cookie value in ${h.url}`);
    }
    t.require(`the front door set cookies (Set-Cookie from ${fd}) during the sign-ins`, fromFrontDoor > 0, fromFrontDoor > 0 ? `${fromFrontDoor} Set-Cookie from the front door` : 'no Set-Cookie from the front door');
    check(problems.length === 0, 'no widened Domain, no session cookie carried to another namespace', problems.join('; '));
  });

  rule('COOK-07', {}, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    if (b !== '2010-sp2-ru1') t.notApplicable(`the front door is ${b}, not Exchange 2010 SP2 RU1`);
    // 000: redirection "is not affected by the change"; "simply deploy SP2 RU1 on the relevant Exchange 2010 servers and
    // the issue no longer exists" (Blue's Site3 pair runs SP2 RU1 in the built-in topology).
    const [purple, blue] = [roleOf(t, w, 'purple'), roleOf(t, w, 'blue')];
    const LEGACY = roleHost(t, w, 'purple');
    const CAS2010_SITE3 = roleFqdns(t, w, 'blue');
    t.expect(`Purple (${purple.name}): silent redirect to ${LEGACY} reaches Purple's mailbox; Blue (${blue.name}): proxied to an SP2 RU1 CAS of its site, Blue's mailbox`);
    let since = w.mark();
    const p = await signInOwa(w, purple.name);
    t.client(p.nav.transcript);
    t.observe(describeVisit(p));
    requireServedAt(t, w, p, since, LEGACY);
    checkSilentRedirect(p, LEGACY);
    const proxied = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user === purple.samAccountName && e.host.replace(/:\d+$/, '').toLowerCase() !== LEGACY);
    check(proxied.length === 0, 'Purple redirected, not proxied', fmt(proxied));
    since = w.mark();
    const bl = await signInOwa(w, blue.name);
    t.client(bl.nav.transcript);
    t.observe(describeVisit(bl));
    checkProxied(t, w, bl, since, CAS2010_SITE3);
  });
});
