/**
 * User traffic for the health rules: one OWA sign-in, one EAS OPTIONS or one EWS GetFolder of a
 * topology user through the front door, each answered with where it landed (the mock CAS servers that
 * received the user's authenticated request), and a bounded, paced repetition for states the candidate
 * keeps to itself (whether it marked a CAS down is only visible in where the next request goes).
 * @example
 * const first = await trafficAs(w, 'Blue', 'ews');        // { status: 200, servers: ['cas2010a.site3.example.lab'] }
 * const moved = await repeatUntil(() => trafficAs(w, 'Blue', 'ews'), (s) => s.servers.includes(B), { deadline: Date.now() + I, paceMs: I / 8 });
 */
import { EasDevice } from '../../harness/clients/eas-device.ts';
import { OwaBrowser } from '../../harness/clients/owa-browser.ts';
import type { TranscriptEntry } from '../../harness/clients/transcript.ts';
import { userRequests } from '../../harness/verify/check.ts';
import { ewsAs } from './ews-calls.ts';
import type { World } from './world.ts';

/** The protocols whose traffic the health rules watch (each has a probed endpoint). */
export type TrafficProtocol = 'owa' | 'eas' | 'ews';

/** Where one user request landed. */
export interface Landing {
  protocol: TrafficProtocol;
  /** What the client finally got (OWA: the last page of the sign-in). */
  status: number;
  /** Mock CAS servers (the front door's own mock excluded) that received this user's authenticated request. */
  servers: string[];
  /** When the client sent it (epoch ms). */
  sentAt: number;
  transcript: TranscriptEntry[];
}

/** Send one request of `protocol` as `userName` and see where it landed. `deviceId` picks the EAS device (affinity key). */
export async function trafficAs(w: World, userName: string, protocol: TrafficProtocol, deviceId?: string): Promise<Landing> {
  const u = w.user(userName);
  const sentAt = Date.now();
  if (protocol === 'ews') {
    const o = await ewsAs(w, userName);
    return { protocol, status: o.result.status, servers: o.servers, sentAt, transcript: o.result.transcript };
  }
  const since = w.mark();
  const agent = w.agent();
  try {
    let status: number;
    let transcript: TranscriptEntry[];
    if (protocol === 'owa') {
      const b = new OwaBrowser({ dispatcher: agent });
      const r = await b.login(w.url('/owa/'), `${w.lab.topology.organisation.netbiosDomain}\\${u.samAccountName}`, u.password);
      status = r.logonPage ? 401 : r.status; // a sign-in form again is no mailbox
      transcript = r.transcript;
    } else {
      const dev = new EasDevice({ dispatcher: agent, baseUrl: w.url('/Microsoft-Server-ActiveSync'), user: u.samAccountName, password: u.password, deviceId: deviceId ?? `${u.samAccountName.replace(/[^A-Za-z0-9]/g, '')}HC0001`.slice(0, 32), deviceType: 'SmartPhone', followLocation: false });
      status = (await dev.options()).status;
      transcript = dev.transcript.snapshot();
    }
    const servers = [...new Set(userRequests(w.lab.journal, since, (e) => e.vdir === protocol && e.server !== w.frontDoorMock && e.user === u.samAccountName).map((e) => e.server))];
    return { protocol, status, servers, sentAt, transcript };
  } finally {
    await agent.close().catch(() => undefined);
  }
}

/** `eas 200 -> <fqdn of the CAS that served>` */
export function describeLanding(l: Landing): string {
  return `${l.protocol} ${l.status} -> ${l.servers.join(', ') || 'no legacy CAS'}`;
}

/** Anything an attempt returns that says when it was sent (epoch ms). */
export interface Sent {
  sentAt: number;
}

/**
 * Repeat `attempt` until `done` holds for its result, or until an attempt sent at or after the deadline
 * was not done (at most `maxTries`), pacing attempts `paceMs` apart. Returns every result in order.
 * Why the last attempt is sent at the deadline, not before it: a "not by the deadline" verdict needs an
 * observation at the deadline. Stopping when the next pace would overshoot left a loaded run judging a
 * request sent 1.2 s early (its answer was slow), when the candidate had not yet had to move (HC-05).
 * Why a paced repetition and not a journal wait: the state judged (a CAS marked down or up) lives in
 * the candidate; only the next user request shows it, and the candidate may take a moment after the
 * probe answer the journal already holds.
 */
export async function repeatUntil<T extends Sent>(attempt: () => Promise<T>, done: (r: T) => boolean, o: { deadline: number | (() => number); paceMs: number; maxTries?: number }): Promise<T[]> {
  const out: T[] = [];
  // The deadline bounds the attempts; the count only guards against a deadline that keeps moving (it widens with the lag).
  const max = o.maxTries ?? 400;
  const deadline = typeof o.deadline === 'number' ? () => o.deadline as number : o.deadline;
  for (let i = 0; i < max; i++) {
    const r = await attempt();
    out.push(r);
    if (done(r) || r.sentAt >= deadline()) break;
    const wait = Math.min(o.paceMs, deadline() - Date.now());
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  return out;
}

/**
 * What paced attempts showed about a state that must hold by `deadline`:
 * - `met`: an attempt sent by the deadline (or within one pace after it: the sampling's own grain) was done;
 *   with `unwidened` (the deadline before the lag widened it), done by that one;
 * - `missed`: an attempt sent at or after the deadline was still not done: the candidate's failure;
 * - `unobserved`: the harness got its attempt out late (the first done one went more than a pace after
 *   the deadline, every earlier one before the state was due) or stopped early: nothing to judge, an error.
 */
export type ByDeadline<T> = { seen: 'met'; at: T } | { seen: 'missed'; last: T } | { seen: 'unobserved'; last: T; why: string };

export function byDeadline<T extends Sent>(tries: readonly T[], done: (r: T) => boolean, deadline: number, paceMs: number, unwidened: number = deadline): ByDeadline<T> {
  const last = tries.at(-1)!;
  const hit = tries.find(done);
  // Done only after the rule's own deadline, inside what the lag widened it by: a late candidate and a
  // loaded harness look alike there, so that is no pass (nor a fail).
  if (hit && hit.sentAt > unwidened + paceMs && hit.sentAt <= deadline + paceMs) return { seen: 'unobserved', last, why: `first seen ${Math.round(hit.sentAt - unwidened)} ms after the deadline, inside its widening for the harness's lag: a late candidate and a loaded machine look alike there` };
  if (hit && hit.sentAt <= deadline + paceMs) return { seen: 'met', at: hit };
  if (hit) return { seen: 'unobserved', last, why: `the harness sent its attempt ${Math.round(hit.sentAt - deadline)} ms after the deadline (the one before went ${Math.round(deadline - (tries[tries.indexOf(hit) - 1]?.sentAt ?? deadline))} ms before it)` };
  if (last.sentAt >= deadline) return { seen: 'missed', last };
  return { seen: 'unobserved', last, why: `the harness's last attempt went ${Math.round(deadline - last.sentAt)} ms before the deadline` };
}

/** Send `count` requests spread evenly over `windowMs` (sampling a window in which a state must hold). */
export async function sampleOver<T>(attempt: () => Promise<T>, count: number, windowMs: number): Promise<T[]> {
  const out: T[] = [];
  const start = Date.now();
  for (let i = 1; i <= Math.min(count, 20); i++) {
    const due = start + (windowMs * i) / count;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    out.push(await attempt());
  }
  return out;
}
