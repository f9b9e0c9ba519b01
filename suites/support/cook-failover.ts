/**
 * Failover inside a site (COOK-02, COOK-04): take one CAS's endpoint down with a 503 fault and repeat
 * the user's request until another CAS of the site answers it. A front door may fail over within the
 * request (a legacy CAS does) or only after its health probes mark the CAS down (001: "If this second
 * attempt fails, CAS2013 marks the target CAS as down"); between attempts this waits for the next
 * health check of the faulty endpoint (an event, bounded), never for a fixed time.
 * @example
 * const moved = await untilServedElsewhere(w, { from: 'cas2010a.site3.example.lab', servers: SITE3, vdir: 'owa', sam: 'blue' }, () => reloadOwa(w, v));
 */
import type { HttpEvent } from '../../harness/journal/events.ts';
import { userRequests } from '../../harness/verify/check.ts';
import type { World } from './world.ts';
import { isHealthCheck } from './hc-probes.ts';

export interface Elsewhere {
  /** The CAS that is taken down (or already down). */
  from: string;
  /** The CAS of the site, `from` included. */
  servers: readonly string[];
  vdir: string;
  sam: string;
  /** Attempts (requests) at most. Default 6. */
  attempts?: number;
}

export interface Moved<T> {
  /** The last client result. */
  result: T;
  /** The request another CAS of the site answered with a 2xx, if one did. */
  event?: HttpEvent;
  attempts: number;
}

/** The front door's health interval in this run (the lab's fast one unless realtime). */
export function healthIntervalMs(w: World): number {
  return w.healthIntervalMs;
}

/**
 * Repeat `send` until a CAS of `servers` other than `from` answers the user's request with a 2xx.
 * Between attempts it waits for the candidate's next health check of the faulty CAS. A candidate whose
 * check did not come within two intervals does not check that CAS (or fails over on users' requests
 * alone, as a passive health check does): its remaining attempts go back to back instead of each waiting
 * out the same two intervals again (six attempts cost a candidate that never checks 23 s; the COOK-02
 * control under no-probes took 27 s).
 */
export async function untilServedElsewhere<T>(w: World, o: Elsewhere, send: () => Promise<T>): Promise<Moved<T>> {
  const attempts = o.attempts ?? 6;
  const wait = 2 * healthIntervalMs(w) + 500;
  let probes = true;
  let result: T | undefined;
  for (let i = 1; i <= attempts; i++) {
    const since = w.mark();
    result = await send();
    const event = userRequests(w.lab.journal, since, (e) => e.vdir === o.vdir && e.user === o.sam && e.server !== o.from && o.servers.includes(e.server) && e.status >= 200 && e.status < 300)[0];
    if (event) return { result, event, attempts: i };
    if (i === attempts || !probes) continue;
    // Not yet: let the front door's next health check of the faulty endpoint happen (001's ping or any
    // other request that is not a user's: a proxy's own health check counts). Of that endpoint: a check
    // of another vdir of the CAS cannot see this fault, and a candidate checking EWS ten times an
    // interval (the defect probe-too-often) used up the attempts before its OWA check came (COOK-04
    // failed it falsely once the reference answered faster, in the thirteenth session).
    const probe = await w.lab.journal
      .waitFor((e) => e.kind === 'http' && e.server === o.from && e.vdir === o.vdir && isHealthCheck(e), { timeoutMs: wait, sinceSeq: w.mark(), what: `a health check of ${o.vdir} on ${o.from}` })
      .catch(() => undefined);
    probes = probe !== undefined;
  }
  return { result: result as T, attempts };
}

/** The CAS of `servers` that answered the user's request with a 2xx after `since` (the first one). */
export function servedBy(w: World, since: number, servers: readonly string[], vdir: string, sam: string): HttpEvent | undefined {
  return userRequests(w.lab.journal, since, (e) => servers.includes(e.server) && e.vdir === vdir && e.user === sam && e.status >= 200 && e.status < 300)[0];
}

/** Inject a 503 on one endpoint of one CAS; the returned function clears exactly that fault. */
export function down(w: World, server: string, endpoint: 'owa' | 'ews'): () => void {
  const f = w.lab.faults.inject({ server, endpoint, kind: 'status', status: 503 });
  return () => void w.lab.faults.clear(f.id);
}

/** One line per request, for `actual`. */
export function fmt(events: HttpEvent[]): string {
  return events.map((e) => `${e.server} ${e.method} ${e.path} -> ${e.status}`).join('; ') || 'none';
}
