/**
 * `topology import`: build a topology from Exchange Management Shell exports (docs/import.md).
 * Servers, sites and builds come from Get-ExchangeServer; each CAS's vdirs, Outlook Anywhere,
 * POP/IMAP and IsOutOfService from their cmdlets; mailbox placement from Get-MailboxDatabase and the
 * users CSV. The lab's own choices (loopback addresses, the front door's place, passwords) are made
 * here, the same way for every import. Every error is one TopologyImportError naming file, row, field.
 * @example
 * const { topology } = importTopology('./export', { name: 'my-org' });
 * writeFileSync('my-org.json', JSON.stringify(topology, null, 2));
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { TopologyInput } from '../schema.ts';
import { parseTopology } from '../validate.ts';
import { TopologyError } from '../../errors.ts';
import { TopologyImportError } from '../errors.ts';
import { EXPORTS, HAND_WRITTEN, exportCommand } from './exports.ts';
import { readExport, type ExportRow, type ExportTable } from './table.ts';
import { list, text } from './cells.ts';
import {
  readCertificates, readMail, readOutOfService, readRpc, readServers, readVdir, vdirRows, type ImportedServer, type ImportedVdir, type VdirKey,
} from './servers.ts';
import { readDatabases, readUsers } from './users.ts';
import { placeNames } from './names.ts';

type ServerInput = TopologyInput['servers'][number];

export interface ImportOptions {
  /** Topology name (lower-case letters, digits, -). */
  name?: string;
  /** The AD site the front door goes into (else frontdoor.csv, else the only Internet-facing site). */
  frontDoorSite?: string;
  /** The front door's namespaces (else frontdoor.csv, else derived). */
  namespaces?: string[];
  /** Exchange 2010's 451 device list (else frontdoor.csv, else empty). */
  eas451DeviceTypes?: string[];
}

export interface ImportResult {
  topology: TopologyInput;
  /** Lines worth telling the admin (defaults that were applied). */
  notes: string[];
}

function load(dir: string, name: string, required: boolean): ExportTable | null {
  const t = readExport(dir, name);
  if (!t && required) {
    const spec = EXPORTS.find((e) => e.name === name);
    const how = spec ? `export it with: ${exportCommand(spec, 'csv')}` : 'write it by hand (docs/import.md)';
    throw new TopologyImportError(`${name}.csv`, null, null, `missing in ${dir}: ${how}`);
  }
  return t;
}

/** The longest DNS suffix shared by every FQDN (contoso's servers -> contoso.lab). */
function commonSuffix(fqdns: string[]): string | null {
  const parts = fqdns.map((f) => f.split('.').reverse());
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const label = parts[0]?.[i];
    if (!label || parts.some((p) => p[i] !== label || p.length <= i + 1)) break;
    out.push(label);
  }
  return out.length >= 2 ? out.reverse().join('.') : null;
}

