/**
 * Outlook Anywhere as a topology user opens it through the front door: both RPC channels to
 * `/rpc/rpcproxy.dll?<mailbox server>:6001`, over NTLM or Basic (harness/clients/outlook-anywhere.ts).
 * @example
 * const r = await outlookAnywhere(w, 'Blue', 'NTLM');
 * r.inData.status; // 200
 */
import { rpcConnect, type RpcConnectResult } from '../../harness/clients/outlook-anywhere.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { withAgent } from './auth-http.ts';
import type { World } from './world.ts';

export interface OaOptions {
  /** A password other than the user's (AUTH-01). */
  password?: string;
}

/** Open both channels as `name`; the result carries the transcript. */
export function outlookAnywhere(w: World, name: string, scheme: 'NTLM' | 'Basic', o: OaOptions = {}): Promise<RpcConnectResult> {
  const u = w.user(name);
  const common = {
    user: u.samAccountName,
    password: o.password ?? u.password,
    domain: w.lab.topology.organisation.netbiosDomain,
    scheme,
    mailboxServer: u.mailboxServer,
    timeoutMs: Math.round(10_000 * w.run.slow),
  } as const;
  if (scheme === 'NTLM') {
    // NTLM binds the identity to one connection: the client opens its own per channel.
    return rpcConnect(w.url('/rpc/rpcproxy.dll'), { ...common, connect: { ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()) } });
  }
  return withAgent(w, (dispatcher) => rpcConnect(w.url('/rpc/rpcproxy.dll'), { ...common, dispatcher }), `user:${u.samAccountName}`);
}

/** Both channels accepted (RPC_IN_DATA and RPC_OUT_DATA answered 200). */
export function channelsOpen(r: RpcConnectResult): boolean {
  return r.inData.status === 200 && r.outData?.status === 200;
}

/** Both channels answered as an RPC proxy answers (Content-Type application/rpc): what "served" looks like to Outlook. */
export function answeredAsRpc(r: RpcConnectResult): boolean {
  const rpc = (h: Record<string, unknown> | undefined) => /^application\/rpc\b/i.test(String(h?.['content-type'] ?? ''));
  return channelsOpen(r) && rpc(r.inData.headers) && rpc(r.outData?.headers);
}

/** `IN 200, OUT 200` for evidence. */
export function channelSummary(r: RpcConnectResult): string {
  return `IN ${r.inData.status}, OUT ${r.outData ? r.outData.status : '(not opened)'}`;
}
