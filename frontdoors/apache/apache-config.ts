/**
 * The Apache httpd config an experienced admin writes for `mail` in front of legacy CAS servers:
 * one balancer per published vdir (the site's CAS2010 first, the other CAS as hot standby), TLS
 * re-encryption with peer checks, active health checks per vdir, long timeouts. Pure: the launcher
 * (harness/frontdoor/adapters/apache.ts) gathers the inputs and runs httpd.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillTemplateFile, PUBLISHED_VDIRS, configId, type HopTarget, type HttpProxyConfigInput } from '../shared/index.ts';

export const APACHE_TEMPLATE = join(fileURLToPath(new URL('.', import.meta.url)), 'httpd.conf.tmpl');

/** Modules the template needs, besides those compiled into Debian's apache2 (core, so, watchdog, log_config, unixd). */
export const APACHE_MODULES = [
  'mpm_event', 'authz_core', 'env', 'headers', 'socache_shmcb', 'ssl',
  'proxy', 'proxy_http', 'proxy_balancer', 'proxy_hcheck', 'slotmem_shm', 'lbmethod_byrequests',
] as const;

export interface ApacheConfigInput extends HttpProxyConfigInput {
  /** `modules` folder holding mod_proxy.so etc. */
  modulesDir: string;
  /** `User`/`Group` for the workers when httpd starts as root (it refuses to serve as root), else null. */
  runAs: { user: string; group: string } | null;
}

/**
 * Health probe per vdir. The paths are those Exchange 2013 probes on legacy CAS (RULES.md HC-01);
 * mod_proxy_hcheck cannot send RPC_IN_DATA nor set the probe's User-Agent.
 */
export const APACHE_HEALTH: Record<string, { method: 'GET' | 'HEAD'; uri: string }> = {
  owa: { method: 'GET', uri: '/owa/' },
  eas: { method: 'HEAD', uri: '/Microsoft-Server-ActiveSync/default.eas' },
  ews: { method: 'HEAD', uri: '/EWS/Exchange.asmx' },
  autodiscover: { method: 'HEAD', uri: '/Autodiscover/Autodiscover.xml' },
  oab: { method: 'HEAD', uri: '/OAB/' },
  rpc: { method: 'HEAD', uri: '/rpc/rpcproxy.dll' },
  ecp: { method: 'HEAD', uri: '/ecp/' },
};

/** Regex for a path prefix, case-insensitive like IIS (Apache's ProxyPass alone is case-sensitive). */
function prefixRegex(path: string): string {
  return `(?i)^(${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/.*)?)$`;
}

function vdirSection(vdir: string, paths: readonly string[], members: HopTarget[], i: ApacheConfigInput): string {
  const hc = APACHE_HEALTH[vdir] ?? { method: 'HEAD', uri: `${paths[0]}/` };
  const interval = Math.max(100, Math.round(i.healthIntervalMs));
  const name = `balancer://${configId(vdir)}`;
  const lines = [`  # ${vdir}: ${paths.join(', ')}`, `  <Proxy "${name}">`];
  members.forEach((t, n) => {
    const host = i.byName ? t.fqdn : t.address;
    // hcfails=2: a failed probe is repeated once before the CAS is marked down (001: "immediately retries").
    const params = [
      n === 0 ? '' : 'status=+H', 'keepalive=On', 'connectiontimeout=5', 'timeout=3650',
      `hcmethod=${hc.method}`, `hcuri=${hc.uri}`, `hcinterval=${interval}ms`, 'hcfails=2', 'hcpasses=1', 'hcexpr=casup',
    ].filter(Boolean);
    lines.push(`    BalancerMember "https://${host}:${t.httpsPort}" ${params.join(' ')}`);
  });
  lines.push('  </Proxy>');
  for (const p of paths) {
    lines.push(`  ProxyPassMatch "${prefixRegex(p)}" "${name}$1"`);
    lines.push(`  ProxyPassReverse "${p}" "${name}${p}"`);
  }
  return lines.join('\n');
}

/**
 * Render httpd.conf.
 * @example
 * const text = renderApacheConfig({ runDir, listenAddress: '127.0.1.10', httpsPort: 8443, namespaces: ['mail.contoso.lab'],
 *   certFile, keyFile, caFile, targets, byName: true, healthIntervalMs: 1000, modulesDir: '/usr/lib/apache2/modules', runAs: null });
 */
export function renderApacheConfig(i: ApacheConfigInput): string {
  if (!i.targets.length) throw new RangeError('apache: no CAS to send traffic to (the front door\'s site has no Client Access server in service)');
  const sections = PUBLISHED_VDIRS.map(({ vdir, paths }) => {
    const members = i.targets.filter((t) => t.vdirs.includes(vdir));
    return members.length ? vdirSection(vdir, paths, members, i) : `  # ${vdir}: no CAS of the site has it`;
  });
  return fillTemplateFile(APACHE_TEMPLATE, {
    runDir: i.runDir,
    serverName: i.namespaces[0] ?? i.listenAddress,
    serverAliases: i.namespaces.length > 1 ? `ServerAlias ${i.namespaces.slice(1).join(' ')}` : '',
    userGroup: i.runAs ? `User ${i.runAs.user}\nGroup ${i.runAs.group}` : '# not started as root: workers keep the current user',
    loadModules: APACHE_MODULES.map((m) => `LoadModule ${m}_module "${join(i.modulesDir, `mod_${m}.so`)}"`).join('\n'),
    listenAddress: i.listenAddress,
    httpsPort: i.httpsPort,
    certFile: i.certFile,
    keyFile: i.keyFile,
    caFile: i.caFile,
    vdirSections: sections.join('\n\n'),
    extraConfig: i.extraConfig ?? '',
  });
}
