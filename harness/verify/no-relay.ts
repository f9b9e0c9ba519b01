/**
 * "Proxied to X" means the front door itself reached X (issue 10 item 2; RULES.md "Words with one
 * meaning"): X must not have got the request from another legacy CAS relaying it. A front door that
 * hands every request to one CAS of its own site, which then proxies on as Exchange 2010 does (001,
 * first half), is not proxying to the mailbox's site itself, although X ends up serving the user.
 *
 * A relay shows in the journal as an HTTP event of a legacy mock whose decision is `proxied` (the mock
 * proxied the request on; mocks/cas/legacy/proxy.ts) and as that mock's `hop` event. The query is keyed
 * by what the rule controls -- the user (samAccountName) the request was made for, and optionally the
 * vdir and the servers judged -- not by time alone. The mock that plays the front door (exchange2010 /
 * exchange2007 profiles) is the candidate: its own proxying is never a relay.
 * @example
 * const since = w.mark();
 * await signInOwa(w, 'Blue');
 * checkNoLegacyRelay(w, since, { user: 'blue', vdir: 'owa' });
 * // CheckFailure "the front door itself reaches the target CAS (no legacy CAS relays blue's owa request)"
 * //   observed "cas2010.site1.contoso.lab relayed blue's GET /owa/ to cas2010a.site3.contoso.lab"
 */
import type { Journal } from '../journal/journal.ts';
import type { HttpEvent } from '../journal/events.ts';
import { check } from './check.ts';

/** What the helper needs of a suite world (suites/support/world.ts World has both). */
export interface RelayWorld {
  readonly lab: { readonly journal: Journal };
  /** FQDN of the mock playing the front door (exchange2010/2007), else null: its proxying is the candidate's own. */
  readonly frontDoorMock: string | null;
}

export interface RelayScope {
  /** samAccountName whose requests are judged (the rule's own user): required, so the query is keyed by it. */
  user: string;
  /** Only requests of this vdir (owa, eas, ews, oab, rpc, autodiscover). */
  vdir?: string;
  /** Only relays towards these servers (the X of "proxied to X"); default: any. */
  targets?: readonly string[];
}

/** One relay: a legacy CAS that received the user's request and proxied it on. */
export interface Relay {
  /** The legacy CAS that relayed. */
  server: string;
  /** Where it proxied the request (its decision's target), if it said. */
  target: string | null;
  user: string;
  vdir: string;
  method: string;
  path: string;
  seq: number;
}

/**
 * Requests of `scope.user` after `since` that a legacy CAS (not the front-door mock) received and proxied
 * on to another CAS, newest last.
 */
export function legacyRelays(w: RelayWorld, since: number, scope: RelayScope): Relay[] {
  const user = scope.user.toLowerCase();
  return w.lab.journal.since(since)
    .filter((e): e is HttpEvent => e.kind === 'http' && e.decision === 'proxied' && e.server !== w.frontDoorMock && (e.user ?? '').toLowerCase() === user)
    .filter((e) => !scope.vdir || e.vdir === scope.vdir)
    .filter((e) => !scope.targets || (e.target !== undefined && scope.targets.some((t) => targetIs(e.target!, t))))
    .map((e) => ({ server: e.server, target: e.target ?? null, user: e.user!, vdir: e.vdir, method: e.method, path: e.path, seq: e.seq }));
}

/** A decision target is an FQDN (mocks' proxy) or a URL naming it. */
function targetIs(target: string, fqdn: string): boolean {
  if (target.toLowerCase() === fqdn.toLowerCase()) return true;
  try {
    return new URL(target).hostname.toLowerCase() === fqdn.toLowerCase();
  } catch {
    return false;
  }
}

/** One line per relay, for `actual`. */
export function describeRelays(list: readonly Relay[]): string {
  return list.map((r) => `${r.server} relayed ${r.user}'s ${r.method} ${r.path} (${r.vdir}) to ${r.target ?? 'another CAS'}`).join('\n') || 'no relay';
}

/**
 * Fail unless no legacy CAS relayed a request of `scope.user` after `since`: the target got it from the
 * front door itself. Call it after the rule's precondition that the target received the request.
 */
export function checkNoLegacyRelay(w: RelayWorld, since: number, scope: RelayScope): void {
  const relays = legacyRelays(w, since, scope);
  const what = `${scope.user}'s ${scope.vdir ? `${scope.vdir} ` : ''}request`;
  check(relays.length === 0, `the front door itself reaches the target CAS (no legacy CAS relays ${what})`, describeRelays(relays));
}
