/**
 * The health probes of an Exchange-2013-like front door as the mock CAS servers see them (001: "these
 * requests have a user agent string of HttpProxy.ClientAccessServer2010Ping"), and bounded waits on
 * them. The interval I is the topology's fast interval, or the real one when the run is `--realtime`.
 * @example
 * const I = healthInterval(w);
 * const fail = await waitForProbe(w, since, (e) => e.server === A && isEndpoint(e, EWS_PROBE) && e.status === 503, `a 503 probe of ${A}`, patient(I));
 */
import type { HttpEvent, JournalEvent } from '../../harness/journal/events.ts';
import { IE11 } from '../../harness/clients/owa-browser.ts';
import { CheckFailure } from '../../harness/verify/check.ts';
import { JournalTimeoutError } from '../../harness/errors.ts';
import type { World } from './world.ts';

/** 001: "HttpProxy.ClientAccessServer2010Ping (yes, even Exchange 2007 servers are targeted with that user string)". */
export const PROBE_AGENT = 'HttpProxy.ClientAccessServer2010Ping';

/** One probed endpoint: the method and path of 001's IIS log lines. */
export interface ProbeEndpoint {
  method: string;
  path: string;
}

/** The interval I the candidate of this world checks at, in milliseconds. */
export function healthInterval(w: World): number {
  return w.healthIntervalMs;
}

/** Exchange 2013's health probe: an HTTP event carrying 001's User-Agent (HC-01's fingerprint). */
export function isProbe(e: JournalEvent): e is HttpEvent {
  return e.kind === 'http' && e.userAgent === PROBE_AGENT;
}

/**
 * A health check of any candidate, whatever it looks like: Exchange's ping, or a request that is not a
 * user's — GET/HEAD/OPTIONS with no Authorization header and no cookie (user traffic always carries
 * credentials or a session; a pooled NTLM connection shows as "(connection)" and still counts as no
 * header). The behaviour rules (HC-02..08) judge failover with these, never the User-Agent (issue 12).
 */
export function isHealthCheck(e: JournalEvent): e is HttpEvent {
  if (e.kind !== 'http') return false;
  if (e.userAgent === PROBE_AGENT) return true;
  // The lab's own clients (an OWA browser's first anonymous GET relayed by a proxy) are users, not checks.
  if (e.userAgent !== null && (e.userAgent === IE11 || /cas-conformance|^MSRPC$/.test(e.userAgent))) return false;
  const noHeader = e.authScheme === null || /\(connection\)/i.test(e.authScheme);
  return ['GET', 'HEAD', 'OPTIONS'].includes(e.method) && noHeader && e.cookies.length === 0;
}

/** Same endpoint: method exact, path compared as IIS does (case-insensitive, a trailing slash ignored). */
export function isEndpoint(e: HttpEvent, ep: ProbeEndpoint): boolean {
  const norm = (p: string) => p.toLowerCase().replace(/\/+$/, '');
  return e.method === ep.method && norm(e.path) === norm(ep.path);
}

/** Bound for "some probe arrives": one round and some (fails fast when a candidate never probes). */
export const soon = (I: number): number => 1.5 * I + 1000;
/** Bound for one given endpoint's next probe: a loaded host delays handshakes, and a candidate may skip an endpoint whose probe is still out. Never the judged quantity. */
export const patient = (I: number): number => 3 * I + 2000;

/** Milliseconds since the epoch of a journal event. */
export function at(e: JournalEvent): number {
  return Date.parse(e.time);
}

/** One line per probe, for evidence. */
export function describeProbes(events: HttpEvent[]): string {
  if (!events.length) return 'no probe reached any mock CAS';
  return events.map((e) => `${e.time} ${e.server} ${e.method} ${e.path}${e.userAgent === PROBE_AGENT ? '' : ` (User-Agent ${e.userAgent ?? '-'})`} -> ${e.status}`).join('\n');
}

/**
 * Wait (bounded) for a probe event after `since` matching `pred`; a timeout is the candidate's failure.
 * `kind`: `exchange` counts only 001's User-Agent (HC-01), `any` every health check (behaviour rules).
 */
export async function waitForProbe(w: World, since: number, pred: (e: HttpEvent) => boolean, expected: string, timeoutMs: number, kind: 'exchange' | 'any' = 'exchange'): Promise<HttpEvent> {
  const is = kind === 'any' ? isHealthCheck : isProbe;
  try {
    return (await w.lab.journal.waitFor((e) => is(e) && pred(e), { timeoutMs, sinceSeq: since, what: expected })) as HttpEvent;
  } catch (err) {
    if (!(err instanceof JournalTimeoutError)) throw err;
    const seen = w.lab.journal.since(since).filter(is);
    throw new CheckFailure(`${expected} (within ${timeoutMs} ms)`, `not seen; ${seen.length} ${kind === 'any' ? 'health check' : 'probe'}(s) meanwhile${seen.length ? `, the last: ${describeProbes(seen.slice(-6))}` : ''}`);
  }
}

/** A check held by a `timeout` fault that the candidate gave up on (closed the connection) before the answer. */
export const gaveUpCheck = (e: HttpEvent): boolean => e.decision === 'fault-delay-gave-up';

/** A failed health check: 502/503/504, the socket reset by the fault before an answer, or given up on (timed out). */
export const failedCheck = (e: HttpEvent): boolean => (e.status >= 502 && e.status <= 504) || e.decision === 'fault-reset' || gaveUpCheck(e);

/**
 * Wait for a health check of `server`'s `vdir` that failed, then for its repeat (the next check of the same
 * method and path); both returned. 001: "CAS2013 immediately retries".
 */
export async function waitForFailedPair(w: World, since: number, server: string, vdir: string, I: number): Promise<{ first: HttpEvent; repeat: HttpEvent }> {
  const first = await waitForProbe(w, since, (e) => e.server === server && e.vdir === vdir && failedCheck(e), `a health check of ${server} /${vdir} that failed (the lab's fault)`, patient(I), 'any');
  const same = (e: HttpEvent) => e.server === server && e.method === first.method && e.path.toLowerCase() === first.path.toLowerCase();
  const repeat = await waitForProbe(w, first.seq, same, `the repeat of the failed check ${first.method} ${first.path} of ${server}`, patient(I), 'any');
  return { first, repeat };
}
