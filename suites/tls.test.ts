/**
 * TLS - transport between the front door and the legacy CAS (RULES.md "TLS"). Clients drive real
 * traffic through the front door; the rules read the front-door-to-CAS leg from the journal (scheme,
 * Host, SNI) and, for TLS-07, from an impostor that stands in a CAS's place. Expectations are written
 * here from seeds 001, 003 and 004 (the oracle rule).
 */
import { readFileSync } from 'node:fs';
import { describe } from 'vitest';
import { http, HttpResponse } from 'msw';
import { LabError } from '../harness/errors.ts';
import { check, hostName, userRequests } from '../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import type { RuleContext } from './support/rule.ts';
import { OwaBrowser, type OwaNavigation } from '../harness/clients/owa-browser.ts';
import { rule } from './support/rule.ts';
import type { World } from './support/world.ts';
import { roleMissingReason, type SeedRole } from '../harness/topology/index.ts';
import { presentRoles, roleFqdns, roleName, roleServerSpecs, roleVdirsAll, situationSpec, situationWorld } from './support/roles.ts';
import { versionTargetsOf } from './support/ver-matrix.ts';
import { logonName, withAgent } from './support/auth-http.ts';
import { exercise, exerciseAll, type HopProtocol } from './support/tls-traffic.ts';
import { candidateHttp, describeHops, describeLeg, frontDoorHops, isCas2007 } from './support/tls-hops.ts';
import { foreignIssuerCertificate, TlsImpostor } from './support/tls-impostor.ts';

// Users and servers by seed role (suites/support/roles.ts; a missing role is n/a or, in a traffic list,
// noted and left out). 001 Figure 1/2: Red's CAS2010 (built-in: cas2010.site1), Blue's site pair
// (cas2010a/b.site3), Grey's CAS2007 (cas2007.site3); 003: User3's site CAS (the Hub's).
// 003 Note ("They can use the self-signed certificate that is installed by default"): the topologies keep
// Exchange's self-signed certificate on non-Internet-facing CAS (built-in: cas2010b and cas2007 of Site3;
// 2007 built-in: every Hub CAS): read from the topology's `certificate: 'self-signed'`.
const selfSigned = (w: World) => w.lab.topology.servers.filter((s) => s.certificate === 'self-signed' && s.fqdn !== w.frontDoorMock).map((s) => s.fqdn);

// Traffic that makes the front door hop to legacy CAS (TLS-01, TLS-06), per profile: every protocol, users
// of every kind (001: Red Site1, Blue Site3, Purple 2007 Site1, Orange Site2, Grey 2007 Site3).
const TRAFFIC_13: [SeedRole, HopProtocol][] = [
  ['red', 'owa'], ['red', 'eas'], ['red', 'ews'], ['red', 'autodiscover'], ['red', 'oab'], ['red', 'rpc'],
  ['blue', 'owa'], ['blue', 'ews'], ['blue', 'rpc'],
  ['purple', 'eas'], ['purple', 'ews'], ['purple', 'oab'], ['purple', 'rpc'],
  ['orange', 'eas'], ['orange', 'autodiscover'], ['grey', 'eas'], ['grey', 'ews'],
];
// 001 first half: what an Exchange 2010 front door proxies (Blue to Site3, Purple/Grey EAS to CAS2007, Orange EAS off the 451 list).
const TRAFFIC_10: [SeedRole, HopProtocol][] = [['blue', 'owa'], ['blue', 'eas'], ['blue', 'ews'], ['blue', 'rpc'], ['purple', 'eas'], ['orange', 'eas'], ['grey', 'eas']];

/** A role-keyed traffic list resolved to the topology's users: roles it lacks are noted and left out (none at all: n/a). */
function trafficOf(t: RuleContext, w: World, list: readonly [SeedRole, HopProtocol][]): [string, HopProtocol][] {
  const have = new Map(presentRoles(t, w, [...new Set(list.map(([r]) => r))]).map((r) => [r.role, r.name]));
  return list.filter(([r]) => have.has(r)).map(([r, p]) => [have.get(r)!, p]);
}

