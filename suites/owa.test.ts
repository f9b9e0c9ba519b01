/**
 * OWA -- Outlook Web App / Access through the front door (RULES.md "OWA"). A browser signs in once and
 * follows what the front door answers; expectations are written here from the seeds, user by user
 * (the oracle rule): which namespace the browser must end on, which mock CAS must serve the mailbox.
 */
import { describe } from 'vitest';
import { rule, type RuleContext } from './support/rule.ts';
import { check, hostName, userRequests } from '../harness/verify/check.ts';
import {
  checkProxied, checkRefused, checkServedLocally, checkSilentRedirect, describeHits, describeVisit, frontDoorHost, requireProxied, requireServedAt, requireSignedIn, signInOwa, type OwaVisit,
} from './support/owa-flow.ts';
import { describeCell, frontDoorBuild, highestFolderOn, owaCell, relation, versionTargetsOf, type Cell } from './support/ver-matrix.ts';
import { findBuild } from '../mocks/builds/catalogue.ts';
import type { World } from './support/world.ts';
import { presentRoles, roleFqdns, roleHost, roleName, roleOf, roleServerSpecs, roleVdirsAll, basicOnly, situationWorld } from './support/roles.ts';

// Users, servers and namespaces by seed role (suites/support/roles.ts; a missing role is n/a). 001 Figure 1/2:
// Red's CAS2010 (built-in: cas2010.site1), Blue's site pair (cas2010a/b.site3), Purple's site namespace
// (legacy, also Grey's), Orange's (mail-region). 003: User3's site CAS (the Hub's, OWA InternalURL
// "https://computername/OWA", not the NLB name), User2's CAS and namespace (Europe's cas-02, www.europe).

/**
 * RULES "manual redirect to U": (precondition) the front door took the user's credentials; then a 2xx page on
 * the front door naming https://<host>/owa, no Location, no self-submitting form, no hop for the user.
 */
function checkManualRedirect(t: RuleContext, w: World, v: OwaVisit, since: number, host: string): void {
  requireSignedIn(t, v);
  const fd = frontDoorHost(w);
  const u = v.nav.manualRedirect?.url;
  check(!!u && v.finalHost === fd && v.nav.status >= 200 && v.nav.status < 300, `${v.user.name}: a 2xx page on ${fd} naming https://${host}/owa (no Location, no self-submitting form)`, describeVisit(v));
  const url = new URL(u!);
  check(url.protocol === 'https:' && url.hostname === host && /^\/owa\/?$/i.test(url.pathname), `the full URL https://${host}/owa`, `the page names ${u}`);
  const sam = v.user.samAccountName;
  const reached = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && (e.user === sam || e.user === null));
  check(reached.length === 0, `no hop: no mock CAS but the front door sees a request of ${sam}`, reached.map((e) => `${e.server} ${e.method} ${e.path} user=${e.user ?? '-'}`).join('; '));
}

// Whether every CAS of User3's site is newer than the front door (003: the Hub runs 2007 SP3).
function user3SiteNewer(t: RuleContext, w: World): boolean {
  const b = frontDoorBuild(w);
  return roleServerSpecs(t, w, 'user3').every((s) => relation(b, s.build) === 'newer');
}

// 07 rules that need User3's or User2's site CAS (003: Hub, Europe) proxied to: n/a when the front door is older than them (VER-01 judges that pair).
function needsSp3FrontDoor(t: RuleContext, w: World, role: 'user2' | 'user3'): void {
  if (t.profile !== 'exchange2007') return;
  const b = frontDoorBuild(w);
  const cas = roleServerSpecs(t, w, role);
  if (cas.every((s) => relation(b, s.build) === 'newer')) t.notApplicable(`the CAS of ${role === 'user3' ? 'User3' : 'User2'}'s site run ${[...new Set(cas.map((s) => s.build))].join(', ')}, newer than the front door (${b}): 003 allows no proxying to them; VER-01 judges that pair`);
}

async function visit(t: RuleContext, w: World, name: string): Promise<OwaVisit> {
  const v = await signInOwa(w, name);
  t.client(v.nav.transcript);
  t.observe(describeVisit(v));
  return v;
}

