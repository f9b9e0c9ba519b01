/**
 * Steps the health rules share: find which CAS serves a user now, fail a CAS's health checks of one
 * vdir (only requests that are not a user's: user traffic to it keeps working, so only the front door's
 * health state can move traffic away — whatever the candidate's checks look like), and watch where the
 * user's next requests land. Every deadline is widened by the harness's own measured lag; a lag that
 * makes the deadline meaningless is an `error` (HarnessOverloadedError), never the candidate's fail.
 * @example
 * const A = await servedBy(t, w, 'Blue', 'ews', SITE3_2010);
 * failChecks(w, A, 'ews', 503);
 * const { first, repeat } = await waitForFailedPair(w, since, A, 'ews', I);
 * await landsOn(t, w, 'Blue', 'ews', [B], repeat, I / 2);
 */
import { check } from '../../harness/verify/check.ts';
import { HarnessOverloadedError } from '../../harness/verify/lag.ts';
import type { HttpEvent } from '../../harness/journal/events.ts';
import type { ActiveFault } from '../../harness/control/faults.ts';
import { at, isHealthCheck, patient, soon, waitForProbe } from './hc-probes.ts';
import { byDeadline, describeLanding, repeatUntil, trafficAs, type Landing, type TrafficProtocol } from './hc-traffic.ts';
import { isTimeout } from './answer-watch.ts';
import { HttpClientError } from '../../harness/clients/transcript.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';

/** 001's IIS log lines: the probed endpoint of each protocol (Exchange 2013's fingerprint, HC-01). */
export const PROBE_OF = {
  ews: { method: 'HEAD', path: '/EWS' },
  eas: { method: 'HEAD', path: '/Microsoft-Server-ActiveSync/default.eas' },
  oab: { method: 'HEAD', path: '/OAB' },
  owa: { method: 'GET', path: '/owa' },
  ecp: { method: 'HEAD', path: '/ecp' },
  powershell: { method: 'HEAD', path: '/PowerShell' },
} as const;

/**
 * How a health check fails: 001 names "a 502, 503, or 504 response"; PROTOCOL-FACTS (2013 CU23 ping
 * manager) adds "DNS, connect, send or timeout failures" — reset and timeout here (per vdir, checks only),
 * refused and TLS failure are server-wide socket faults (`failServer`).
 */
export type CheckFault = 502 | 503 | 504 | 'reset' | 'timeout';

/** How long a `timeout` fault holds a check: a candidate must give up before (PROTOCOL-FACTS and CAS_HEALTH_TIMEOUT_MS: 5 s). */
export const TIMEOUT_FAULT_MS = 7000;

/** Fail the health checks of `server`'s `vdir` with `how` (user requests still get their normal answer). */
export function failChecks(w: World, server: string, vdir: TrafficProtocol | 'oab', how: CheckFault = 503): ActiveFault {
  if (how === 'reset') return w.lab.faults.inject({ server, endpoint: vdir, kind: 'reset', only: 'probes' });
  if (how === 'timeout') return w.lab.faults.inject({ server, endpoint: vdir, kind: 'delay', delayMs: TIMEOUT_FAULT_MS, only: 'probes' });
  return w.lab.faults.inject({ server, endpoint: vdir, kind: 'status', status: how, only: 'probes' });
}

/**
 * One request of `user` on `protocol`, recorded; it must be answered 2xx by one server of `pool` (a
 * precondition). When it is not, it is sent once more after the next check of the pool answered well:
 * with the lab starved, the candidate's own checks of a healthy CAS can time out and it takes the CAS out
 * for a round, correctly; a loaded soak failed the reference on this precondition (HC-02, Red's EWS).
 * A candidate that never serves the user still fails it.
 */
export async function servedBy(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, pool: readonly string[], label = `${user} ${protocol}`): Promise<string> {
  const good = (x: Landing) => x.status >= 200 && x.status < 300 && x.servers.length >= 1 && pool.includes(x.servers[0]!);
  let l = await trafficAs(w, user, protocol);
  if (!good(l)) {
    t.observe(`${label}: ${describeLanding(l)}; sent again after the next check of ${pool.join(', ')} answered well`);
    const I = w.healthIntervalMs;
    await waitForProbe(w, w.mark(), (e) => pool.includes(e.server) && e.status < 500, `a check of ${pool.join(', ')} answered well`, patient(I), 'any').catch(() => undefined);
    l = await trafficAs(w, user, protocol);
  }
  t.client(l.transcript);
  t.observe(`${label}: ${describeLanding(l)}`);
  t.require(`${label}: ${user}'s ${protocol} served (2xx) by one of ${pool.join(', ')} through the front door`, good(l), describeLanding(l));
  return l.servers[0]!;
}

/**
 * Precondition of every behaviour rule: the candidate health-checks each of `servers` (any check, any
 * User-Agent) and was answered well at least once in this world — no checks at all is a fail, since
 * nothing can fail over. A candidate that has checked no CAS at all within `soon(I)` (1.5 intervals and a
 * second, widened by the harness lag; the bound HC-01's precondition uses) does not health-check: that is
 * said at once instead of after `patient(I)` for the first server (under a do-nothing candidate the health
 * rules waited 8 s each, four at a time, and the health file took 17 s). A candidate that checks gets
 * `patient(I)` for each server, as before.
 */
