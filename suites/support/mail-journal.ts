/**
 * Reading the mail leg of a session from the journal (MAIL area). A mock CAS writes one `mail` event
 * when a connection ends, so a session's events are read after the client is done: a good session is
 * waited for (its logged-in event), a failed one gets a short bounded wait for late closes. Events
 * are ordered by when their connection started, so "the first connection" means what it says.
 * @example
 * const since = w.mark();
 * const run = await imapThroughFrontDoor(w, 'Blue', 'plain', { actions: [] });
 * const events = await sessionEvents(w, since, run.ok);
 * const first = events[0];
 */
import type { MailEvent } from '../../harness/journal/events.ts';
import { JournalTimeoutError, LabError } from '../../harness/errors.ts';
import type { World } from './world.ts';

export type MailProtocolName = 'imap4' | 'pop3';
export type MailMethodName = 'ssl' | 'tls' | 'plain';

/** Start time of the connection an event describes (events are written at its end). */
function startedAt(e: MailEvent): number {
  return Date.parse(e.time) - e.durationMs;
}

/** Mail events after `since`, earliest connection first. */
export function mailEventsSince(w: World, since: number): MailEvent[] {
  return w.lab.journal
    .since(since)
    .filter((e): e is MailEvent => e.kind === 'mail')
    .sort((a, b) => startedAt(a) - startedAt(b) || a.seq - b.seq);
}

/**
 * The session's mail events once it is over: after a good session, wait (bounded) for the event of
 * its logged-in connection; after a failed one, allow `graceMs` for connections the front door was
 * still closing. Never throws for a missing event: the caller judges what is there.
 */
export async function sessionEvents(w: World, since: number, sessionOk: boolean, o: { timeoutMs?: number; graceMs?: number } = {}): Promise<MailEvent[]> {
  const pred = sessionOk ? (e: MailEvent) => e.login === 'ok' : () => true;
  try {
    await w.lab.journal.waitFor((e) => e.kind === 'mail' && pred(e as MailEvent), {
      timeoutMs: sessionOk ? (o.timeoutMs ?? 5000) : (o.graceMs ?? 750),
      sinceSeq: since,
      what: sessionOk ? 'the logged-in mail session at a mock CAS' : 'a late mail event',
    });
  } catch (err) {
    if (!(err instanceof JournalTimeoutError)) throw err;
  }
  return mailEventsSince(w, since);
}

/**
 * The connections of one client session, attributed by what the client controls — its login — never by
 * "the first event after the mark": connections that logged in as this user, and connections that
 * carried commands but no login of anyone (the front door trying a method before the one that worked).
 * Bare connects with no command (a candidate's TCP check) and other users' sessions are left out.
 */
export function sessionConnections(events: readonly MailEvent[], sam: string): MailEvent[] {
  const me = sam.toLowerCase();
  const userOf = (e: MailEvent) => (e.user ?? '').toLowerCase().replace(/^.*\\/, '');
  return events.filter((e) => (e.user ? userOf(e) === me : e.commands.length > 0 || e.upgraded));
}

/** One line per event, for `observe` and CheckFailure's `actual`. */
export function describeMail(events: readonly MailEvent[]): string {
  if (!events.length) return 'no mail connection reached any mock CAS';
  return events
    .map((m) => `${m.server} ${m.protocol} ${m.method} (listener ${m.listener}) port ${m.localPort} sni=${m.sni ?? '-'} user=${m.user ?? '-'} login=${m.login} commands=${m.commands.slice(0, 8).join(',')} (${m.closeReason})`)
    .join('\n');
}

/** The real port the lab bound for a server's listed endpoint (logical port as InternalConnectionSettings write it). */
export function realMailPort(w: World, server: string, protocol: MailProtocolName, logicalPort: number): number {
  const m = w.lab.mock(server).mail.find((x) => x.protocol === protocol && x.logicalPort === logicalPort);
  if (!m) throw new LabError(`${server} has no ${protocol} listener for logical port ${logicalPort}: the lab does not match the topology the rule expects`);
  return m.listener.port;
}

/**
 * Switch one mail method off on a server (connections refused) and return once the listener is closed:
 * the mock applies faults in order, so awaiting its queue is the wait. Clear with `mailBackOn`.
 */
export async function mailOff(w: World, server: string, protocol: MailProtocolName, method: MailMethodName): Promise<void> {
  w.lab.faults.inject({ server, endpoint: `${protocol}:${method}`, kind: 'mail-off' });
  await w.lab.mock(server).applyMailFaults();
}

/** Clear every fault and wait until the given servers' listeners accept again. */
export async function mailBackOn(w: World, servers: readonly string[]): Promise<void> {
  w.lab.faults.clear();
  for (const s of servers) await w.lab.mock(s).applyMailFaults();
}
