/**
 * What the probe sends, as a table: per vdir an unauthenticated GET (the 401 and its offers) and the
 * health ping of an Exchange 2013 CAS (PROTOCOL-FACTS "The Exchange 2013 health probe": HEAD on each
 * vdir, GET on /owa, User-Agent HttpProxy.ClientAccessServer2010Ping, no keep-alive). Outlook
 * Anywhere's real ping is `RPC_IN_DATA`, which the probe never sends: HEAD stands in for it. Only
 * GET, HEAD and OPTIONS appear here; the one POST of the probe is Autodiscover's, unauthenticated
 * (probe.ts), and the test of probe-lab.test.ts checks all of it from the mock's journal.
 */
import type { ProbeVdir } from './schema.ts';

export const PING_USER_AGENT = 'HttpProxy.ClientAccessServer2010Ping';
/** The probe's own User-Agent: a CAS's IIS log names what asked. */
export const PROBE_USER_AGENT = 'cas-conformance-probe/1 (read-only)';

export interface VdirRow {
  vdir: ProbeVdir;
  /** Unauthenticated GET; none for OWA, whose GET /owa/ is read by owa.ts. */
  challenge: string | null;
  ping: { method: 'GET' | 'HEAD'; path: string };
}

export const VDIR_PLAN: readonly VdirRow[] = [
  { vdir: 'owa', challenge: null, ping: { method: 'GET', path: '/owa' } },
  { vdir: 'ecp', challenge: '/ecp/', ping: { method: 'HEAD', path: '/ecp' } },
  { vdir: 'powershell', challenge: '/PowerShell/', ping: { method: 'HEAD', path: '/PowerShell' } },
  { vdir: 'ews', challenge: '/EWS/Exchange.asmx', ping: { method: 'HEAD', path: '/EWS' } },
  { vdir: 'eas', challenge: '/Microsoft-Server-ActiveSync', ping: { method: 'HEAD', path: '/Microsoft-Server-ActiveSync/default.eas' } },
  { vdir: 'autodiscover', challenge: '/Autodiscover/Autodiscover.xml', ping: { method: 'HEAD', path: '/Autodiscover/Autodiscover.xml' } },
  { vdir: 'oab', challenge: '/OAB/', ping: { method: 'HEAD', path: '/OAB' } },
  { vdir: 'rpc', challenge: '/rpc/rpcproxy.dll', ping: { method: 'HEAD', path: '/rpc/rpcproxy.dll' } },
];

export const EAS_PATH = '/Microsoft-Server-ActiveSync';
export const AUTODISCOVER_PATH = '/Autodiscover/Autodiscover.xml';
export const EWS_SERVICE_PATH = '/EWS/Exchange.asmx';
/** EWS's schema file: its `version` attribute names the EWS schema version of the build. */
export const EWS_TYPES_PATH = '/EWS/types.xsd';

/**
 * The Outlook POX request (PROTOCOL-FACTS "Autodiscover"), for an address in a reserved domain
 * (RFC 2606): sent without credentials, so the server's answer is its challenge, not anyone's settings.
 */
export const AUTODISCOVER_BODY =
  '<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>probe@example.invalid</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>';
