/**
 * Names and addresses of an imported organisation. Exchange prints URLs; the lab needs to know which
 * name answers where:
 * - an ExternalURL (or Outlook Anywhere ExternalHostname) host that is not the front door's is an
 *   Internet-facing namespace of the first CAS that publishes it (001: `legacy` -> CAS2007 Site1);
 * - an InternalURL host other than the server's FQDN is an alias of that server when one CAS uses it
 *   (contoso's cas2007-int.*), and an NLB name when several do (003's NLBname), balanced by the lab;
 * - a POP/IMAP InternalConnectionSettings host must be the server's FQDN or its own alias (001: "ensure
 *   that the InternalConnectionSettings maps to the server's FQDN, and not a load-balanced namespace").
 * Addresses: site number N (Get-ExchangeServer order) gets 127.0.N.x: the front door .10, the CAS .11
 * upwards, NLB names .200 upwards.
 */
import type { TopologyInput } from '../schema.ts';
import type { ImportedMail, ImportedServer, ImportedVdir, VdirKey } from './servers.ts';
import { TopologyImportError } from '../errors.ts';

export interface PlacedServer {
  address: string;
  aliases: string[];
  namespaces: string[];
}

export interface PlaceInput {
  cas: ImportedServer[];
  sites: string[];
  fdSite: string;
  fdNamespaces: string[];
  vdirsOf: Map<ImportedServer, Record<VdirKey, ImportedVdir | null>>;
  rpcHost(s: ImportedServer): string | null;
  mail(s: ImportedServer): ImportedMail[];
}

export interface Placed extends Map<ImportedServer, PlacedServer> {
  frontDoorAddress: string;
  namespaceEntries: NonNullable<TopologyInput['namespaces']>;
  nlb: NonNullable<TopologyInput['nlb']>;
}

const hostOf = (u: string | null) => (u ? new URL(u).hostname : null);

export function placeNames(i: PlaceInput): Placed {
  const siteNo = (site: string) => {
    const n = i.sites.indexOf(site) + 1;
    if (n < 1 || n > 250) throw new TopologyImportError('ExchangeServer', null, 'Site', `the lab addresses at most 250 sites (127.0.N.x); site ${site} is number ${n}`);
    return n;
  };
  const next = new Map<string, number>();
  const out = new Map<ImportedServer, PlacedServer>() as Placed;
  for (const s of i.cas) {
    const n = next.get(s.site) ?? 11;
    if (n > 199) throw s.row.error('Site', `more than 189 Client Access servers in site ${s.site}: the lab addresses 127.0.N.11-199`);
    next.set(s.site, n + 1);
    out.set(s, { address: `127.0.${siteNo(s.site)}.${n}`, aliases: [], namespaces: [] });
  }
  out.frontDoorAddress = `127.0.${siteNo(i.fdSite)}.10`;

  const fdNames = new Set(i.fdNamespaces);
  const fqdns = new Set(i.cas.map((s) => s.fqdn));
  const claimed = new Map<string, ImportedServer>();
  out.namespaceEntries = [];
  for (const s of i.cas) {
    const v = i.vdirsOf.get(s)!;
    const hosts = [...Object.values(v).map((x) => hostOf(x?.externalUrl ?? null)), i.rpcHost(s)];
    for (const h of hosts) {
      if (!h || fdNames.has(h) || fqdns.has(h) || claimed.has(h)) continue;
      claimed.set(h, s);
      out.get(s)!.namespaces.push(h);
      out.namespaceEntries.push({ name: h, site: s.site, target: `server:${s.fqdn}` });
    }
  }

  // InternalURL hosts: alias (one CAS) or NLB (several).
  const users = new Map<string, ImportedServer[]>();
  for (const s of i.cas) {
    const v = i.vdirsOf.get(s)!;
    const nlbBypass = v.ews?.row ? hostOf(nlbBypassOf(v.ews)) : null;
    for (const h of [...Object.values(v).map((x) => hostOf(x?.internalUrl ?? null)), nlbBypass]) {
      if (!h || h === s.fqdn || fdNames.has(h) || fqdns.has(h) || claimed.has(h)) continue;
      const list = users.get(h) ?? [];
      if (!list.includes(s)) list.push(s);
      users.set(h, list);
    }
  }
  out.nlb = [];
  const nlbNo = new Map<string, number>();
  for (const [h, list] of users) {
    if (list.length === 1) {
      out.get(list[0]!)!.aliases.push(h);
      continue;
    }
    const site = list[0]!.site;
    const n = nlbNo.get(site) ?? 200;
    nlbNo.set(site, n + 1);
    out.nlb.push({ name: h, site, address: `127.0.${siteNo(site)}.${n}`, servers: list.map((s) => s.fqdn) });
  }

  // POP/IMAP hosts: the FQDN or the server's own alias; a name of another server or a shared name is refused.
  for (const s of i.cas) {
    for (const m of i.mail(s)) {
      for (const setting of m.settings) {
        const h = setting.split(':')[0]!;
        const mine = out.get(s)!;
        if (h === s.fqdn || mine.aliases.includes(h)) continue;
        const shared = users.get(h);
        if (shared && shared.length > 1) throw m.row.error('InternalConnectionSettings', `${setting} names ${h}, shared by ${shared.map((x) => x.name).join(', ')}: 001 asks that InternalConnectionSettings "maps to the server's FQDN, and not a load-balanced namespace"`);
        if (fqdns.has(h) || fdNames.has(h) || claimed.has(h)) throw m.row.error('InternalConnectionSettings', `${setting} names ${h}, which is not ${s.name}: each server lists its own FQDN (001)`);
        mine.aliases.push(h);
        users.set(h, [s]);
      }
    }
  }
  return out;
}

function nlbBypassOf(v: ImportedVdir): string | null {
  const raw = v.row.raw('InternalNLBBypassUrl');
  if (typeof raw !== 'string' || !raw.trim()) return null;
  try {
    return new URL(raw.trim()).toString();
  } catch {
    return null;
  }
}
