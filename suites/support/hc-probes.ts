/**
 * The health probes of an Exchange-2013-like front door as the mock CAS servers see them (001: "these
 * requests have a user agent string of HttpProxy.ClientAccessServer2010Ping"), and bounded waits on
 * them. The interval I is the topology's fast interval, or the real one when the run is `--realtime`.
 * @example
 * const I = healthInterval(w);
 * const fail = await waitForProbe(w, since, (e) => e.server === A && isEndpoint(e, EWS_PROBE) && e.status === 503, `a 503 probe of ${A}`, patient(I));
 */
import type { HttpEvent, JournalEvent } from '../../harness/journal/events.ts';
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

/** The interval I of this run, in milliseconds. */
export function healthInterval(w: World): number {
  const fd = w.lab.topology.frontDoor;
  return w.run.realtime ? fd.healthIntervalMs : fd.fastHealthIntervalMs;
}

/** A health probe: an HTTP event carrying 001's User-Agent. */
export function isProbe(e: JournalEvent): e is HttpEvent {
  return e.kind === 'http' && e.userAgent === PROBE_AGENT;
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
  return events.map((e) => `${e.time} ${e.server} ${e.method} ${e.path} -> ${e.status}`).join('\n');
}

/** Wait (bounded) for a probe event after `since` matching `pred`; a timeout is the candidate's failure. */
export async function waitForProbe(w: World, since: number, pred: (e: HttpEvent) => boolean, expected: string, timeoutMs: number): Promise<HttpEvent> {
  try {
    return (await w.lab.journal.waitFor((e) => isProbe(e) && pred(e), { timeoutMs, sinceSeq: since, what: expected })) as HttpEvent;
  } catch (err) {
    if (!(err instanceof JournalTimeoutError)) throw err;
    const seen = w.lab.journal.since(since).filter(isProbe);
    throw new CheckFailure(`${expected} (within ${timeoutMs} ms)`, `not seen; ${seen.length} probe(s) meanwhile${seen.length ? `, the last: ${describeProbes(seen.slice(-6))}` : ''}`);
  }
}

/**
 * Wait for a probe answered 502/503/504 at `server`'s endpoint, then for its repeat; both returned.
 * The repeat is the next probe of that endpoint (001: "CAS2013 immediately retries").
 */
export async function waitForFailedPair(w: World, since: number, server: string, ep: ProbeEndpoint, I: number): Promise<{ first: HttpEvent; repeat: HttpEvent }> {
  const first = await waitForProbe(w, since, (e) => e.server === server && isEndpoint(e, ep) && e.status >= 502 && e.status <= 504, `a probe ${ep.method} ${ep.path} of ${server} answered 503`, patient(I));
  const repeat = await waitForProbe(w, first.seq, (e) => e.server === server && isEndpoint(e, ep), `the repeat of the failed probe ${ep.method} ${ep.path} of ${server}`, patient(I));
  return { first, repeat };
}
