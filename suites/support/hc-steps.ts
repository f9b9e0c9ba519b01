/**
 * Steps the health rules share: find which CAS serves a user now, take a CAS's protocol down for the
 * probes only (the fault's User-Agent filter: user traffic to it keeps working, so only the front
 * door's health state can move traffic away), and watch where the user's next requests land.
 * @example
 * const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010);
 * const fault = downForProbes(w, A, 'ews');
 * const { first, repeat } = await waitForFailedPair(w, since, A, EWS_PROBE, I);
 * await landsOn(t, w, 'Blue', 'ews', [B], repeat, I / 2);
 */
import { check } from '../../harness/verify/check.ts';
import type { HttpEvent } from '../../harness/journal/events.ts';
import type { ActiveFault } from '../../harness/control/faults.ts';
import { PROBE_AGENT, at, isEndpoint, patient, soon, waitForProbe } from './hc-probes.ts';
import { describeLanding, repeatUntil, trafficAs, type Landing, type TrafficProtocol } from './hc-traffic.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';

/** 001's IIS log lines: the probed endpoint of each protocol. */
export const PROBE_OF = {
  ews: { method: 'HEAD', path: '/EWS' },
  eas: { method: 'HEAD', path: '/Microsoft-Server-ActiveSync/default.eas' },
  oab: { method: 'HEAD', path: '/OAB' },
  owa: { method: 'GET', path: '/owa' },
  ecp: { method: 'HEAD', path: '/ecp' },
  powershell: { method: 'HEAD', path: '/PowerShell' },
} as const;

/** One request of `user` on `protocol`, recorded; it must be answered 2xx by one server of `pool`. */
export async function servedBy(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, pool: readonly string[], label = `${user} ${protocol}`): Promise<string> {
  const l = await trafficAs(w, user, protocol);
  t.client(l.transcript);
  t.observe(`${label}: ${describeLanding(l)}`);
  check(l.status >= 200 && l.status < 300 && l.servers.length === 1 && pool.includes(l.servers[0]!), `${label}: 2xx from one of ${pool.join(', ')}`, `${label}: ${describeLanding(l)}`);
  return l.servers[0]!;
}

/** 503 to the probes of `server`'s vdir only (user requests still get their normal answer). */
export function downForProbes(w: World, server: string, vdir: TrafficProtocol | 'oab'): ActiveFault {
  return w.lab.faults.inject({ server, endpoint: vdir, kind: 'status', status: 503, userAgent: PROBE_AGENT });
}

/**
 * After `after` (a probe event), the user's requests must land on one of `to` with a 2xx within
 * `graceMs` (the candidate takes in the probe's answer after the journal holds it). Returns the landings.
 */
export async function landsOn(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, to: readonly string[], after: HttpEvent, graceMs: number, label: string): Promise<Landing[]> {
  const deadline = at(after) + graceMs;
  const ok = (l: Landing) => l.status >= 200 && l.status < 300 && l.servers.length > 0 && l.servers.every((s) => to.includes(s));
  const tries = await repeatUntil(() => trafficAs(w, user, protocol), ok, { deadline, paceMs: Math.max(25, graceMs / 8) });
  const last = tries.at(-1)!;
  t.client(last.transcript);
  t.observe(`${label}: ${tries.map(describeLanding).join('; ')}`);
  check(ok(last), `${label}: ${user}'s ${protocol} lands on ${to.join(' or ')} with 2xx within ${graceMs} ms of the probe at ${after.time}`, `${label}: ${tries.map(describeLanding).join('; ')}`);
  return tries;
}

/** RULES "refused" for the user's next requests after `after`: status >= 400 (not 451), at most one target reached. */
export async function refusedAfter(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, after: HttpEvent, graceMs: number, label: string): Promise<void> {
  const refused = (l: Landing) => l.status >= 400 && l.status !== 451 && l.servers.length <= 1;
  const tries = await repeatUntil(() => trafficAs(w, user, protocol), refused, { deadline: at(after) + graceMs, paceMs: Math.max(25, graceMs / 8) });
  const last = tries.at(-1)!;
  t.client(last.transcript);
  t.observe(`${label}: ${tries.map(describeLanding).join('; ')}`);
  check(refused(last), `${label}: ${user}'s ${protocol} gets an error (status >= 400, not 451) within ${graceMs} ms of the probe at ${after.time}`, `${label}: ${tries.map(describeLanding).join('; ')}`);
}

/**
 * Start from a healthy lab: clear this world's faults and wait (bounded) until every probed endpoint of
 * `servers` answered two probes well, the second one a round after the first, so the candidate has
 * taken in the first answer before the rule's own stimulus (rules share one world to keep one prober).
 */
export async function settle(w: World, servers: readonly string[], I: number): Promise<void> {
  w.lab.faults.clear();
  const since = w.mark();
  const healthy = (e: HttpEvent, server: string) => e.server === server && e.status < 500 && (Object.values(PROBE_OF) as { method: string; path: string }[]).some((ep) => isEndpoint(e, ep));
  await waitForProbe(w, since, () => true, 'any probe', soon(I));
  for (const server of servers) {
    const first = await waitForProbe(w, since, (e) => healthy(e, server), `${server} answering probes well`, patient(I));
    await waitForProbe(w, first.seq, (e) => healthy(e, server) && at(e) - at(first) >= I / 2, `${server} answering the next round well`, patient(I));
  }
}
