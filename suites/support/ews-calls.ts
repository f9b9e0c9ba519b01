/**
 * EWS calls of a topology user through the front door, each returned with what reached the legacy
 * CAS servers for it: the client's answer (status, ResponseCodes) beside the journal's EWS requests of
 * that user at any mock CAS other than the front door (the 2010/2007 profiles' in-lab candidate).
 * @example
 * const o = await ewsAs(w, 'Blue');                                   // GetFolder of Blue's inbox
 * o.result.status;  // 200
 * o.servers;        // ['cas2010a.site3.example.lab']
 * await ewsAs(w, 'User3', { op: 'FindItem', mailboxes: ['User3', 'User1'] });
 */
import { findItemsForMailboxes, getFolder, getUserAvailability, type EwsResult } from '../../harness/clients/ews-client.ts';
import { userRequests } from '../../harness/verify/check.ts';
import type { HttpEvent } from '../../harness/journal/events.ts';
import type { World } from './world.ts';

/** One EWS request: GetFolder of the caller's inbox, or an operation naming several mailboxes (by user name). */
export type EwsCall = { op: 'GetFolder' } | { op: 'GetUserAvailability' | 'FindItem'; mailboxes: string[] };

export interface EwsOutcome {
  result: EwsResult;
  /** The caller's samAccountName (the journal key of this call). */
  user: string;
  /** The journal mark taken just before the call (its window). */
  since: number;
  /** The caller's non-probe EWS requests (and anonymous first legs) at mock CAS other than the front door during the call. */
  reached: HttpEvent[];
  /** Servers where the caller's authenticated EWS request arrived (NTLM's anonymous first leg left out). */
  servers: string[];
}

/** Send one EWS call as `userName` to `https://<front door>/EWS/Exchange.asmx` and see where it went. */
export async function ewsAs(w: World, userName: string, call: EwsCall = { op: 'GetFolder' }): Promise<EwsOutcome> {
  const u = w.user(userName);
  const url = w.url('/EWS/Exchange.asmx');
  const since = w.mark();
  // The caller's own connections, from its own loopback address (issue 10 item 6); timeouts follow --slow.
  const agent = w.agent({ source: `user:${u.samAccountName}` });
  const opts = { timeoutMs: Math.round(10_000 * w.run.slow) };
  try {
    const addresses = call.op === 'GetFolder' ? [] : call.mailboxes.map((m) => w.user(m).email);
    const result =
      call.op === 'GetFolder'
        ? await getFolder(agent, url, u.samAccountName, u.password, opts)
        : call.op === 'FindItem'
          ? await findItemsForMailboxes(agent, url, u.samAccountName, u.password, addresses, opts)
          : await getUserAvailability(agent, url, u.samAccountName, u.password, addresses, opts);
    // Keyed by the caller (its own sign-in) and by the call's window: NTLM's anonymous first leg carries no user.
    const reached = userRequests(w.lab.journal, since, (e) => e.vdir === 'ews' && e.server !== w.frontDoorMock && (e.user === u.samAccountName || e.user === null));
    const servers = [...new Set(reached.filter((e) => e.user === u.samAccountName).map((e) => e.server))];
    return { result, user: u.samAccountName, since, reached, servers };
  } finally {
    await agent.close().catch(() => undefined);
  }
}

/** One line for the report: status, ResponseCodes and where the request went. */
export function describeEws(label: string, o: EwsOutcome): string {
  const codes = o.result.responseCodes.length ? o.result.responseCodes.join(',') : o.result.fault ? `fault "${o.result.fault}"` : '-';
  return `${label}: status ${o.result.status}, ResponseCode ${codes}, reached ${o.servers.join(', ') || 'no legacy CAS'}${o.reached.length ? ` (${o.reached.length} request(s) at ${[...new Set(o.reached.map((e) => e.server))].join(', ')})` : ''}`;
}
