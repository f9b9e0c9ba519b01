/**
 * The front-door-to-CAS leg as the TLS rules read it from the journal. In exchange2013 the candidate
 * is outside the lab: its hops are the HTTP events on the mock CAS servers (less those a mock's own
 * CAS-CAS hop explains). In exchange2010/2007 the candidate is the front-door mock: its hops are the
 * `hop` events it recorded, and the HTTP events they caused on their targets.
 * @example
 * const events = candidateHttp(w, since, { probes: true });
 * events.every((e) => e.scheme === 'https');
 */
import type { HopEvent, HttpEvent } from '../../harness/journal/events.ts';
import { hops } from '../../harness/verify/check.ts';
import type { World } from './world.ts';

export const PROBE_AGENT = 'HttpProxy.ClientAccessServer2010Ping';

/** `<server> <path>` of every CAS-CAS hop a legacy mock (not the front door) made after `since`. */
function mockHopTargets(w: World, since: number): Set<string> {
  const out = new Set<string>();
  for (const h of hops(w.lab.journal, since)) {
    if (h.server === w.frontDoorMock) continue;
    try {
      out.add(`${h.targetServer} ${new URL(h.url).pathname.toLowerCase()}`);
    } catch {
      // a hop with an unusable URL explains nothing
    }
  }
  return out;
}

/**
 * HTTP events on mock CAS servers behind the front door after `since` that the candidate caused:
 * not on the front-door mock, not explained by a legacy mock's own hop; health probes only if asked.
 */
export function candidateHttp(w: World, since: number, o: { probes: boolean }): HttpEvent[] {
  const explained = mockHopTargets(w, since);
  return w.lab.journal.since(since).filter((e): e is HttpEvent => {
    if (e.kind !== 'http' || e.server === w.frontDoorMock) return false;
    if (!o.probes && e.userAgent === PROBE_AGENT) return false;
    return !explained.has(`${e.server} ${e.path.toLowerCase()}`);
  });
}

/** Hops the front-door mock made after `since` (exchange2010/2007). */
export function frontDoorHops(w: World, since: number): HopEvent[] {
  return hops(w.lab.journal, since).filter((h) => h.server === w.frontDoorMock);
}

/** One line per hop, for evidence. */
export function describeHops(list: readonly HopEvent[]): string {
  if (!list.length) return 'no hop';
  return list.map((h) => `${h.server} -> ${h.url} (${h.protocol}) ${h.status ?? h.error ?? ''}`).join('\n');
}

/** One line per HTTP event with the fields the TLS rules judge. */
export function describeLeg(list: readonly HttpEvent[]): string {
  if (!list.length) return 'no request reached a mock CAS behind the front door';
  return list.map((e) => `${e.server} ${e.method} ${e.path} ${e.scheme} Host=${e.host} SNI=${e.sni ?? '-'} user=${e.user ?? '-'} -> ${e.status}${e.userAgent === PROBE_AGENT ? ' (probe)' : ''}`).join('\n');
}

/** The mock CAS that hold Exchange 2007 in the default topologies (named by version: cas2007.*, cas-2007-*). */
export function isCas2007(fqdn: string): boolean {
  return /^cas-?2007/.test(fqdn);
}
