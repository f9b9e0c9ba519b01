/**
 * Judging the identity rules (AUTH-02..05) from both ends: the journal (which user each mock served a
 * request as, on which of its connections; NTLM binds the identity to the connection, so a connection
 * authenticated as one user that serves another client's request is the leak) and the client (whose
 * `X-Lab-Served-User` / body token came back). A request is served as its own user or refused; an
 * anonymous one is never served as anybody.
 * @example
 * const seen = collect(w, since, answers);
 * const bad = seen.flatMap((s) => violations(w, since, s, labels));
 * check(!bad.length, 'every request served as its own user or refused', bad.map((v) => v.text).join('\n'));
 */
import type { HttpEvent } from '../../harness/journal/events.ts';
import type { IdentityAnswer } from './identity-client.ts';
import type { World } from './world.ts';

/** One client request and the journal events it caused (its own, and the mocks' hops carrying its marker). */
export interface Seen {
  answer: IdentityAnswer;
  events: HttpEvent[];
}

export interface Violation {
  /** Who asked: a samAccountName, or `anonymous`. */
  asker: string;
  /** The user the request was served as. */
  servedAs: string;
  text: string;
}

const isHandshake = (e: HttpEvent) => /^(ntlm|negotiate)$/i.test(e.authScheme ?? '');

/** HTTP events of the mocks after `since`, by marker. */
export function collect(w: World, since: number, answers: IdentityAnswer[]): Seen[] {
  const byMarker = new Map<string, HttpEvent[]>();
  for (const e of w.lab.journal.since(since)) {
    if (e.kind !== 'http' || !e.userAgent) continue;
    const list = byMarker.get(e.userAgent);
    if (list) list.push(e);
    else byMarker.set(e.userAgent, [e]);
  }
  return answers.map((answer) => ({ answer, events: byMarker.get(answer.marker) ?? [] }));
}

/** The event showing a mock served the asker as the asker (any mock, any hop), or undefined. */
export function servedAsAsker(s: Seen): HttpEvent | undefined {
  const me = s.answer.asker;
  return me ? s.events.find((e) => e.user?.toLowerCase() === me && e.status < 400) : undefined;
}

/** `cas2010.site1.example.lab#7`. */
export function connectionName(e: HttpEvent): string {
  return `${e.server}#${e.connection ?? '?'}`;
}

/** One line for an event: where, which connection, as whom, how. */
export function describeEvent(e: HttpEvent): string {
  return `${connectionName(e)} ${e.method} ${e.path} user=${e.user ?? '-'} auth=${e.authScheme ?? '-'} -> ${e.status} (${e.decision}) [seq ${e.seq}]`;
}

/**
 * How the connection that served `e` got its identity: the last NTLM/Negotiate-authenticated request of
 * `e.user` on the same connection of the same mock before it, with whose request that was.
 */
export function connectionHistory(w: World, e: HttpEvent, labels: Map<string, string>): string {
  const earlier = w.lab.journal
    .all()
    .filter((x): x is HttpEvent => x.kind === 'http' && x.server === e.server && x.connection === e.connection && x.seq < e.seq && x.user === e.user && isHandshake(x) && x.status < 400);
  const first = earlier[earlier.length - 1];
  if (!first) return `connection ${connectionName(e)}`;
  const who = first.userAgent ? (labels.get(first.userAgent) ?? `a request with User-Agent "${first.userAgent}"`) : 'a request without User-Agent';
  return `connection ${connectionName(e)}, authenticated as ${e.user} by ${first.authScheme} at seq ${first.seq} (${who})`;
}

/** Everything that shows `s` served as someone other than who asked. */
export function violations(w: World, s: Seen, labels: Map<string, string>): Violation[] {
  const a = s.answer;
  const asker = a.asker ?? 'anonymous';
  const other = (u: string | null | undefined) => !!u && u.toLowerCase() !== a.asker;
  const out: Violation[] = [];
  // Journal: the request (or a mock's hop carrying it) served as another user. The connection's own
  // identity ("NTLM (connection)") is the pooled-connection leak; list it first.
  const wrong = s.events.filter((e) => other(e.user)).sort((x, y) => Number(y.authScheme === 'NTLM (connection)') - Number(x.authScheme === 'NTLM (connection)'));
  for (const e of wrong.slice(0, 1)) {
    out.push({ asker, servedAs: e.user!, text: `${a.label} (asked by ${asker}) was served as ${e.user}: ${describeEvent(e)}; ${connectionHistory(w, e, labels)}` });
  }
  // Client: the answer names another user.
  if (other(a.servedHeader)) out.push({ asker, servedAs: a.servedHeader!, text: `${a.label} (asked by ${asker}) got X-Lab-Served-User: ${a.servedHeader} (status ${a.status})` });
  for (const u of a.bodyUsers.filter(other)) out.push({ asker, servedAs: u, text: `${a.label} (asked by ${asker}) got ${u}'s data in the body (status ${a.status})` });
  return out;
}

/** Marker -> label, for connection histories. */
export function labelsOf(answers: IdentityAnswer[]): Map<string, string> {
  return new Map(answers.map((a) => [a.marker, a.label]));
}

/** One line per answer for `observe`. */
export function describeAnswer(s: Seen): string {
  const a = s.answer;
  const served = [...new Set(s.events.filter((e) => e.user).map((e) => `${e.user}@${connectionName(e)}`))].join(', ') || 'nobody';
  return `${a.label} [${a.auth}]: ${a.error ? `no answer (${a.error})` : a.status}${a.servedHeader ? ` X-Lab-Served-User=${a.servedHeader}` : ''}${a.bodyUsers.length ? ` body=${a.bodyUsers.join(',')}` : ''}; journal: served as ${served}`;
}
