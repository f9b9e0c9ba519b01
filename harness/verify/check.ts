/**
 * Checks for the suites: each either returns what it found or throws a CheckFailure carrying
 * `{ expected, actual }` (h2spec's verifier shape), which the report shows beside the seed quote.
 * Waiting is always on journal events with a bound, never a sleep.
 */
import type { Journal } from '../journal/journal.ts';
import type { HttpEvent, HopEvent, JournalEvent, MailEvent } from '../journal/events.ts';
import { JournalTimeoutError } from '../errors.ts';

export class CheckFailure extends Error {
  readonly code = 'CHECK_FAILED';
  constructor(readonly expected: string, readonly actual: string) {
    super(`expected ${expected}\n  observed ${actual}`);
    this.name = 'AssertionError';
  }
}

/** Fail unless `ok`. */
export function check(ok: boolean, expected: string, actual: string): void {
  if (!ok) throw new CheckFailure(expected, actual);
}

const PROBE = 'HttpProxy.ClientAccessServer2010Ping';
/** User-Agents of health checks, never user traffic: Exchange 2013's probe, plus what a candidate declares (HAProxy's httpchk…). */
const probeAgents = new Set([PROBE]);

/** A candidate's own health-check User-Agents (CandidateHandle.healthCheckUserAgents): not counted as user requests. */
export function ignoreCandidateProbes(agents: readonly string[]): void {
  for (const a of agents) probeAgents.add(a);
}

const isProbe = (e: HttpEvent) => e.userAgent !== null && probeAgents.has(e.userAgent);

/** One line per HTTP event, for `actual`. */
export function describeHttp(events: JournalEvent[]): string {
  const http = events.filter((e): e is HttpEvent => e.kind === 'http' && !isProbe(e));
  if (!http.length) return 'no request reached any mock CAS';
  return http.map((e) => `${e.server} ${e.method} ${e.path}${e.query ? `?${e.query}` : ''} Host=${e.host} SNI=${e.sni ?? '-'} ${e.scheme} user=${e.user ?? '-'} -> ${e.status} (${e.decision})`).join('\n');
}

/** HTTP events after `since` that are not health probes. */
export function userRequests(journal: Journal, since: number, filter: (e: HttpEvent) => boolean = () => true): HttpEvent[] {
  return journal.since(since).filter((e): e is HttpEvent => e.kind === 'http' && !isProbe(e) && filter(e));
}

/** Wait for a non-probe HTTP event matching `pred` (bounded). */
export async function waitForRequest(journal: Journal, since: number, pred: (e: HttpEvent) => boolean, expected: string, timeoutMs = 5000): Promise<HttpEvent> {
  try {
    return (await journal.waitFor((e) => e.kind === 'http' && !isProbe(e as HttpEvent) && pred(e as HttpEvent), { timeoutMs, sinceSeq: since, what: expected })) as HttpEvent;
  } catch (err) {
    if (err instanceof JournalTimeoutError) throw new CheckFailure(expected, describeHttp(journal.since(since)));
    throw err;
  }
}

/** Wait for a mail session event matching `pred` (bounded). */
export async function waitForMail(journal: Journal, since: number, pred: (e: MailEvent) => boolean, expected: string, timeoutMs = 5000): Promise<MailEvent> {
  try {
    return (await journal.waitFor((e) => e.kind === 'mail' && pred(e as MailEvent), { timeoutMs, sinceSeq: since, what: expected })) as MailEvent;
  } catch (err) {
    if (err instanceof JournalTimeoutError) {
      const seen = journal.since(since).filter((e): e is MailEvent => e.kind === 'mail');
      throw new CheckFailure(expected, seen.length ? seen.map((m) => `${m.server} ${m.protocol} ${m.method} port ${m.localPort} user=${m.user ?? '-'} login=${m.login} (${m.closeReason})`).join('\n') : 'no mail session reached any mock CAS');
    }
    throw err;
  }
}

/** CAS-CAS hops the mocks made after `since`. */
export function hops(journal: Journal, since: number): HopEvent[] {
  return journal.since(since).filter((e): e is HopEvent => e.kind === 'hop');
}

/** The host part of a Host header. */
export function hostName(host: string): string {
  return host.replace(/:\d+$/, '').toLowerCase();
}
