/**
 * Where a real proxy sends traffic. A stock proxy has no directory logic, so an admin points the
 * front-door namespace at the CAS servers of the front door's own site: the CAS2010 first (it
 * proxies or redirects to other sites and to 2007 itself), the other CAS of the site as backups
 * (RULES.md: `mail` -> cas2010.site1 in `contoso`). Out-of-service servers are left out, as an
 * admin would drain them. Names resolve through the lab's hosts file (the lab has no DNS).
 */
import { readHostsFile } from '../../harness/topology/contract.ts';
import type { DirectorySnapshot, DirMailEndpoint, DirServer } from '../../harness/topology/directory-contract.ts';

/** One legacy CAS as a hop: reach `address:httpsPort`, say `fqdn` in Host and SNI. */
export interface HopTarget {
  fqdn: string;
  address: string;
  httpsPort: number;
  product: number;
  build: string;
  /** Vdir keys the server has (owa, eas, ews, autodiscover, oab, ecp, powershell, rpc). */
  vdirs: string[];
  /** Mail endpoints with the address to connect to. */
  imap4: (DirMailEndpoint & { address: string })[];
  pop3: (DirMailEndpoint & { address: string })[];
  server: DirServer;
}

/** name -> address from a hosts file (`address<TAB>name`), lower-case names. */
export function hostsMap(hostsFile: string): Map<string, string> {
  return new Map(readHostsFile(hostsFile).map((h) => [h.name.toLowerCase(), h.address]));
}

/** A directory server as a hop target; the address comes from the hosts file (portable labs bind 127.0.0.1). */
export function toHopTarget(s: DirServer, hosts: Map<string, string>): HopTarget {
  const address = hosts.get(s.fqdn.toLowerCase()) ?? s.address;
  const mail = (list: DirMailEndpoint[]) => list.map((e) => ({ ...e, address: hosts.get(e.host.toLowerCase()) ?? address }));
  return {
    fqdn: s.fqdn,
    address,
    httpsPort: s.ports.https,
    product: s.product,
    build: s.build,
    vdirs: Object.entries(s.vdirs).filter(([, v]) => v && v.enabled !== false).map(([k]) => k),
    imap4: s.imap4.enabled ? mail(s.imap4.internalConnectionSettings) : [],
    pop3: s.pop3.enabled ? mail(s.pop3.internalConnectionSettings) : [],
    server: s,
  };
}

/**
 * The CAS servers of `site` (default: the front door's), CAS2010 before CAS2007, newest build first,
 * then by name; the first is the primary, the rest are backups.
 * @example
 * const [primary, ...backups] = siteTargets(dir, hostsMap(contract.hostsFile));
 */
export function siteTargets(dir: DirectorySnapshot, hosts: Map<string, string>, site = dir.frontDoor.site): HopTarget[] {
  return dir.servers
    .filter((s) => s.site === site && !s.isOutOfService)
    .sort((a, b) => b.product - a.product || compareBuild(b.buildNumber, a.buildNumber) || a.fqdn.localeCompare(b.fqdn))
    .map((s) => toHopTarget(s, hosts));
}

function compareBuild(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** A config identifier from a name: `cas2010.site1.contoso.lab` -> `cas2010_site1_contoso_lab`. */
export function configId(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/**
 * The published vdirs and the URL path prefixes that reach them (what Exchange reverse-proxy guides
 * publish). `rpc` is Outlook Anywhere; PowerShell is not published to the Internet.
 */
export const PUBLISHED_VDIRS: readonly { vdir: string; paths: readonly string[] }[] = [
  { vdir: 'owa', paths: ['/owa'] },
  { vdir: 'eas', paths: ['/Microsoft-Server-ActiveSync'] },
  { vdir: 'ews', paths: ['/EWS'] },
  { vdir: 'autodiscover', paths: ['/Autodiscover'] },
  { vdir: 'oab', paths: ['/OAB'] },
  { vdir: 'rpc', paths: ['/rpc'] },
  { vdir: 'ecp', paths: ['/ecp'] },
];
