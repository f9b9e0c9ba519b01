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
import type { JournalEvent, MailEvent, MailLoginEvent } from '../../harness/journal/events.ts';
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
 * The session's mail events once it is over. A mock journals a login when it accepts it, before its OK
 * leaves (MailLoginEvent), so a good session that went through a mock has that event already; its
 * connection's own `mail` event comes when the connection ends, which a front door may delay (it may
 * pool or close lazily, or a loaded machine may be slow): that one is waited for (bounded), and when it
 * is still missing the login event stands in for it ("still open when judged"), so a slow close is
 * never read as "no mock saw the session". After a failed session, allow `graceMs` for connections the
 * front door was still closing. Never throws for a missing event: the caller judges what is there.
 */
export async function sessionEvents(w: World, since: number, sessionOk: boolean, o: { timeoutMs?: number; graceMs?: number; user?: string } = {}): Promise<MailEvent[]> {
  const grace = o.graceMs ?? 750;
  if (!sessionOk) {
    await waitQuietly(w, (e) => e.kind === 'mail', since, grace, 'a late mail event');
    return mailEventsSince(w, since);
  }
  const me = o.user?.toLowerCase();
  const login = (await waitQuietly(w, (e) => e.kind === 'mail-login' && (!me || bare(e.user) === me), since, grace, 'the mail login at a mock CAS')) as MailLoginEvent | null;
  if (!login) return mailEventsSince(w, since);
  await waitQuietly(w, (e) => e.kind === 'mail' && sameConnection(e, login), since, o.timeoutMs ?? 5000, 'the end of the logged-in mail connection');
  const events = mailEventsSince(w, since);
  if (events.some((e) => sameConnection(e, login))) return events;
  return [...events, standIn(login)].sort((a, b) => startedAt(a) - startedAt(b) || a.seq - b.seq);
}

/** `DOMAIN\\sam` or `sam`, lower case. */
const bare = (user: string | null) => (user ?? '').toLowerCase().replace(/^.*\\/, '');

/** Whether a connection's `mail` event is the one a login event was written on. */
function sameConnection(e: MailEvent, login: MailLoginEvent): boolean {
  return e.server === login.server && e.localPort === login.localPort && e.remoteAddress === login.remoteAddress && (e.remotePort === undefined || e.remotePort === login.remotePort);
}

/** The connection as its login event saw it, for a connection the front door had not closed yet. */
function standIn(l: MailLoginEvent): MailEvent {
  const { connectedAt, ...connection } = l;
  return { ...connection, kind: 'mail', login: 'ok', bytesIn: 0, bytesOut: 0, closeReason: 'still open when judged', durationMs: Date.parse(l.time) - connectedAt };
}

/** Wait for a journal event up to `timeoutMs`; null when none came. */
async function waitQuietly(w: World, pred: (e: JournalEvent) => boolean, since: number, timeoutMs: number, what: string): Promise<JournalEvent | null> {
  try {
    return await w.lab.journal.waitFor(pred, { timeoutMs, sinceSeq: since, what });
  } catch (err) {
    if (!(err instanceof JournalTimeoutError)) throw err;
    return null;
  }
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