describe('OWA', () => {
  rule('OWA-01', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    if (t.profile === 'exchange2013') {
      const [red, CAS2010_SITE1] = [roleName(t, w, 'red'), roleFqdns(t, w, 'red')];
      t.expect(`Red (${red}) proxied to ${CAS2010_SITE1.join(' or ')}: Red's mailbox on ${frontDoorHost(w)}, served by ${CAS2010_SITE1.join(' or ')}`);
      const v = await visit(t, w, red);
      checkProxied(t, w, v, since, CAS2010_SITE1);
      return;
    }
    // 001 (first half): "determine that the mailbox is located within the local AD site and retrieve the necessary data";
    // 003: "User 1 can access their mailbox through Client Access server 01 without using proxying."
    const name = roleName(t, w, t.profile === 'exchange2007' ? 'user1' : 'red');
    t.expect(`${name} served locally: ${name}'s mailbox on ${frontDoorHost(w)}, no other mock CAS sees a request`);
    const v = await visit(t, w, name);
    checkServedLocally(t, w, v, since);
  });

  rule('OWA-02', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    const purple = roleOf(t, w, 'purple');
    const LEGACY = roleHost(t, w, 'purple');
    t.expect(`Purple (${purple.name}): one sign-in, then Purple's mailbox at ${LEGACY}; no legacy CAS receives a proxied OWA request for Purple`);
    const v = await visit(t, w, purple.name);
    requireServedAt(t, w, v, since, LEGACY);
    checkSilentRedirect(v, LEGACY);
    // A request the browser sends to legacy carries Host LEGACY (Purple's site namespace); anything else reaching a CAS2007 came from the front door.
    const proxied = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.vdir === 'owa' && e.user === purple.samAccountName && hostName(e.host) !== LEGACY);
    check(proxied.length === 0, 'no proxied OWA request for Purple at a legacy CAS', proxied.map((e) => `${e.server} ${e.method} ${e.path} Host=${e.host}`).join('; '));
  });

  rule('OWA-03', {}, async (t) => {
    const w = await t.world();
    needsSp3FrontDoor(t, w, 'user3');
    const since = w.mark();
    if (t.profile === 'exchange2007') {
      const [user3, HUB] = [roleName(t, w, 'user3'), roleFqdns(t, w, 'user3')];
      // 003: "If an external URL is not specified, CAS-01 will proxy the user's request to the Client Access server that is
      // specified by the InternalURL property"; the Hub OWA InternalURL is https://computername/OWA (003's NLB table).
      t.expect(`User3 (${user3}) proxied to a CAS of its site (${HUB.join(', ')}) via its OWA InternalURL: Host is that CAS's own name`);
      const v = await visit(t, w, user3);
      const e = checkProxied(t, w, v, since, HUB);
      t.observe(`served by ${e.server} with Host ${e.host}`);
      check(hostName(e.host) === e.server, `Host ${e.server} (the OWA InternalURL host)`, `Host ${e.host}`);
      return;
    }
    // 003: "Proxying is not visible to the user."; 10: the Site3 CAS's InternalURL (the server's name in the built-in topology);
    // 13: "it constructs a URL based on the server FQDN, not a load balanced namespace or the InternalURL value" (by FQDN: Host and SNI).
    const byFqdn = t.profile === 'exchange2013';
    const [blue, CAS2010_SITE3] = [roleName(t, w, 'blue'), roleFqdns(t, w, 'blue')];
    t.expect(`Blue (${blue}) proxied to a CAS2010 of its site (${CAS2010_SITE3.join(' or ')}), ${byFqdn ? 'by FQDN (Host and TLS SNI)' : 'via its OWA InternalURL'}`);
    const v = await visit(t, w, blue);
    const e = checkProxied(t, w, v, since, CAS2010_SITE3);
    t.observe(`served by ${e.server} with Host ${e.host}, SNI ${e.sni ?? '(none)'}, ${e.scheme}`);
    check(hostName(e.host) === e.server, `Host ${e.server}`, `Host ${e.host}`);
    if (byFqdn) check(e.sni === e.server, `TLS SNI ${e.server}`, `SNI ${e.sni ?? '(none)'} over ${e.scheme}`);
  });

  rule('OWA-04', {}, async (t) => {
    // 001 (first half) 4c: only "configured to do a cross-site silent redirection" (RULES: R if crossSiteSilentRedirect).
    const w = await t.world(t.profile === 'exchange2010' ? { options: { crossSiteSilentRedirect: true } } : {});
    const since = w.mark();
    const [orange, MAIL_REGION] = [roleName(t, w, 'orange'), roleHost(t, w, 'orange')];
    t.expect(`Orange (${orange}): one sign-in, then Orange's mailbox at ${MAIL_REGION}`);
    const v = await visit(t, w, orange);
    requireServedAt(t, w, v, since, MAIL_REGION);
    checkSilentRedirect(v, MAIL_REGION);
  });

  rule('OWA-05', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    // 003: "their browser will display a message that includes the correct URL for their Client Access server. ... They will
    // not be redirected automatically" -- the full ExternalURL (003: "https://www.europe.contoso.com/OWA").
    const role = t.profile === 'exchange2007' ? 'user2' : 'orange';
    const [name, host] = [roleName(t, w, role), roleHost(t, w, role)];
    t.expect(`${name}: a manual redirect page naming https://${host}/owa; no hop`);
    const v = await visit(t, w, name);
    checkManualRedirect(t, w, v, since, host);
  });

  rule('OWA-06', {}, async (t) => {
    const w = await t.world({ options: { redirectToOptimalOwaServer: false } });
    needsSp3FrontDoor(t, w, 'user2');
    const since = w.mark();
    const [user2, EUROPE_CAS] = [roleName(t, w, 'user2'), roleFqdns(t, w, 'user2')];
    t.expect(`RedirectToOptimalOWAServer $false: User2 (${user2}) proxied to ${EUROPE_CAS.join(' or ')}, the browser stays on ${frontDoorHost(w)}`);
    const v = await visit(t, w, user2);
    checkProxied(t, w, v, since, EUROPE_CAS);
  });

  rule('OWA-07', {}, async (t) => {
    const w = await t.world();
    // What CAS2007 Site1 does next ("authenticate the user and proxy the request to ... Site3") is the lab's business.
    const since = w.mark();
    // 001: Grey is redirected to the namespace of the front door's site CAS2007 (Purple's: legacy).
    const [grey, LEGACY] = [roleName(t, w, 'grey'), roleHost(t, w, 'purple')];
    t.expect(`Grey (${grey}): one sign-in, then Grey's mailbox at ${LEGACY}`);
    const v = await visit(t, w, grey);
    requireServedAt(t, w, v, since, LEGACY);
    checkSilentRedirect(v, LEGACY);
  });

  rule('OWA-08', {}, async (t) => {
    const w = await t.world();
    // The proxied pages of each profile: 13 Red and Blue (001), 10 Blue (001), 07 User3 (003) or, for a front door older
    // than the Hub, the version user behind a CAS of its own build (002: same build, same folders).
    const b = frontDoorBuild(w);
    const own = (): [string, string[]] => {
      const v = versionTargetsOf(w).find((x) => x.build === b);
      if (!v) return t.notApplicable(`your topology has no user behind a CAS of the front door's build ${b} (a version target)`);
      return [v.user, v.servers];
    };
    const cases: [string, string[]][] =
      t.profile === 'exchange2013' ? presentRoles(t, w, ['red', 'blue']).map((r): [string, string[]] => [r.name, roleFqdns(t, w, r.role)])
      : t.profile === 'exchange2010' ? [[roleName(t, w, 'blue'), roleFqdns(t, w, 'blue')]]
      : user3SiteNewer(t, w) ? [own()] : [[roleName(t, w, 'user3'), roleFqdns(t, w, 'user3')]];
    const fd = frontDoorHost(w);
    t.expect(`${cases.map(([n]) => n).join(', ')}: the proxied mailbox page references /owa/<folder>/ resources, each loads through ${fd} with 200`);
    for (const [name, servers] of cases) {
      const since = w.mark();
      const v = await visit(t, w, name);
      // Preconditions: the page is a real proxied mailbox page (served by the target, through the front door
      // itself), and it references versioned resources -- else "every resource loads" says nothing.
      checkProxied(t, w, v, since, servers);
      const res = await v.browser.loadResources();
      t.client(v.browser.transcript.snapshot().slice(v.nav.transcript.length));
      t.observe(`${name}: ${res.map((r) => `${r.url} -> ${r.status}`).join(', ') || 'no versioned resource referenced'}`);
      t.require(`${name}: the proxied mailbox page references /owa/<folder>/ resources`, res.length > 0, 'none referenced');
      const bad = res.filter((r) => r.status !== 200 || new URL(r.url).hostname !== fd);
      check(bad.length === 0, `${name}: every resource 200 through ${fd}`, bad.map((r) => `${r.url} -> ${r.status}`).join(', '));
    }
  });

  rule('OWA-09', {}, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    const targets = versionTargetsOf(w).filter((x) => t.profile !== 'exchange2007' || findBuild(x.build)?.product === 2007);
    if (!targets.length) t.notApplicable('your topology has no user behind a legacy CAS outside the front door\'s and Internet-facing sites (a version target)');
    // 003: "Proxying is supported ... when the destination Client Access server is running the same version of Exchange
    // Server or an earlier version"; 002: an older target only "if the Internet-facing CAS ... [has] the highest control
    // directory that is present on the destination CAS", copied by hand (the front door's extra resource folders).
    t.expect(`front door ${b}: a target of the same build works; an older one is refused until the front door holds its highest folder, then works; a newer one is refused`);
    const cells: { cell: Cell; folder: boolean }[] = [];
    for (const target of targets) cells.push({ cell: await owaCell(w, target), folder: false });
    // Precondition: the front door proxies OWA at all -- a target of its own build works and served the user
    // (else every "refused" below would say nothing about the version rule).
    const same = cells.filter(({ cell }) => relation(b, cell.target) === 'same');
    t.require(`OWA proxied to a target of the front door's own build (${b}): it works and the target served the user`, same.length > 0 && same.every(({ cell }) => cell.kind === 'works' && cell.grounded), same.map(({ cell }) => describeCell(b, cell)).join('; ') || `no target of build ${b} in the matrix`);
    const older = targets.filter((x) => relation(b, x.build) === 'older');
    const folders: string[] = [];
    for (const x of older) {
      const f = await highestFolderOn(w, x.servers[0]!);
      if (f) folders.push(f);
    }
    t.observe(`highest folders on the older targets: ${folders.join(', ') || 'none'}`);
    if (folders.length) {
      const wf = await t.world({ options: { extraResourceFolders: folders } });
      for (const target of older) cells.push({ cell: await owaCell(wf, target), folder: true });
    }
    const wrong: string[] = [];
    for (const { cell, folder } of cells) {
      t.observe(`${describeCell(b, cell)}${folder ? ' [front door holds the folder]' : ''}`);
      t.client(cell.transcript.slice(-12));
      // A redirect is no proxying: the version rule does not speak about it (10: 2007 mailboxes go to legacy).
      if (cell.kind === 'silent-redirect' || cell.kind === 'manual-redirect') continue;
      const rel = relation(b, cell.target);
      const want = rel === 'same' || (rel === 'older' && folder) ? 'works' : 'refused';
      if (cell.kind !== want || !cell.grounded) wrong.push(`${cell.target}${folder ? ' (folder held)' : ''}: expected ${want}, got ${cell.kind}${cell.grounded ? '' : ' (journal disagrees)'}`);
    }
    check(wrong.length === 0, 'every pair as the version rule says', wrong.join('; '));
  });

  rule('OWA-10', {}, async (t) => {
    // 003's Basic-only case is a situation (harness/topology/situations.ts): a built-in variant sets it up; another
    // organisation is judged when its own User3 site CAS already have Basic-only OWA vdirs (else n/a).
    const w = await situationWorld(t, 'basic-only-target-vdirs', (x) => roleVdirsAll(t, x, 'user3', 'owa', basicOnly));
    const since = w.mark();
    const user3 = roleOf(t, w, 'user3');
    t.expect(`User3's site OWA vdirs with Basic only: User3 (${user3.name}) refused -- status >= 400 (not 451), at most one request reaching a CAS of its site, no http:// hop`);
    const v = await visit(t, w, user3.name);
    t.observe(describeHits(w, since, user3.samAccountName));
    // The refusal must be of the proxying, not of the sign-in: the front door took User3's credentials.
    requireSignedIn(t, v);
    check(v.mailbox === null, 'no mailbox page for User3', describeVisit(v));
    checkRefused(w, v.nav.status, since, user3.name, user3.samAccountName);
  });
});