/** exchange2007: the front door's build, and the user behind a CAS of that same build (003: proxying is allowed to the same version), or n/a. */
function sameBuildUser(t: RuleContext, w: World): { build: string; user: string; cas: string } {
  const build = w.lab.topology.servers.find((s) => s.fqdn === w.frontDoorMock)?.build ?? '2007-sp3';
  const v = versionTargetsOf(w).find((x) => x.build === build);
  if (!v) return t.notApplicable(`your topology has no user behind a CAS of the front door's build ${build} (a version target)`);
  return { build, user: v.user, cas: v.servers[0]! };
}

// 003: User3's site (the Hub) runs 2007 SP3; a front door of an older build may not proxy to it ("same version ... or an earlier version").
const user3Build = (t: RuleContext, w: World) => roleServerSpecs(t, w, 'user3')[0]!.build;

function traffic07(t: RuleContext, w: World): [string, HopProtocol][] {
  const { user } = sameBuildUser(t, w);
  const user3 = roleName(t, w, 'user3');
  return [[user3, 'owa'], [user3, 'eas'], [user3, 'ews'], [user, 'owa'], [user, 'eas']];
}

/** OWA sign-in as `name` through the front door, from the user's own address: what the browser ended on. */
function owaSignIn(w: World, name: string): Promise<OwaNavigation> {
  return withAgent(w, (dispatcher) => new OwaBrowser({ dispatcher }).login(w.url('/owa/'), logonName(w, name), w.user(name).password), w.user(name).samAccountName);
}

/** Precondition of a refusal after a sign-in: the front door took the credentials (the refusal is about what comes next). */
function requireSignedIn(t: RuleContext, name: string, nav: OwaNavigation): void {
  t.require(`${name} typed the credentials into the front door's sign-in form and got an answer`, nav.credentialsTyped === 1 && !nav.logonPage, navSummary(nav));
}

/** Lab precondition: the topology publishes OWA of `targets` on `scheme` InternalUrls (what the rule's variant is for). */
function requireOwaInternalScheme(t: RuleContext, w: World, targets: readonly string[], scheme: 'http' | 'https'): void {
  const urls = targets.map((f) => `${f}: ${w.lab.topology.servers.find((s) => s.fqdn === f)?.vdirs.owa.internalUrl ?? '(none)'}`);
  t.require(`the topology publishes ${targets.join(', ')} OWA on ${scheme}:// InternalUrls`, urls.every((u) => u.includes(` ${scheme}://`)), urls.join('; '), { blame: 'lab' });
}

/** A user's (2xx-answered) requests at `targets` after `since`, optionally of one vdir. */
function servedAt(w: World, since: number, targets: readonly string[], sam: string, vdir?: string): ReturnType<typeof userRequests> {
  return userRequests(w.lab.journal, since, (e) => targets.includes(e.server) && e.user === sam && (!vdir || e.vdir === vdir) && e.status >= 200 && e.status < 300);
}

const mailboxReached = (n: OwaNavigation) => n.status >= 200 && n.status < 300 && !n.logonPage;
const navSummary = (n: OwaNavigation) => `final ${n.status} "${n.title}"${n.logonPage ? ' (sign-in page)' : ''}${n.stopped ? ` (${n.stopped})` : ''}`;

/** No `http://` on the leg: no HTTP event over plain HTTP behind the front door, no mock hop to an http:// URL. */
function plainHttpOnLeg(w: World, since: number): string[] {
  const plain = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.scheme === 'http').map((e) => `${e.server} ${e.method} ${e.path} over http`);
  const hopsHttp = frontDoorHops(w, since).filter((h) => h.url.startsWith('http:')).map((h) => `hop ${h.url}`);
  return [...plain, ...hopsHttp];
}