export async function checked(t: RuleContext, w: World, servers: readonly string[], I: number): Promise<void> {
  const firstBound = soon(I) + t.lag();
  const any = await w.lab.journal.waitFor(isHealthCheck, { sinceSeq: 0, timeoutMs: firstBound, what: 'any health check' }).catch(() => undefined);
  if (any === undefined) await answersClients(t, w);
  t.require(`the candidate health-checks ${servers[0]}`, any !== undefined, `no health check of any CAS within ${firstBound} ms (the candidate checked nothing in this world)`);
  for (const server of servers) {
    let e: HttpEvent | undefined;
    try {
      e = await waitForProbe(w, 0, (x) => x.server === server && x.status < 500, `a health check of ${server} answered well`, patient(I), 'any');
    } catch {
      e = undefined;
    }
    const seen = w.lab.journal.since(0).filter(isHealthCheck).length;
    t.require(`the candidate health-checks ${server}`, e !== undefined, `no health check of ${server} within ${patient(I)} ms (${seen} health checks of any CAS in this world)`);
  }
}

/**
 * Before a "no health check at all" fail: does the front door answer a client at all? A candidate that
 * accepts connections and never answers hangs, which is an `error` (FRONTDOOR.md: never a fail): the
 * request's timeout is thrown, and rule.ts says "the candidate did not answer (hung)". One that answers
 * (any status) or closes the connection runs and did not check: the fail stands. Only a candidate that
 * sent no check pays for this request (a hung one, one client timeout).
 */
export async function answersClients(t: RuleContext, w: World): Promise<void> {
  const u = new URL(w.url('/owa/'));
  const bound = Math.round(10_000 * t.slow);
  try {
    const res = await w.agent().request({ origin: u.origin, path: u.pathname, method: 'GET', headersTimeout: bound, bodyTimeout: bound, signal: AbortSignal.timeout(bound) });
    await res.body.dump();
  } catch (err) {
    if (isTimeout(err)) throw new HttpClientError('HTTP_CLIENT_TIMEOUT', `GET ${u.href} failed: no answer within ${bound} ms (and no health check of any CAS)`, [], { cause: err });
  }
}

/** The deadline after `after` widened by the harness lag; past `budgetMs` of lag the timing cannot be judged. */
function widened(t: RuleContext, graceMs: number): number {
  return graceMs + t.lag();
}

function overloadedUnless(t: RuleContext, ok: boolean, graceMs: number, what: string): void {
  if (!ok && t.lag() > graceMs) throw new HarnessOverloadedError(t.lag(), what);
}

/**
 * Repeat the user's request after `after` (a check event) until `ok`, and judge it against the deadline
 * `graceMs` (+ the harness lag) after the check: the candidate takes in the check's answer after the
 * journal holds it. Met, missed (an attempt sent at the deadline still not `ok`: the candidate's fail),
 * or unobserved (the harness's attempts went out late: an error, never a verdict).
 */
async function untilDeadline(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, ok: (l: Landing) => boolean, after: HttpEvent, graceMs: number, label: string, what: string): Promise<{ tries: Landing[]; met: boolean; grace: number }> {
  const paceMs = Math.max(25, graceMs / 8);
  const deadline = () => at(after) + widened(t, graceMs);
  const tries = await repeatUntil(() => trafficAs(w, user, protocol), ok, { deadline, paceMs });
  const v = byDeadline(tries, ok, deadline(), paceMs, at(after) + graceMs);
  t.client((v.seen === 'met' ? v.at : v.last).transcript);
  t.observe(`${label}: ${tries.map((l) => `${new Date(l.sentAt).toISOString()} ${describeLanding(l)}`).join('; ')}`);
  if (v.seen === 'unobserved') throw new HarnessOverloadedError(t.lag(), `${what} (${v.why})`);
  overloadedUnless(t, v.seen === 'met', graceMs, what);
  return { tries, met: v.seen === 'met', grace: widened(t, graceMs) };
}

/**
 * After `after` (a check event), the user's requests must land on one of `to` with a 2xx within
 * `graceMs` (+ the harness lag).
 */
export async function landsOn(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, to: readonly string[], after: HttpEvent, graceMs: number, label: string): Promise<Landing[]> {
  const ok = (l: Landing) => l.status >= 200 && l.status < 300 && l.servers.length > 0 && l.servers.every((s) => to.includes(s));
  const { tries, met, grace } = await untilDeadline(t, w, user, protocol, ok, after, graceMs, label, `${label}: ${user}'s ${protocol} within ${graceMs} ms`);
  check(met, `${label}: ${user}'s ${protocol} lands on ${to.join(' or ')} with 2xx within ${Math.round(grace)} ms of the check at ${after.time} (${graceMs} ms + harness lag)`, `${label}: ${tries.map(describeLanding).join('; ')}`);
  return tries;
}

/** RULES "refused" for the user's next requests after `after`: status >= 400 (not 451), at most one target reached. */
export async function refusedAfter(t: RuleContext, w: World, user: string, protocol: TrafficProtocol, after: HttpEvent, graceMs: number, label: string): Promise<void> {
  const refused = (l: Landing) => l.status >= 400 && l.status !== 451 && l.servers.length <= 1;
  const { tries, met, grace } = await untilDeadline(t, w, user, protocol, refused, after, graceMs, label, `${label}: ${user}'s ${protocol} refused within ${graceMs} ms`);
  check(met, `${label}: ${user}'s ${protocol} gets an error (status >= 400, not 451) within ${Math.round(grace)} ms of the check at ${after.time}`, `${label}: ${tries.map(describeLanding).join('; ')}`);
}
