/**
 * The nginx configuration for one lab: the templates beside this file filled from the contract and
 * the hop targets (frontdoors/shared siteTargets: the CAS2010 of the front door's site first, the
 * others as backups). Pure: text in, text out; the launcher (harness/frontdoor/adapters/nginx.ts)
 * writes it, tests it with `nginx -t` and starts nginx.
 * @example
 * const text = buildNginxConfig({ runDir, listenAddress: '127.0.1.10', ports, serverNames: ['mail.contoso.lab'],
 *   certFile, keyFile, caFile, targets: siteTargets(dir, hostsMap(hostsFile)), mail: null });
 */
import { fileURLToPath } from 'node:url';
import { fillTemplateFile } from '../shared/template.ts';
import { configId, type HopTarget } from '../shared/targets.ts';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

export interface NginxConfigInput {
  runDir: string;
  listenAddress: string;
  ports: { https: number; imap: number; imaps: number; pop3: number; pop3s: number };
  serverNames: string[];
  certFile: string;
  keyFile: string;
  caFile: string;
  /** Primary first, then backups (each tried when the previous one cannot be reached). */
  targets: HopTarget[];
  /** The mail block: the auth_http URL and the `load_module` path (null when mail is built in). Null = no mail. */
  mail: { authUrl: string; modulePath: string | null } | null;
}

interface VdirPlan {
  vdir: string;
  comment: string;
  /** Case-insensitive prefix match, as IIS matches paths. */
  match: string;
  timeout: string;
  extra: string[];
}

// 3650 s: EAS Ping may hold a request up to 59 minutes (heartbeat 3540 s); Outlook Anywhere and
// EWS streaming notifications are long-lived too. The rest: a generous 300 s.
const LONG = '3650s';
const VDIRS: VdirPlan[] = [
  { vdir: 'owa', comment: 'Outlook Web App: the CAS answers 302 to its logon page; forms-based sign-in on the CAS', match: '~* ^/owa(/|$)', timeout: '300s', extra: [] },
  { vdir: 'eas', comment: 'Exchange ActiveSync: Ping holds the request up to 59 minutes', match: '~* ^/Microsoft-Server-ActiveSync(/|$)', timeout: LONG, extra: [] },
  { vdir: 'ews', comment: 'Exchange Web Services (streaming notifications are long-lived)', match: '~* ^/EWS(/|$)', timeout: LONG, extra: [] },
  { vdir: 'autodiscover', comment: 'Autodiscover (POX and mobilesync)', match: '~* ^/Autodiscover(/|$)', timeout: '300s', extra: [] },
  { vdir: 'oab', comment: 'Offline Address Book', match: '~* ^/OAB(/|$)', timeout: '300s', extra: [] },
  {
    vdir: 'rpc',
    comment: 'Outlook Anywhere (RPC over HTTP): stream both ways, never buffer the 1 GB RPC_IN_DATA body',
    match: '~* ^/rpc(/|$)',
    timeout: LONG,
    extra: ['proxy_request_buffering off;', 'proxy_buffering off;'],
  },
  { vdir: 'ecp', comment: 'Exchange Control Panel (2010 only)', match: '~* ^/ecp(/|$)', timeout: '300s', extra: [] },
];

function indent(lines: string[], pad: string): string {
  return lines.map((l) => `${pad}${l}\n`).join('');
}

/** One vdir: the location on the primary, then a named location per backup chained by error_page. */
function vdirLocations(plan: VdirPlan, targets: HopTarget[]): string {
  const chain = targets.filter((t) => t.vdirs.includes(plan.vdir));
  if (!chain.length) return '';
  return chain
    .map((t, i) => {
      const next = chain[i + 1];
      // nginx's own 502/504 (the CAS refused or timed out) hands the request to the next CAS of the site.
      // Each backup needs its own location: the SNI and Host name the server (one upstream cannot).
      const extra = [...plan.extra, ...(next ? [`error_page 502 504 = @${plan.vdir}_${configId(next.fqdn)};`] : [])];
      return fillTemplateFile(here('location.tmpl'), {
        comment: i === 0 ? `${plan.comment} -> ${t.fqdn}` : `${plan.vdir} backup ${i}: ${t.fqdn}`,
        match: i === 0 ? plan.match : `@${plan.vdir}_${configId(t.fqdn)}`,
        upstream: configId(t.fqdn),
        fqdn: t.fqdn,
        timeout: plan.timeout,
        extra: indent(extra, '            '),
      });
    })
    .join('');
}

function mailBlock(i: NginxConfigInput): string {
  if (!i.mail) return '';
  const servers = [
    { comment: 'IMAP4 on 143: plaintext, STARTTLS offered', port: i.ports.imap, protocol: 'imap', ssl: false },
    { comment: 'IMAP4 on 993: implicit TLS', port: i.ports.imaps, protocol: 'imap', ssl: true },
    { comment: 'POP3 on 110: plaintext, STLS offered', port: i.ports.pop3, protocol: 'pop3', ssl: false },
    { comment: 'POP3 on 995: implicit TLS', port: i.ports.pop3s, protocol: 'pop3', ssl: true },
  ].filter((s) => s.port > 0);
  return fillTemplateFile(here('mail.conf.tmpl'), {
    serverName: i.serverNames[0] ?? 'localhost',
    authUrl: i.mail.authUrl,
    certFile: i.certFile,
    keyFile: i.keyFile,
    servers: servers
      .map((s) => fillTemplateFile(here('mail-server.tmpl'), { comment: s.comment, listenAddress: i.listenAddress, port: s.port, ssl: s.ssl ? ' ssl' : '', protocol: s.protocol, starttls: s.ssl ? 'off' : 'on' }))
      .join('\n'),
  });
}

/** The whole nginx.conf. */
export function buildNginxConfig(i: NginxConfigInput): string {
  if (!i.targets.length) throw new RangeError('buildNginxConfig: no hop target (the front door site has no CAS in service)');
  const upstreams = i.targets
    .map((t) => fillTemplateFile(here('upstream.tmpl'), { fqdn: t.fqdn, build: t.build, site: t.server.site, id: configId(t.fqdn), address: t.address, port: t.httpsPort }))
    .join('\n');
  return fillTemplateFile(here('nginx.conf.tmpl'), {
    loadModules: i.mail?.modulePath ? `load_module ${i.mail.modulePath};\n` : '',
    runDir: i.runDir,
    upstreams,
    listenAddress: i.listenAddress,
    httpsPort: i.ports.https,
    serverNames: i.serverNames.join(' ') || '_',
    certFile: i.certFile,
    keyFile: i.keyFile,
    caFile: i.caFile,
    locations: VDIRS.map((v) => vdirLocations(v, i.targets)).join(''),
    mail: mailBlock(i),
  });
}
