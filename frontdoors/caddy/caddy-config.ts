/**
 * The Caddyfile an admin writes for `mail` in front of the front-door site's legacy CAS: one
 * reverse_proxy per published vdir, the site's CAS2010 first and the other CAS behind it
 * (`lb_policy first`), TLS to the CAS checked against the lab CA, active health checks per vdir with
 * the Exchange 2013 probe's User-Agent. Pure: harness/frontdoor/adapters/caddy.ts runs Caddy.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTemplateFile, PUBLISHED_VDIRS, configId, type HopTarget, type HttpProxyConfigInput } from '../shared/index.ts';
import { PROBE_TIMEOUT_MS } from '../../harness/topology/contract.ts';

export const CADDY_TEMPLATE = join(fileURLToPath(new URL('.', import.meta.url)), 'Caddyfile.tmpl');

/** Caddy needs nothing beyond the common reverse-proxy input. */
export type CaddyConfigInput = HttpProxyConfigInput;

/**
 * Health probe per vdir. Caddy 2.6 probes with GET only and accepts one status class: the class a
 * healthy, unauthenticated legacy vdir answers (PROTOCOL-FACTS: /owa 302 to the logon page, which the
 * checker follows to a 200; the other vdirs 401; /rpc/rpcproxy.dll answers GET with 404 on the mocks,
 * still "up" for Exchange 2013).
 */
export const CADDY_HEALTH: Record<string, { uri: string; status: string }> = {
  // Caddy 2.6's active checker follows redirects: /owa/ 302 -> /owa/auth/logon.aspx 200.
  owa: { uri: '/owa/', status: '2xx' },
  eas: { uri: '/Microsoft-Server-ActiveSync/default.eas', status: '4xx' },
  ews: { uri: '/EWS/Exchange.asmx', status: '4xx' },
  autodiscover: { uri: '/Autodiscover/Autodiscover.xml', status: '4xx' },
  oab: { uri: '/OAB/', status: '4xx' },
  rpc: { uri: '/rpc/rpcproxy.dll', status: '4xx' },
  ecp: { uri: '/ecp/', status: '4xx' },
};

function regexFor(paths: readonly string[]): string {
  const alt = paths.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  return `(?i)^(${alt})(/|$)`; // IIS matches paths case-insensitively; Caddy's path matcher is exact
}

function vdirRoute(vdir: string, paths: readonly string[], members: HopTarget[], i: CaddyConfigInput): string {
  const id = configId(vdir);
  const hc = CADDY_HEALTH[vdir] ?? { uri: `${paths[0]}/`, status: '4xx' };
  const to = members.map((t) => `https://${i.byName ? t.fqdn : t.address}:${t.httpsPort}`).join(' ');
  return [
    `	# ${vdir}: ${paths.join(', ')}`,
    `	@${id} path_regexp ${id} ${regexFor(paths)}`,
    `	handle @${id} {`,
    `		reverse_proxy {`,
    `			to ${to}`,
    `			lb_policy first`,
    `			lb_try_duration 5s`,
    `			health_uri ${hc.uri}`,
    `			health_status ${hc.status}`,
    `			health_interval ${Math.max(100, Math.round(i.healthIntervalMs))}ms`,
    `			health_timeout ${Math.max(100, Math.round(i.healthTimeoutMs ?? PROBE_TIMEOUT_MS))}ms`,
    `			health_headers {`,
    `				User-Agent HttpProxy.ClientAccessServer2010Ping`,
    `			}`,
    `			# Host is the CAS's name and port: hops go by FQDN, as Exchange 2013's do. The CAS then builds`,
    `			# absolute redirects with its own name: map them back to the client's (Apache's ProxyPassReverse).`,
    `			header_up Host {upstream_hostport}`,
    ...members.map((t) => `			header_down Location https://${i.byName ? t.fqdn : t.address}:${t.httpsPort}/ https://{hostport}/`),
    `			transport http {`,
    `				tls_trusted_ca_certs ${i.caFile}`,
    `				keepalive 120s`,
    `			}`,
    `		}`,
    `	}`,
  ].join('\n');
}

/**
 * Render the Caddyfile.
 * @example
 * const text = renderCaddyConfig({ runDir, listenAddress: '127.0.1.10', httpsPort: 8443, namespaces: ['mail.contoso.lab'],
 *   certFile, keyFile, caFile, targets, byName: true, healthIntervalMs: 1000 });
 */
export function renderCaddyConfig(i: CaddyConfigInput): string {
  if (!i.targets.length) throw new RangeError('caddy: no CAS to send traffic to (the front door\'s site has no Client Access server in service)');
  const routes = PUBLISHED_VDIRS.map(({ vdir, paths }) => {
    const members = i.targets.filter((t) => t.vdirs.includes(vdir));
    return members.length ? vdirRoute(vdir, paths, members, i) : `	# ${vdir}: no CAS of the site has it`;
  });
  const names = i.namespaces.length ? i.namespaces : [i.listenAddress];
  return fillTemplateFile(CADDY_TEMPLATE, {
    storageDir: join(i.runDir, 'storage'),
    serverName: names[0]!,
    siteAddresses: names.map((n) => `https://${n}:${i.httpsPort}`).join(', '),
    listenAddress: i.listenAddress,
    certFile: i.certFile,
    keyFile: i.keyFile,
    runDir: i.runDir,
    vdirRoutes: routes.join('\n\n'),
    extraConfig: i.extraConfig ? `\n${i.extraConfig}` : '',
  });
}