describe('TLS', () => {
  rule('TLS-01', { timeoutMs: 90_000 }, async (t) => {
    const w = await t.world();
    const since = w.mark();
    const traffic = t.profile === 'exchange2013' ? trafficOf(t, w, TRAFFIC_13) : t.profile === 'exchange2010' ? trafficOf(t, w, TRAFFIC_10) : traffic07(t, w);
    t.expect(`traffic of ${traffic.map(([u, p]) => `${u} ${p}`).join(', ')}: every hop the front door makes to a legacy CAS is HTTPS (004: "HTTPS is the default setting"; allowProxyingWithoutSsl is not set)`);
    for (const r of await exerciseAll(w, traffic)) {
      t.client(r.transcript);
      t.observe(r.result);
    }
    if (t.profile === 'exchange2013') {
      // The candidate is outside the lab: every request it made on a mock CAS is a hop (health probes too).
      const leg = candidateHttp(w, since, { probes: true });
      const plain = leg.filter((e) => e.scheme !== 'https');
      const users = new Set(traffic.map(([u]) => w.user(u).samAccountName));
      t.observe(`${leg.length} request(s) on legacy CAS, ${plain.length} not over HTTPS`);
      t.require('the traffic made the front door hop to legacy CAS (a request of the traffic\'s users reached one)', leg.some((e) => e.user !== null && users.has(e.user)), describeLeg(leg));
      check(plain.length === 0, 'every request on a legacy CAS over HTTPS', describeLeg(plain));
      return;
    }
    // exchange2010/2007: the candidate is the front-door mock; its hops and what they caused on their targets.
    const hopList = frontDoorHops(w, since);
    const targets = new Set(hopList.map((h) => h.targetServer));
    const atTargets = userRequests(w.lab.journal, since, (e) => targets.has(e.server));
    t.observe(describeHops(hopList));
    t.require('the traffic made the front door hop to legacy CAS', hopList.length > 0, describeHops(hopList));
    const plain = [...hopList.filter((h) => !h.url.startsWith('https:')).map((h) => `hop ${h.url}`), ...atTargets.filter((e) => e.scheme !== 'https').map((e) => `${e.server} ${e.method} ${e.path} over ${e.scheme}`)];
    check(plain.length === 0, 'every hop https:// and received over HTTPS', plain.join('\n'));
  });

  rule('TLS-02', { timeoutMs: 60_000 }, async (t) => {
    // 004 item 1 needs an http:// InternalUrl on the target: a situation a built-in variant sets up; another
    // organisation is judged when its own target CAS already publish OWA on http:// (else n/a).
    const is07 = t.profile === 'exchange2007';
    const w = await situationWorld(t, 'owa-internalurl-http', (x) => roleVdirsAll(t, x, is07 ? 'user3' : 'blue', 'owa', (v) => !!v.internalUrl?.startsWith('http://')));
    const since = w.mark();
    const role = is07 ? 'user3' : 'blue';
    const [name, targets] = [roleName(t, w, role), roleFqdns(t, w, role)];
    t.expect(`${name}'s OWA, whose target CAS (${targets.join(', ')}) publishes an http:// InternalUrl, switch not set: refused (status >= 400, not 451), at most one request reaching any target, no http:// hop`);
    requireOwaInternalScheme(t, w, targets, 'http');
    const sam = w.user(name).samAccountName;
    const nav = await owaSignIn(w, name);
    t.client(nav.transcript);
    const reached = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.user === sam || e.user === null));
    t.observe(`${name}: ${navSummary(nav)}; requests on CAS behind the front door: ${reached.length}`);
    if (is07 && sameBuildUser(t, w).build !== user3Build(t, w)) t.note(`the front door runs ${sameBuildUser(t, w).build}, older than User3's site's ${user3Build(t, w)}: 003 refuses the newer target before any SSL question arises`);
    requireSignedIn(t, name, nav);
    check(nav.status >= 400 && nav.status !== 451, 'refused: status >= 400 other than 451', navSummary(nav));
    check(reached.length <= 1, 'at most one request reaching any target', describeLeg(reached));
    const plain = plainHttpOnLeg(w, since);
    check(plain.length === 0, 'no http:// hop', plain.join('\n'));
  });

  rule('TLS-03', { timeoutMs: 90_000 }, async (t) => {
    const options = { allowProxyingWithoutSsl: true };
    const is07 = t.profile === 'exchange2007';
    // The HTTP half needs the http:// OWA InternalUrl situation (a built-in variant); the roles do not derive it elsewhere (n/a).
    const nossl = situationSpec(t, 'owa-internalurl-http', { options });
    // HTTPS half first: a target whose InternalUrl is https:// is still reached over HTTPS with the switch set.
    const wHttps = is07 ? await t.world(nossl) : await t.world({ options });
    const httpsCase = is07 ? { name: sameBuildUser(t, wHttps).user, targets: [sameBuildUser(t, wHttps).cas] } : { name: roleName(t, wHttps, 'blue'), targets: roleFqdns(t, wHttps, 'blue') };
    t.expect(`allowProxyingWithoutSsl set: ${httpsCase.name} (target ${httpsCase.targets.join(' or ')}, https:// InternalUrl) proxied over HTTPS`);
    let since = wHttps.mark();
    let nav = await owaSignIn(wHttps, httpsCase.name);
    t.client(nav.transcript);
    t.observe(`${httpsCase.name}: ${navSummary(nav)}`);
    const sam = (w: World, n: string) => w.user(n).samAccountName;
    let hit = servedAt(wHttps, since, httpsCase.targets, sam(wHttps, httpsCase.name), 'owa');
    t.observe(describeLeg(hit));
    t.require(`${httpsCase.name}'s OWA answered (2xx) by ${httpsCase.targets.join(' or ')} through the front door`, hit.length > 0, describeLeg(userRequests(wHttps.lab.journal, since, (e) => e.server !== wHttps.frontDoorMock && e.user === sam(wHttps, httpsCase.name))));
    check(mailboxReached(nav), `${httpsCase.name} reaches the mailbox`, navSummary(nav));
    check(hit.every((e) => e.scheme === 'https'), `${httpsCase.name}'s OWA proxied to ${httpsCase.targets.join(' or ')} over HTTPS`, describeLeg(hit));
    checkNoLegacyRelay(wHttps, since, { user: sam(wHttps, httpsCase.name), vdir: 'owa' });
    // HTTP half: 004 "set the InternalUrl ... accordingly": an http:// InternalUrl is proxied over HTTP.
    const wHttp = await t.world(nossl);
    const role = is07 ? 'user3' : 'blue';
    const [name, targets] = [roleName(t, wHttp, role), roleFqdns(t, wHttp, role)];
    if (is07 && sameBuildUser(t, wHttp).build !== user3Build(t, wHttp)) {
      t.notApplicable(`the http:// OWA targets of the nossl variant are User3's site CAS (${user3Build(t, wHttp)}), newer than this front door (${sameBuildUser(t, wHttp).build}); 003 allows proxying only to "the same version of Exchange Server or an earlier version", so the HTTP half cannot be judged with this topology`);
    }
    t.expect(`allowProxyingWithoutSsl set: ${name} (target ${targets.join(' or ')}, http:// InternalUrl) proxied over HTTP; the client reaches the mailbox`);
    requireOwaInternalScheme(t, wHttp, targets, 'http');
    since = wHttp.mark();
    nav = await owaSignIn(wHttp, name);
    t.client(nav.transcript);
    t.observe(`${name}: ${navSummary(nav)}`);
    hit = servedAt(wHttp, since, targets, sam(wHttp, name), 'owa');
    t.observe(describeLeg(hit));
    t.require(`${name}'s OWA answered (2xx) by ${targets.join(' or ')} through the front door`, hit.length > 0, describeLeg(userRequests(wHttp.lab.journal, since, (e) => e.server !== wHttp.frontDoorMock && e.user === sam(wHttp, name))));
    check(mailboxReached(nav), `${name} reaches the mailbox`, navSummary(nav));
    check(hit.every((e) => e.scheme === 'http'), `${name}'s OWA proxied to ${targets.join(' or ')} over HTTP`, describeLeg(hit));
    checkNoLegacyRelay(wHttp, since, { user: sam(wHttp, name), vdir: 'owa' });
  });

  rule('TLS-04', { timeoutMs: 60_000 }, async (t) => {
    // A private world: the targets are made to answer 403 (msw `use`), undone in `finally`.
    const w = await t.world({ key: 'tls-04' });
    const is07 = t.profile === 'exchange2007';
    const name = is07 ? sameBuildUser(t, w).user : roleName(t, w, 'blue');
    const targets = is07 ? [sameBuildUser(t, w).cas] : roleFqdns(t, w, 'blue');
    t.expect(`${name}'s OWA target (${targets.join(' or ')}) answers 403 to the hop: the client gets an error (status >= 400), at most 2 requests reach the target, no http:// retry`);
    const forbidden = () => new HttpResponse('<html><body><h2>403 - Forbidden: Access is denied.</h2></body></html>', { status: 403, headers: { 'Content-Type': 'text/html' } });
    const since = w.mark();
    let nav: OwaNavigation;
    try {
      for (const fqdn of targets) w.lab.mock(fqdn).handlers.use(http.all('/owa', forbidden), http.all('/owa/*', forbidden));
      nav = await owaSignIn(w, name);
    } finally {
      for (const fqdn of targets) w.lab.mock(fqdn).handlers.reset();
    }
    t.client(nav.transcript);
    const sam = w.user(name).samAccountName;
    const atTargets = userRequests(w.lab.journal, since, (e) => targets.includes(e.server) && e.vdir === 'owa' && (e.user === sam || e.user === null));
    t.observe(`${name}: ${navSummary(nav)}; requests at the target: ${atTargets.length}`);
    requireSignedIn(t, name, nav);
    t.require(`the front door hops to ${targets.join(' or ')} (the 403 case is exercised)`, atTargets.length > 0, describeLeg(userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock)));
    check(nav.status >= 400 && nav.status !== 451, 'the client gets an error (status >= 400 other than 451)', navSummary(nav));
    check(atTargets.length <= 2, 'at most 2 requests reach the target', describeLeg(atTargets));
    const plain = plainHttpOnLeg(w, since);
    check(plain.length === 0, 'no http:// retry', plain.join('\n'));
  });

  rule('TLS-05', {}, async (t) => {
    const w = await t.world();
    const is07 = t.profile === 'exchange2007';
    if (is07 && sameBuildUser(t, w).build !== user3Build(t, w)) {
      t.notApplicable(`the self-signed CAS of the 2007 topology are User3's site CAS (${user3Build(t, w)}), newer than this front door (${sameBuildUser(t, w).build}); 003 allows proxying only to "the same version of Exchange Server or an earlier version"`);
    }
    const SELF_SIGNED = selfSigned(w);
    if (!SELF_SIGNED.length) t.notApplicable(`your topology ${w.lab.topology.name} keeps no CAS on Exchange's self-signed certificate`);
    // "the candidate is not given that certificate": the CA file of the front-door contract holds the lab CA only.
    const caFile = readFileSync(w.lab.state().caFile, 'utf8');
    const given = SELF_SIGNED.filter((f) => caFile.includes(w.lab.pki.server(f).certPem.trim()));
    t.require('the front door is given the lab CA only, none of the self-signed certificates', given.length === 0, `the contract's CA file holds ${given.join(', ') || 'none of them'}`, { blame: 'lab' });
    // 13/10: Grey's EAS goes to CAS2007 Site3 (001 EAS: "an Exchange 2007 Client Access server that exists within the mailbox's site"); Blue may land on cas2010b.
    const traffic = trafficOf(t, w, is07 ? [['user3', 'owa'], ['user3', 'eas'], ['user3', 'ews']] : [['grey', 'eas'], ['blue', 'eas'], ['blue', 'ews'], ['blue', 'owa']]);
    // The self-signed CAS that must serve: 07 User3's site CAS; 13/10 Grey's CAS2007 (built-in: cas2007.site3) when it is self-signed, else any.
    const mustOf = is07 ? roleFqdns(t, w, 'user3') : roleServerSpecs(t, w, 'grey').map((s) => s.fqdn);
    const must = mustOf.filter((f) => SELF_SIGNED.includes(f)).length ? mustOf.filter((f) => SELF_SIGNED.includes(f)) : SELF_SIGNED;
    t.expect(`${traffic.map(([u, p]) => `${u} ${p}`).join(', ')} succeed through the front door; ${must.join(' or ')} (self-signed) serve(s) them; the front door holds no copy of those certificates`);
    const since = w.mark();
    const results = await exerciseAll(w, traffic);
    for (const r of results) {
      t.client(r.transcript);
      t.observe(r.result);
    }
    const users = [...new Set(traffic.map(([u]) => w.user(u).samAccountName))];
    const served = userRequests(w.lab.journal, since, (e) => SELF_SIGNED.includes(e.server) && e.user !== null && users.includes(e.user) && e.status >= 200 && e.status < 300);
    t.observe(describeLeg(served));
    t.require(`a self-signed CAS (${must.join(' or ')}) answers a proxied request of ${users.join(', ')} with 2xx`, served.some((e) => must.includes(e.server)), describeLeg(userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user !== null && users.includes(e.user))));
    // The self-signed CAS got the requests from the front door itself, not from a CA-signed CAS relaying them.
    for (const [u, p] of traffic) checkNoLegacyRelay(w, since, { user: w.user(u).samAccountName, vdir: p });
    const failed = results.filter((r) => !r.ok);
    check(failed.length === 0, 'every client succeeds', failed.map((r) => r.result).join('\n'));
  });

  rule('TLS-06', { timeoutMs: 90_000 }, async (t) => {
    const w = await t.world();
    const since = w.mark();
    t.expect('every hop to a CAS2010 (every protocol) and to a CAS2007 (every protocol but EAS) carries Host and TLS SNI = that server\'s FQDN');
    const traffic = trafficOf(t, w, TRAFFIC_13);
    for (const r of await exerciseAll(w, traffic)) {
      t.client(r.transcript);
      t.observe(r.result);
    }
    // 001 (update of 3/25/2014): 2007 EAS goes to the CAS2007's InternalURL, the one exception.
    const users = new Set(traffic.map(([u]) => w.user(u).samAccountName));
    const judged = candidateHttp(w, since, { probes: false }).filter((e) => !(isCas2007(e.server) && e.vdir === 'eas') && e.user !== null && users.has(e.user));
    t.observe(describeLeg(judged));
    t.require('the traffic made the front door hop to legacy CAS (a request of the traffic\'s users reached one)', judged.length > 0, describeLeg(candidateHttp(w, since, { probes: false })));
    // One fault, one reason (issue 10 item 5): Host and SNI are judged on whatever hops exist first; hops that
    // never happened are reported on their own after, so a front door that hops with the client's Host/SNI
    // gets the Host/SNI reason even where some hops failed because of it.
    const wrong = judged.filter((e) => hostName(e.host) !== e.server || (e.sni ?? '').toLowerCase() !== e.server);
    check(wrong.length === 0, 'Host and SNI equal the target server FQDN', describeLeg(wrong));
    const seen = (pred: (fqdn: string) => boolean, vdir: string) => judged.some((e) => pred(e.server) && e.vdir === vdir);
    // The hops the seed's traffic makes: to CAS2010 for every protocol (Red's), to CAS2007 for ews, oab, rpc
    // (Purple's); a role the topology lacks makes none of its hops (noted).
    const has = (r: SeedRole) => !roleMissingReason(w.lab.topology, r);
    if (!has('red')) t.note(`no CAS2010 hop of every protocol expected: ${roleMissingReason(w.lab.topology, 'red')}`);
    if (!has('purple')) t.note(`no CAS2007 hop expected: ${roleMissingReason(w.lab.topology, 'purple')}`);
    const missing = [
      ...(has('red') ? ['owa', 'eas', 'ews', 'autodiscover', 'oab', 'rpc'] : []).filter((v) => !seen((f) => !isCas2007(f), v)).map((v) => `CAS2010 ${v}`),
      ...(has('purple') ? ['ews', 'oab', 'rpc'] : []).filter((v) => !seen(isCas2007, v)).map((v) => `CAS2007 ${v}`),
    ];
    check(missing.length === 0, 'hops to CAS2010 for owa, eas, ews, autodiscover, oab, rpc and to CAS2007 for ews, oab, rpc', `no hop seen for ${missing.join(', ')}`);
  });

  rule('TLS-07', { timeoutMs: 60_000 }, async (t) => {
    // A private world: the target CAS is taken off its socket and an impostor listens in its place.
    const w = await t.world({ key: 'tls-07' });
    const is07 = t.profile === 'exchange2007';
    const plan = t.profile === 'exchange2013' ? { name: roleName(t, w, 'red'), protocol: 'ews' as const, target: roleFqdns(t, w, 'red')[0]! }
      : is07 ? { name: sameBuildUser(t, w).user, protocol: 'eas' as const, target: sameBuildUser(t, w).cas }
      : { name: roleName(t, w, 'blue'), protocol: 'ews' as const, target: roleFqdns(t, w, 'blue')[0]! };
    const mock = w.lab.mock(plan.target);
    const pinned = w.lab.topology.servers.find((s) => s.fqdn === plan.target)?.certificate === 'lab-ca';
    if (!pinned) throw new LabError(`TLS-07: ${plan.target} is not a lab-CA CAS in ${w.lab.topology.name}`);
    // Another server's lab-CA certificate: a good issuer, the wrong name.
    const other = w.lab.topology.servers.find((s) => s.certificate === 'lab-ca' && s.fqdn !== plan.target && s.fqdn !== w.frontDoorMock);
    if (!other) throw new LabError(`TLS-07: no other lab-CA server in ${w.lab.topology.name} to borrow a certificate from`);
    const certs: [string, { certPem: string; keyPem: string }][] = [
      [`a lab-CA certificate for another name (${other.fqdn})`, w.lab.pki.server(other.fqdn)],
      ['a certificate for its name from another issuer', await foreignIssuerCertificate(plan.target, mock.opts.host)],
    ];
    t.expect(`${plan.target} (pinned to the lab CA by the topology) presents ${certs.map(([l]) => l).join(', then ')}: the front door refuses the certificate (no request reaches it) and ${plan.name}'s ${plan.protocol} fails`);
    // Precondition: with the real CAS in place, the front door proxies the plan's request (so a failure with the
    // impostor is the certificate's doing, not a front door that never hops).
    const sam = w.user(plan.name).samAccountName;
    const before = w.mark();
    const base = await exercise(w, plan.name, plan.protocol);
    t.client(base.transcript);
    t.observe(`real certificate: ${base.result}`);
    const baseHit = userRequests(w.lab.journal, before, (e) => e.server !== w.frontDoorMock && e.user === sam && e.status >= 200 && e.status < 300);
    t.require(`${plan.name}'s ${plan.protocol} succeeds through the front door and reaches a legacy CAS while the real certificate is in place`, base.ok && baseHit.length > 0, `${base.result}; ${describeLeg(baseHit)}`);
    const fault = w.lab.faults.inject({ server: plan.target, endpoint: 'https', kind: 'refuse' });
    try {
      await mock.applySocketFaults();
      for (const [label, cert] of certs) {
        const imp = await TlsImpostor.start({ host: mock.opts.host, port: mock.ports.https!, cert: cert.certPem, key: cert.keyPem });
        try {
          const r = await exercise(w, plan.name, plan.protocol);
          t.client(r.transcript);
          // The judgement needs the candidate to have met the certificate (a hop, or a health probe).
          const met = await imp.waitFor((i) => i.handshakesDone > 0 || i.requests.length > 0, 5000);
          t.observe(`${label}: ${r.result}; impostor: ${imp.summary()}`);
          if (!met) throw new LabError(`TLS-07: the front door never completed a TLS handshake attempt with ${plan.target} (${label}) within 5 s: not judged`);
          check(!imp.accepted, `${label}: refused by the front door (no finished handshake, no request)`, imp.summary());
          check(!r.ok, `${label}: ${plan.name}'s ${plan.protocol} does not succeed`, r.result);
        } finally {
          await imp.close();
        }
      }
    } finally {
      w.lab.faults.clear(fault.id);
      await mock.applySocketFaults();
    }
  });
});
