/**
 * The HAProxy configuration for one lab: the templates beside this file filled from the contract and
 * the hop targets (frontdoors/shared siteTargets: the CAS2010 of the front door's site first, the
 * others as `backup`). Pure: text in, text out; the launcher (harness/frontdoor/adapters/haproxy.ts)
 * writes it with the combined PEM, checks it with `haproxy -c` and starts HAProxy.
 * @example
 * const text = buildHaproxyConfig({ listenAddress: '127.0.1.10', ports, pemFile, caFile, checkIntervalMs: 1000,
 *   targets: siteTargets(dir, hostsMap(hostsFile)) });
 */
import { fileURLToPath } from 'node:url';
import { fillTemplateFile } from '../shared/template.ts';
import { PUBLISHED_VDIRS, type HopTarget } from '../shared/targets.ts';
import { PROBE_TIMEOUT_MS } from '../../harness/topology/contract.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

export interface HaproxyConfigInput {
  listenAddress: string;
  ports: { https: number; imap: number; imaps: number; pop3: number; pop3s: number };
  /** Certificate + key of the front door in one PEM (HAProxy's `crt`). */
  pemFile: string;
  /** Trust anchor for the CAS certificates (the lab CA). */
  caFile: string;
  checkIntervalMs: number;
  /** `timeout check`: the contract's probe timeout (default 5 s, Exchange 2013's). */
  checkTimeoutMs?: number;
  /** Primary first, then backups. */
  targets: HopTarget[];
  /** Publish IMAPS/POP3S (TLS terminated here, re-encrypted to the primary CAS's SSL port). */
  mail: boolean;
}

interface Check {
  method: string;
  uri: string;
  status: number;
  note: string;
}

// Checks that work on 2007 AND 2010 (PROTOCOL-FACTS: unauthenticated legacy vdirs answer 401, /owa 302).
// The copied-everywhere `GET /owa/HealthCheck.htm` (and every /<vdir>/healthcheck.htm) exists only on
// Exchange 2013+: on 2007/2010 it is a 404 and would take every legacy CAS out of service.
const CHECKS: Record<string, Check> = {
  owa: { method: 'GET', uri: '/owa/', status: 302, note: 'GET /owa/ answers 302 to the logon page (not /owa/HealthCheck.htm: 2013+ only, 404 here)' },
  eas: { method: 'GET', uri: '/Microsoft-Server-ActiveSync', status: 401, note: 'unauthenticated EAS answers 401' },
  ews: { method: 'GET', uri: '/EWS/Exchange.asmx', status: 401, note: 'unauthenticated EWS answers 401' },
  autodiscover: { method: 'GET', uri: '/Autodiscover/Autodiscover.xml', status: 401, note: 'unauthenticated Autodiscover answers 401' },
  oab: { method: 'GET', uri: '/OAB/', status: 401, note: 'unauthenticated OAB answers 401' },
  rpc: { method: 'RPC_IN_DATA', uri: '/rpc/rpcproxy.dll', status: 401, note: 'RPC_IN_DATA without credentials answers 401 (GET answers 404)' },
  ecp: { method: 'GET', uri: '/ecp/', status: 401, note: 'unauthenticated ECP answers 401 (2010 only)' },
};

const COMMENTS: Record<string, string> = {
  owa: 'Outlook Web App: forms-based sign-in on the CAS',
  eas: 'Exchange ActiveSync: Ping holds a request up to 59 minutes -> timeout server 3650s',
  ews: 'Exchange Web Services (streaming notifications are long-lived)',
  autodiscover: 'Autodiscover (POX and mobilesync)',
  oab: 'Offline Address Book',
  rpc: 'Outlook Anywhere (RPC over HTTP): RPC_IN_DATA / RPC_OUT_DATA stream for a long time',
  ecp: 'Exchange Control Panel (2010 only)',
};

const LONG = new Set(['eas', 'ews', 'rpc']);

/** A regex alternative for a name, dots as `[.]` (no backslash escapes to worry about in haproxy.cfg). */
const literal = (name: string) => name.toLowerCase().replace(/[^a-z0-9.-]/g, '').replace(/\./g, '[.]');

function serverLine(t: HopTarget, address: string, port: number, i: number, caFile: string, check: boolean): string {
  const checks = check ? ` check check-sni ${t.fqdn}` : '';
  return `    server ${t.fqdn} ${address}:${port} ssl verify required ca-file ${caFile} sni str(${t.fqdn})${checks}${i > 0 ? ' backup' : ''}\n`;
}

function backends(i: HaproxyConfigInput): { acls: string; backends: string } {
  let acls = '';
  let out = '';
  for (const { vdir, paths } of PUBLISHED_VDIRS) {
    const chain = i.targets.filter((t) => t.vdirs.includes(vdir));
    const check = CHECKS[vdir];
    if (!chain.length || !check) continue;
    acls += `    acl is_${vdir} path_beg -i ${paths.join(' ')}\n    use_backend be_${vdir} if is_${vdir}\n`;
    out += fillTemplateFile(here('backend.tmpl'), {
      comment: COMMENTS[vdir] ?? vdir,
      vdir,
      timeout: LONG.has(vdir) ? '3650s' : '300s',
      checkNote: check.note,
      checkMethod: check.method,
      checkUri: check.uri,
      checkStatus: check.status,
      locationRegex: `^https?://(${chain.map((t) => literal(t.fqdn)).join('|')})(:[0-9]+)?(/.*)?$`,
      servers: chain.map((t, n) => serverLine(t, t.address, t.httpsPort, n, i.caFile, true)).join(''),
    });
  }
  return { acls, backends: out };
}

function mail(i: HaproxyConfigInput): string {
  if (!i.mail) return '';
  const list = [
    { name: 'imaps', port: i.ports.imaps, service: 'imap4' as const, comment: 'IMAP4 over implicit TLS (993)' },
    { name: 'pop3s', port: i.ports.pop3s, service: 'pop3' as const, comment: 'POP3 over implicit TLS (995)' },
  ];
  return list
    .map((m) => {
      // Only CAS servers that offer the SSL method; no check: 001 "there is no health-checking on the target IMAP/POP services".
      const chain = i.targets.flatMap((t) => t[m.service].filter((e) => e.method === 'ssl').slice(0, 1).map((e) => ({ t, e })));
      if (!chain.length || !m.port) return '';
      return fillTemplateFile(here('mail.tmpl'), {
        comment: `${m.comment} -> ${chain[0]!.t.fqdn}`,
        name: m.name,
        listenAddress: i.listenAddress,
        port: m.port,
        pemFile: i.pemFile,
        servers: chain.map(({ t, e }, n) => serverLine(t, e.address, e.labPort, n, i.caFile, false)).join(''),
      });
    })
    .join('');
}

/** The whole haproxy.cfg. */
export function buildHaproxyConfig(i: HaproxyConfigInput): string {
  if (!i.targets.length) throw new RangeError('buildHaproxyConfig: no hop target (the front door site has no CAS in service)');
  const b = backends(i);
  return fillTemplateFile(here('haproxy.cfg.tmpl'), {
    checkIntervalMs: Math.max(100, Math.round(i.checkIntervalMs)),
    checkTimeoutMs: Math.max(100, Math.round(i.checkTimeoutMs ?? PROBE_TIMEOUT_MS)),
    listenAddress: i.listenAddress,
    httpsPort: i.ports.https,
    pemFile: i.pemFile,
    acls: b.acls.replace(/\n$/, ''),
    backends: b.backends,
    mail: mail(i),
  });
}
