/**
 * COOK-04's cases, OWA and EWS (003: "a user who is proxied to CAS-01 the first time will always be
 * proxied to CAS-01 ... If CAS-01 is unavailable, the user will be proxied to CAS-02"): the user's requests
 * stay on the first CAS that served them, stopping at the first stray one, then that CAS is taken down
 * (503) and the next requests must be served by another CAS of the site. The pair case: two users of one
 * site, each on a CAS of its own, each keep theirs. Faults are cleared in a finally.
 *
 * Each case establishes its own state (its own sign-ins and clients) and keys its journal queries by its
 * users; every CAS of the site must get the requests from the front door itself (no legacy CAS relays).
 * @example
 * await affinityOwa(t, w, 'Blue', ['cas2010a.site3.example.lab', 'cas2010b.site3.example.lab']);
 */
import { check, userRequests } from '../../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../../harness/verify/no-relay.ts';
import { getFolder } from '../../harness/clients/ews-client.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';
import { describeVisit, reloadOwa, signInOwa, type OwaVisit } from './owa-flow.ts';
import { down, fmt, healthIntervalMs, servedBy, untilServedElsewhere } from './cook-failover.ts';
import { failedCheck, isHealthCheck } from './hc-probes.ts';

/** Requests after the first that must reach the same CAS (COOK-04); with two CAS a random pick passes 1 in 2^7. */
const STICKY_REQUESTS = 7;
/** Requests of each user in the pair case once both have their own CAS (with two CAS: 1 in 2^6 by chance). */
const PAIR_REQUESTS = 3;

/** COOK-04, OWA: sticky over reloads and a second sign-in; failover when the first CAS is down. */
export async function affinityOwa(t: RuleContext, w: World, name: string, site: string[]): Promise<void> {
  const sam = w.user(name).samAccountName;
  const since = w.mark();
  let v = await signInOwa(w, name);
  t.client(v.nav.transcript);
  const first = servedBy(w, since, site, 'owa', sam)?.server;
  t.observe(`OWA: ${describeVisit(v)}; first served by ${first ?? 'no CAS of the site'}`);
  t.require(`${name}'s OWA served (2xx) by a CAS of ${site.join(', ')} through the front door`, !!first, describeVisit(v));
  checkNoLegacyRelay(w, since, { user: sam, vdir: 'owa' });
  // More requests, and a new browser session of the same user: 003's "the first time ... always" (stops at the first stray one).
  const answered = () => userRequests(w.lab.journal, since, (e) => site.includes(e.server) && e.vdir === 'owa' && e.user === sam && e.status >= 200 && e.status < 300);
  for (let i = 0; i < STICKY_REQUESTS && answered().every((e) => e.server === first); i++) v = i === STICKY_REQUESTS - 1 ? await signInOwa(w, name) : await reloadOwa(w, v);
  const all = answered();
  const elsewhere = all.filter((e) => e.server !== first);
  t.observe(`OWA: ${all.length} answered requests (the last one a new session), at ${[...new Set(all.map((e) => e.server))].join(', ')}`);
  check(elsewhere.length === 0, `every OWA request of ${name} at ${first} while it is up`, fmt(elsewhere));
  const clear = down(w, first!, 'owa');
  try {
    const m = await untilServedElsewhere(w, { from: first!, servers: site, vdir: 'owa', sam }, () => reloadOwa(w, v));
    t.observe(`OWA, ${first} down: ${m.event ? `served by ${m.event.server}` : 'no other CAS served'} after ${m.attempts} request(s); ${describeVisit(m.result)}`);
    check(!!m.event && m.result.mailbox?.user === sam, `${name}'s mailbox from another CAS of the site while ${first} is down`, describeVisit(m.result));
  } finally {
    clear();
  }
  checkNoLegacyRelay(w, since, { user: sam, vdir: 'owa' });
}

/** COOK-04, EWS: the same for GetFolder requests. */
export async function affinityEws(t: RuleContext, w: World, name: string, site: string[]): Promise<void> {
  const u = w.user(name);
  const agent = w.agent({ source: name });
  const url = w.url('/EWS/Exchange.asmx');
  const call = () => getFolder(agent, url, u.samAccountName, u.password);
  try {
    await stickyEws(t, w, name, u.samAccountName, site, call);
  } finally {
    await agent.close().catch(() => {});
  }
}

async function stickyEws(t: RuleContext, w: World, name: string, sam: string, site: string[], call: () => ReturnType<typeof getFolder>): Promise<void> {
  const since = w.mark();
  const answered = () => userRequests(w.lab.journal, since, (e) => site.includes(e.server) && e.vdir === 'ews' && e.user === sam && e.status >= 200 && e.status < 300);
  let last = await call();
  const first = answered()[0]?.server;
  t.require(`${name}'s EWS served (2xx) by a CAS of ${site.join(', ')} through the front door`, !!first, `status ${last.status}; ${fmt(userRequests(w.lab.journal, since, (e) => e.user === sam))}`);
  checkNoLegacyRelay(w, since, { user: sam, vdir: 'ews' });
  for (let i = 0; i < STICKY_REQUESTS && answered().every((e) => e.server === first); i++) last = await call();
  t.client(last.transcript);
  const all = answered();
  t.observe(`EWS: last status ${last.status}; ${all.length} answered requests at ${[...new Set(all.map((e) => e.server))].join(', ')}`);
  const elsewhere = all.filter((e) => e.server !== first);
  check(elsewhere.length === 0, `every EWS request of ${name} at ${first} while it is up`, fmt(elsewhere));
  const clear = down(w, first!, 'ews');
  try {
    const m = await untilServedElsewhere(w, { from: first!, servers: site, vdir: 'ews', sam }, call);
    t.observe(`EWS, ${first} down: ${m.event ? `served by ${m.event.server}` : 'no other CAS served'} after ${m.attempts} request(s); status ${m.result.status}`);
    check(!!m.event && m.result.status === 200, `${name}'s EWS answered (200) by another CAS of the site while ${first} is down`, `status ${m.result.status}`);
  } finally {
    clear();
  }
  checkNoLegacyRelay(w, since, { user: sam, vdir: 'ews' });
}