/** Read every export of `dir` and assemble a validated topology document. */
export function importTopology(dir: string, o: ImportOptions = {}): ImportResult {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new TopologyImportError(dir, null, null, 'is not a directory of exports (docs/import.md)');
  const notes: string[] = [];
  const t = Object.fromEntries([...EXPORTS, ...HAND_WRITTEN].map((e) => [e.name, load(dir, e.name, e.required)])) as Record<string, ExportTable | null>;
  const servers = readServers(t.ExchangeServer!);
  const cas = servers.filter((s) => s.isCas);

  const vdirKeys: VdirKey[] = ['owa', 'eas', 'ews', 'autodiscover', 'oab', 'ecp', 'powershell'];
  const fileOf: Record<VdirKey, string> = {
    owa: 'OwaVirtualDirectory', eas: 'ActiveSyncVirtualDirectory', ews: 'WebServicesVirtualDirectory', autodiscover: 'AutodiscoverVirtualDirectory',
    oab: 'OabVirtualDirectory', ecp: 'EcpVirtualDirectory', powershell: 'PowerShellVirtualDirectory',
  };
  const rows = Object.fromEntries(vdirKeys.map((k) => [k, vdirRows(servers, t[fileOf[k]] ?? null, k)])) as Record<VdirKey, ReturnType<typeof vdirRows>>;
  const rpcRows = perServerRows(servers, t.OutlookAnywhere ?? null);
  const mailOf = (name: string, protocol: 'imap4' | 'pop3') => new Map([...perServerRows(servers, t[name]!)].map(([s, row]) => [s, readMail(row, s, protocol)] as const));
  const imap = mailOf('ImapSettings', 'imap4');
  const pop = mailOf('PopSettings', 'pop3');
  const outOfService = readOutOfService(servers, t.ClientAccessServer ?? null);
  const certificates = readCertificates(servers, t.ExchangeCertificate ?? null);
  if (!t.ExchangeCertificate) notes.push('no ExchangeCertificate export: CAS with an ExternalURL get a lab-CA certificate, the others Exchange\'s default self-signed one');

  // Every CAS must come with its virtual directories (issue 13: never setup's defaults in silence).
  const vdirsOf = new Map<ImportedServer, Record<VdirKey, ImportedVdir | null>>();
  for (const s of cas) {
    const v = {} as Record<VdirKey, ImportedVdir | null>;
    for (const k of vdirKeys) {
      const row = rows[k].get(s);
      const optional = k === 'ecp' || k === 'powershell';
      if (!row && !optional) throw s.row.error('Name', `CAS ${s.name} has no row in ${fileOf[k]} (export every Client Access server: ${exportCommand(EXPORTS.find((e) => e.name === fileOf[k])!, 'csv')})`);
      if (row && optional && s.build.product === 2007) throw row.error('Server', `${s.name} runs Exchange 2007, which has no /${k}`);
      v[k] = row ? readVdir(row) : null;
    }
    for (const [name, m] of [['ImapSettings', imap], ['PopSettings', pop]] as const) {
      if (!m.get(s)) throw s.row.error('Name', `CAS ${s.name} has no row in ${name} (export it for every Client Access server)`);
    }
    vdirsOf.set(s, v);
  }

  const domain = servers.find((s) => s.domain)?.domain ?? commonSuffix(servers.map((s) => s.fqdn));
  if (!domain) throw new TopologyImportError(t.ExchangeServer!.files[0]!, null, 'Domain', 'empty, and the server FQDNs share no DNS suffix: add the Domain column (docs/import.md)');

  // Sites in the order Get-ExchangeServer lists them; Internet-facing = a CAS with an ExternalURL (001).
  const siteNames = [...new Set(servers.map((s) => s.site))];
  const external = (s: ImportedServer) => Object.values(vdirsOf.get(s) ?? {}).some((v) => v?.externalUrl);
  const facing = new Set(cas.filter(external).map((s) => s.site));

  const fdRow = t.frontdoor?.rows[0];
  const fdSite = o.frontDoorSite ?? (fdRow ? text(fdRow, 'Site') : null) ?? (facing.size === 1 ? [...facing][0]! : null);
  if (!fdSite) {
    throw new TopologyImportError('frontdoor.csv', null, 'Site', `${facing.size ? `${facing.size} Internet-facing sites (${[...facing].join(', ')})` : 'no Internet-facing site'}: name the site the front door goes into (frontdoor.csv Site, or --front-door-site)`);
  }
  if (!siteNames.includes(fdSite)) throw new TopologyImportError(fdRow ? 'frontdoor.csv' : '--front-door-site', fdRow ? 1 : null, 'Site', `no site "${fdSite}" (sites: ${siteNames.join(', ')})`);
  facing.add(fdSite);

  const newest = [2010, 2007].map((p) => cas.filter((s) => s.site === fdSite && s.build.product === p)).find((l) => l.some((s) => vdirsOf.get(s)!.owa?.externalUrl)) ?? [];
  const derivedNs = [...new Set(newest.map((s) => vdirsOf.get(s)!.owa?.externalUrl).filter((u): u is string => !!u).map((u) => new URL(u).hostname))];
  const givenNs = o.namespaces ?? (fdRow && list(fdRow, 'Namespaces').length ? list(fdRow, 'Namespaces').map((n) => n.toLowerCase()) : null);
  const fdNamespaces = givenNs ?? (derivedNs.length ? [...derivedNs, ...(derivedNs.includes(`autodiscover.${domain}`) ? [] : [`autodiscover.${domain}`])] : null);
  if (!fdNamespaces?.length) {
    throw new TopologyImportError('frontdoor.csv', null, 'Namespaces', `no CAS of the front door's site ${fdSite} has an OWA ExternalURL: give the names clients use for the front door (frontdoor.csv Namespaces, or --namespaces)`);
  }
  const eas451 = o.eas451DeviceTypes ?? (fdRow ? list(fdRow, 'Eas451DeviceTypes') : []);

  const names = placeNames({ cas, sites: siteNames, fdSite, fdNamespaces, vdirsOf, rpcHost: (s) => readRpc(rpcRows.get(s)).externalHostname, mail: (s) => [imap.get(s)!, pop.get(s)!] });

  const serversOut: ServerInput[] = cas.map((s) => {
    const v = vdirsOf.get(s)!;
    const http = (x: ImportedVdir | null) => ({ internalUrl: x!.internalUrl, externalUrl: x!.externalUrl, auth: x!.auth });
    const owaRow = v.owa!.row;
    const is2010 = s.build.product === 2010;
    const swapPath = (u: string | null, path: string) => (u ? `${new URL(u).protocol}//${new URL(u).host}${path}` : null);
    const rpc = readRpc(rpcRows.get(s));
    const n = names.get(s)!;
    return {
      fqdn: s.fqdn,
      site: s.site,
      build: s.build.id,
      address: n.address,
      aliases: n.aliases,
      namespaces: n.namespaces,
      certificate: certificates.get(s) ?? (external(s) ? 'lab-ca' : 'self-signed'),
      ...(outOfService.has(s) ? { isOutOfService: true } : {}),
      vdirs: {
        owa: { ...http(v.owa), redirectToOptimalOwaServer: owaRow.has('RedirectToOptimalOWAServer') ? /^(true|1)$/i.test(text(owaRow, 'RedirectToOptimalOWAServer') ?? 'true') : true },
        eas: http(v.eas),
        ews: { ...http(v.ews), nlbBypassUrl: readNlbBypass(v.ews!) },
        autodiscover: http(v.autodiscover),
        oab: { ...http(v.oab), webDistributionPoint: true },
        // Exchange 2010 setup creates /ecp and /PowerShell; without their exports the lab uses setup's URLs.
        ...(is2010
          ? {
              ecp: v.ecp ? http(v.ecp) : { internalUrl: swapPath(v.owa!.internalUrl, '/ecp'), externalUrl: swapPath(v.owa!.externalUrl, '/ecp'), auth: v.owa!.auth },
              powershell: v.powershell ? http(v.powershell) : { internalUrl: `http://${s.fqdn}/PowerShell`, externalUrl: null, auth: ['ntlm', 'negotiate'] },
            }
          : {}),
        rpc,
      },
      imap4: { internalConnectionSettings: imap.get(s)!.settings, loginType: imap.get(s)!.loginType },
      pop3: { internalConnectionSettings: pop.get(s)!.settings, loginType: pop.get(s)!.loginType },
    };
  });
  if (cas.some((s) => s.build.product === 2010 && (!rows.ecp.get(s) || !rows.powershell.get(s)))) notes.push('no EcpVirtualDirectory/PowerShellVirtualDirectory row for some CAS2010: setup\'s URLs are used for /ecp and /PowerShell');

  const dbs = readDatabases(servers, t.MailboxDatabase!);
  const users = readUsers(t.users!, dbs, domain);
  const mailboxServers = [...new Map(dbs.map((d) => [d.server, d.server])).values()].map((s) => ({ name: s.fqdn, site: s.site, build: s.build.id }));
  const name = (o.name ?? basename(dir)).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported';

  const doc: TopologyInput = {
    name,
    description: `Imported with topology import from ${basename(dir)}: ${siteNames.length} sites, ${cas.length} Client Access servers, ${users.length} users.`,
    source: 'topology import (Exchange Management Shell exports)',
    domain,
    organisation: {
      eas451DeviceTypes: eas451,
      crossSiteSilentRedirect: false,
      allowProxyingWithoutSsl: false,
      netbiosDomain: domain.split('.')[0]!.toUpperCase().replace(/[^A-Z0-9-]/g, '') || 'LAB',
    },
    sites: siteNames.map((n) => ({ name: n, internetFacing: facing.has(n) })),
    frontDoor: { site: fdSite, address: names.frontDoorAddress, namespaces: fdNamespaces, healthIntervalMs: 50_000, fastHealthIntervalMs: 2_000 },
    namespaces: [...fdNamespaces.map((n) => ({ name: n, site: fdSite, target: 'front-door' })), ...names.namespaceEntries],
    nlb: names.nlb,
    servers: serversOut,
    mailboxServers,
    users,
  };
  try {
    parseTopology(doc, name);
  } catch (err) {
    if (!(err instanceof TopologyError)) throw err;
    const first = err.issues[0]!;
    throw new TopologyImportError('(assembled topology)', null, first.path, `${first.message}${err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : ''}`);
  }
  return { topology: doc, notes };
}

