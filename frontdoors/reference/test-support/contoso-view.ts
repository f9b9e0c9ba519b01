/**
 * Test fixture (tests only, never imported by the front door): the `contoso` topology as the lab's
 * directory would describe it, turned into the OrgView the routing functions read. Real ports are
 * the logical ones plus 20000 (the lab's `fixed` port mode), so lab URLs differ from logical ones.
 */
import { loadTopology } from '../../../harness/topology/index.ts';
import { directoryServer, directoryUser } from '../../../harness/directory/directory.ts';
import type { DirServer, DirUser } from '../../../harness/topology/directory-contract.ts';
import type { OrgView } from '../routing/org-view.ts';

export function contosoView(edit?: (servers: DirServer[]) => void): { view: OrgView; user: (sam: string) => DirUser; server: (fqdn: string) => DirServer } {
  const t = loadTopology('contoso');
  const servers = t.servers.map((s) => directoryServer(s, (_h, p) => p + 20000)) as unknown as DirServer[];
  edit?.(servers);
  const view: OrgView = {
    servers,
    sites: t.sites,
    organisation: { name: t.name, domain: t.domain, ...t.organisation },
    frontDoorSite: t.frontDoor.site,
    frontDoorNamespaces: t.frontDoor.namespaces,
    frontDoorPort: 20443,
  };
  return {
    view,
    user: (sam) => directoryUser(t, t.users.find((u) => u.samAccountName === sam)!) as unknown as DirUser,
    server: (fqdn) => servers.find((s) => s.fqdn === fqdn)!,
  };
}