/**
 * COOK-04, two users of one site must each keep their own CAS (issue 10 item 6). Both connect from one
 * address (an office behind NAT: 003's affinity is per user, not per address). `a` is served first by
 * some CAS X; with X down, `b` signs in and is served by another CAS Y; X comes back (its fault cleared
 * and, for a probing front door, two checks of its OWA answered well); then both users go on: every request of
 * `a` at X, every request of `b` at Y. A front door whose affinity is not per user (one key for everyone,
 * or the client's address) moves `a` to Y with `b`.
 */
export async function affinityPair(t: RuleContext, w: World, [a, b]: [string, string], site: string[]): Promise<void> {
  const samA = w.user(a).samAccountName;
  const samB = w.user(b).samAccountName;
  const since = w.mark();
  // One client address for both users (a fresh agent, hence a fresh connection, for each browser).
  const nat = `${t.meta.id}-shared-address`;
  let va = await signInOwa(w, a, { dispatcher: w.agent({ source: nat }) });
  t.client(va.nav.transcript);
  const x = servedBy(w, since, site, 'owa', samA)?.server;
  t.observe(`pair: ${describeVisit(va)}; first served by ${x ?? 'no CAS of the site'}`);
  t.require(`${a}'s OWA served (2xx) by a CAS of ${site.join(', ')} through the front door`, !!x, describeVisit(va));
  let vb: OwaVisit;
  let y: string | undefined;
  const clear = down(w, x!, 'owa');
  let cleared = false;
  try {
    // b's first sign-in while X is down: each attempt is a fresh browser (a failed sign-in leaves no session to reload).
    const m = await untilServedElsewhere(w, { from: x!, servers: site, vdir: 'owa', sam: samB }, () => signInOwa(w, b, { dispatcher: w.agent({ source: nat }) }));
    vb = m.result;
    y = m.event?.server;
    t.client(vb.nav.transcript);
    t.observe(`pair: ${x} down: ${b} ${y ? `first served by ${y}` : 'served by no other CAS'} after ${m.attempts} sign-in(s); ${describeVisit(vb)}`);
    t.require(`${b}'s OWA served (2xx) by another CAS of the site while ${x} is down (so the two users have CAS of their own)`, !!y && vb.mailbox?.user === samB, describeVisit(vb));
    const back = w.mark();
    clear();
    cleared = true;
    await untilProbedHealthy(w, x!, back);
  } finally {
    if (!cleared) clear();
  }
  const after = w.mark();
  for (let i = 0; i < PAIR_REQUESTS; i++) {
    va = await reloadOwa(w, va);
    vb = await reloadOwa(w, vb);
  }
  const at = (sam: string) => userRequests(w.lab.journal, after, (e) => site.includes(e.server) && e.vdir === 'owa' && e.user === sam && e.status >= 200 && e.status < 300);
  const [ra, rb] = [at(samA), at(samB)];
  t.observe(`pair, ${x} up again: ${a} at ${ra.map((e) => e.server).join(', ') || 'no CAS of the site'}; ${b} at ${rb.map((e) => e.server).join(', ') || 'no CAS of the site'}`);
  check(ra.length > 0 && ra.every((e) => e.server === x) && va.mailbox?.user === samA, `every OWA request of ${a} back at ${x}, its first CAS, while it is up`, `${fmt(ra)}; ${describeVisit(va)}`);
  check(rb.length > 0 && rb.every((e) => e.server === y) && vb.mailbox?.user === samB, `every OWA request of ${b} at ${y}, its first CAS, while it is up`, `${fmt(rb)}; ${describeVisit(vb)}`);
  checkNoLegacyRelay(w, since, { user: samA, vdir: 'owa' });
  checkNoLegacyRelay(w, since, { user: samB, vdir: 'owa' });
}

/**
 * After the OWA fault on `server` is cleared: wait (bounded by three health intervals and a margin) for
 * two health checks of its OWA answered well, so a probing front door has seen it up again (HC-05 allows
 * it two intervals; the first check's answer is surely processed once the second is journaled). Any
 * candidate's checks count (isHealthCheck), and "well" is what 001 counts as healthy: not 502/503/504.
 * (It used to wait for two probes answered 2xx: a mock answers the OWA probe 302 and the others 401, so
 * it always waited out its whole bound, 7 s of every COOK-04 run.) A front door that does not probe gets
 * the same time to notice.
 */
async function untilProbedHealthy(w: World, server: string, since: number): Promise<void> {
  const deadline = Date.now() + 3 * healthIntervalMs(w) + 1000;
  let from = since;
  for (let n = 0; n < 2; n++) {
    const e = await w.lab.journal
      .waitFor((x) => isHealthCheck(x) && x.server === server && x.vdir === 'owa' && !failedCheck(x), { timeoutMs: Math.max(1, deadline - Date.now()), sinceSeq: from, what: `a health check of ${server} /owa answered well` })
      .catch(() => undefined);
    if (!e) return;
    from = e.seq;
  }
}
