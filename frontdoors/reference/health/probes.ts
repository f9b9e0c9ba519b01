/**
 * Which probes a legacy CAS gets (001's IIS log lines; PROTOCOL-FACTS, decompiled 2013 CU23
 * DownLevelServerPingManager): HEAD /EWS, HEAD /Microsoft-Server-ActiveSync/default.eas, HEAD /OAB,
 * GET /owa, and on CAS2010 HEAD /ecp and HEAD /PowerShell; Outlook Anywhere `RPC_IN_DATA
 * /rpc/rpcproxy.dll` where it is enabled. "yes, even Exchange 2007 servers are targeted".
 */
import type { DirServer } from '../../../harness/topology/directory-contract.ts';
import type { HealthProtocol } from '../routing/http-routes.ts';

export const PROBE_USER_AGENT = 'HttpProxy.ClientAccessServer2010Ping';

export interface ProbeSpec {
  protocol: HealthProtocol;
  method: string;
  path: string;
}

export function probesFor(s: DirServer): ProbeSpec[] {
  const out: ProbeSpec[] = [
    { protocol: 'ews', method: 'HEAD', path: '/EWS' },
    { protocol: 'eas', method: 'HEAD', path: '/Microsoft-Server-ActiveSync/default.eas' },
    { protocol: 'oab', method: 'HEAD', path: '/OAB' },
    { protocol: 'owa', method: 'GET', path: '/owa' },
  ];
  if (s.product === 2010 && s.vdirs.ecp) out.push({ protocol: 'ecp', method: 'HEAD', path: '/ecp' });
  if (s.product === 2010 && s.vdirs.powershell) out.push({ protocol: 'powershell', method: 'HEAD', path: '/PowerShell' });
  if (s.vdirs.rpc?.enabled) out.push({ protocol: 'rpc', method: 'RPC_IN_DATA', path: '/rpc/rpcproxy.dll' });
  return out;
}