/** Rows of a per-server export (Get-ImapSettings, Get-PopSettings, Get-OutlookAnywhere): at most one per CAS. */
function perServerRows(servers: ImportedServer[], t: ExportTable | null): Map<ImportedServer, ExportRow> {
  const out = new Map<ImportedServer, ExportRow>();
  for (const row of t?.rows ?? []) {
    const v = text(row, 'Server') ?? text(row, 'ServerName') ?? text(row, 'Identity')?.split('\\')[0] ?? null;
    if (!v) throw row.error('Server', 'is empty');
    const s = servers.find((x) => x.name.toLowerCase() === v.toLowerCase() || x.fqdn === v.toLowerCase());
    if (!s) throw row.error('Server', `no server "${v}" in ExchangeServer (known: ${servers.map((x) => x.name).join(', ')})`);
    if (!s.isCas) throw row.error('Server', `${s.name} is not a Client Access server (ExchangeServer ServerRole)`);
    const prev = out.get(s);
    if (prev) throw row.error('Server', `a second row for ${s.name} (first at ${prev.file} row ${prev.row})`);
    out.set(s, row);
  }
  return out;
}

function readNlbBypass(v: ImportedVdir): string | null {
  const raw = text(v.row, 'InternalNLBBypassUrl');
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    throw v.row.error('InternalNLBBypassUrl', `"${raw}" is not a URL`);
  }
}
