/**
 * What RULES.md "proxied to X" needs from the journal besides harness/verify/no-relay.ts, for the EAS,
 * EWS, AUTOD, OA and VER areas: X received the case's own request, found by something the rule
 * controls (its device's DeviceId, its own user's sign-in), with a bounded wait, as a value the rule
 * turns into a precondition (t.require) rather than a failure of its own.
 * @example
 * const e = await arrived(w, since, (x) => x.server === SITE2 && hasDevice(x, dev.deviceId));
 * t.require(`Orange's device reached ${SITE2}`, e !== undefined, describeHttp(w.lab.journal.since(since)));
 */
import type { HttpEvent } from '../../harness/journal/events.ts';
import { CheckFailure, waitForRequest } from '../../harness/verify/check.ts';
import type { World } from './world.ts';

/**
 * The first non-probe request after `since` matching `pred`; undefined when none came: the caller
 * turns that into a precondition. Called once the client has its answer. A mock journals a request,
 * in this process, before its answer leaves, so whatever produced that answer is in the journal
 * already; the bounded wait only covers a hop still under way when the client gave up. It was 2 s
 * (3 s in the SEC rules) and only a candidate that never hops waited it out: under a do-nothing
 * candidate the EAS, SEC, AUTOD and AUTH files spent about 19 s of one worker's time there.
 */
export async function arrived(w: World, since: number, pred: (e: HttpEvent) => boolean, timeoutMs = 500): Promise<HttpEvent | undefined> {
  try {
    return await waitForRequest(w.lab.journal, since, pred, 'the case\'s request at its target', Math.round(timeoutMs * w.run.slow));
  } catch (err) {
    if (err instanceof CheckFailure) return undefined;
    throw err;
  }
}

/** The DeviceId of an EAS request (query `DeviceId=`), or null. */
export function deviceIdOf(e: Pick<HttpEvent, 'query'>): string | null {
  try {
    return new URLSearchParams(e.query.replace(/^\?/, '')).get('DeviceId');
  } catch {
    return null;
  }
}

/** Whether the request is the device's own (its DeviceId). */
export function hasDevice(e: Pick<HttpEvent, 'query'>, deviceId: string): boolean {
  return deviceIdOf(e) === deviceId;
}
