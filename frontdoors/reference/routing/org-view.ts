/**
 * The organisation as the front door routes on it: the directory's topology map plus where the
 * front door itself stands (its site and namespaces, from the topology file). Built once per map
 * refresh; read by the pure routing functions.
 */
import type { DirOrganisation, DirServer, DirSite, Product } from '../../../harness/topology/directory-contract.ts';

export interface OrgView {
  servers: DirServer[];
  sites: DirSite[];
  organisation: DirOrganisation;
  /** 001: "Exchange 2013 has now been deployed in Site1". */
  frontDoorSite: string;
  /** mail.contoso.lab, autodiscover.contoso.lab: the names clients use to reach the front door. */
  frontDoorNamespaces: string[];
  /** The HTTPS port clients use (443 in production, the lab's port in the lab). */
  frontDoorPort: number;
}

/** Client Access servers of one product in one site, in a stable order (by FQDN). */
export function casIn(view: OrgView, site: string, product?: Product): DirServer[] {
  return view.servers.filter((s) => s.site === site && (product === undefined || s.product === product)).sort((a, b) => (a.fqdn < b.fqdn ? -1 : a.fqdn > b.fqdn ? 1 : 0));
}

/** `https://mail.contoso.lab[:port]` as a client sees the front door. */
export function frontDoorOrigin(view: OrgView, name = view.frontDoorNamespaces[0] ?? 'localhost'): string {
  return view.frontDoorPort === 443 ? `https://${name}` : `https://${name}:${view.frontDoorPort}`;
}
