/**
 * A built-in topology without its version sites: the small sites that hold one CAS per Exchange build
 * for the version users (contoso's Site4-*, contoso-2007's Ver-*), with their CAS, mailbox servers and
 * users. Worlds whose rules live in the seeds' main sites (health failover, affinity) start this: every
 * CAS the candidate knows is checked every interval, and the version sites were 5 of contoso's 11 CAS
 * (about 40 % of a fast-interval world's checks, on both the candidate's and the lab's side). Any other
 * organisation (a user's own topology) is returned unchanged: it has no site of these names.
 * @example
 * const doc = withoutVersionSites(topologyDocument('contoso'));   // Site1, Site2, Site3 only
 */
import type { TopologyInput } from '../schema.ts';
import { CONTOSO_VERSION_SITES } from './contoso.ts';
import { CONTOSO_2007_VERSION_SITES } from './contoso-2007.ts';

const VERSION_SITES: ReadonlySet<string> = new Set([...CONTOSO_VERSION_SITES, ...CONTOSO_2007_VERSION_SITES]);

/** The document without the version sites and what lives in them (a copy; the input is not changed). */
export function withoutVersionSites(doc: TopologyInput): TopologyInput {
  const out = structuredClone(doc);
  if (!out.sites.some((s) => VERSION_SITES.has(s.name))) return out;
  const keep = (site: string) => !VERSION_SITES.has(site);
  out.sites = out.sites.filter((s) => keep(s.name));
  out.servers = out.servers.filter((s) => keep(s.site));
  out.mailboxServers = out.mailboxServers.filter((m) => keep(m.site));
  const mailboxes = new Set(out.mailboxServers.map((m) => m.name));
  out.users = out.users.filter((u) => mailboxes.has(u.mailboxServer));
  if (out.namespaces) out.namespaces = out.namespaces.filter((n) => keep(n.site));
  if (out.nlb) out.nlb = out.nlb.filter((n) => keep(n.site));
  out.description = `${out.description ?? ''} Without the version sites (${[...VERSION_SITES].filter((s) => doc.sites.some((x) => x.name === s)).join(', ')}).`.trim();
  return out;
}
