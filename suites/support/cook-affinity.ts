/**
 * COOK-04's two halves, OWA and EWS (003: "a user who is proxied to CAS-01 the first time will always be
 * proxied to CAS-01 ... If CAS-01 is unavailable, the user will be proxied to CAS-02"): the user's requests
 * stay on the first CAS that served them, stopping at the first stray one, then that CAS is taken down
 * (503) and the next requests must be served by another CAS of the site. Faults are cleared in a finally.
 * @example
 * await affinityOwa(t, w, 'Blue', 'blue', ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
 */
import { check, userRequests } from '../../harness/verify/check.ts';
import { getFolder } from '../../harness/clients/ews-client.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';
import { describeVisit, reloadOwa, signInOwa } from './owa-flow.ts';
import { down, fmt, servedBy, untilServedElsewhere } from './cook-failover.ts';

/** Requests after the first that must reach the same CAS (COOK-04); with two CAS a random pick passes 1 in 2^7. */
const STICKY_REQUESTS = 7;

/** COOK-04, OWA: sticky over reloads and a second sign-in; failover when the first CAS is down. */
export async function affinityOwa(t: RuleContext, w: World, name: string, sam: string, site: string[]): Promise<void> {
  const since = w.mark();
  let v = await signInOwa(w, name);
  t.client(v.nav.transcript);
  const first = servedBy(w, since, site, 'owa', sam)?.server;
  t.observe(`OWA: ${describeVisit(v)}; first served by ${first ?? 'no CAS of the site'}`);
  check(!!first, `${name}'s OWA served by a CAS of ${site.join(', ')}`, 'none served it');
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
}

/** COOK-04, EWS: the same for GetFolder requests. */
export async function affinityEws(t: RuleContext, w: World, name: string, sam: string, site: string[]): Promise<void> {
  const u = w.user(name);
  const agent = w.agent();
  const url = w.url('/EWS/Exchange.asmx');
  const call = () => getFolder(agent, url, u.samAccountName, u.password);
  try {
    await stickyEws(t, w, name, sam, site, call);
  } finally {
    await agent.close().catch(() => {});
  }
}

async function stickyEws(t: RuleContext, w: World, name: string, sam: string, site: string[], call: () => ReturnType<typeof getFolder>): Promise<void> {
  const since = w.mark();
  const answered = () => userRequests(w.lab.journal, since, (e) => site.includes(e.server) && e.vdir === 'ews' && e.user === sam && e.status >= 200 && e.status < 300);
  let last = await call();
  for (let i = 0; i < STICKY_REQUESTS && answered().every((e) => e.server === answered()[0]?.server); i++) last = await call();
  t.client(last.transcript);
  const all = answered();
  const first = all[0]?.server;
  t.observe(`EWS: last status ${last.status}; ${all.length} answered requests at ${[...new Set(all.map((e) => e.server))].join(', ') || 'no CAS of the site'}`);
  check(!!first, `${name}'s EWS served by a CAS of ${site.join(', ')}`, `none served it (status ${last.status})`);
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
}
