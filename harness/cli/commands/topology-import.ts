/**
 * `cas-conformance topology import DIR --out FILE [--name N] [--front-door-site SITE]
 *   [--namespaces a,b] [--eas451-devices T1,T2]`: a topology from Exchange Management Shell exports
 * (docs/import.md lists the export commands and the fields used). Bad input: one line naming file,
 * row and field, exit 2.
 */
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { importTopology } from '../../topology/import/index.ts';
import { parseTopology, roleMap } from '../../topology/index.ts';
import { parseCommand, UsageError } from '../usage.ts';
import { TOPOLOGY_SPEC } from '../specs.ts';

const csv = (v: string | undefined) => (v === undefined ? undefined : v.split(/[,;]/).map((x) => x.trim().toLowerCase()).filter(Boolean));

export async function topologyImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(TOPOLOGY_SPEC, args) as { values: Record<string, string | undefined>; positionals: string[] };
  const [dir, extra] = positionals;
  if (!dir || extra !== undefined) throw new UsageError('topology import needs one DIR (the folder of exports, docs/import.md)', TOPOLOGY_SPEC);
  if (!values.out) throw new UsageError('topology import needs --out FILE', TOPOLOGY_SPEC);
  const devices = values['eas451-devices']?.split(/[,;]/).map((x) => x.trim()).filter(Boolean);
  const { topology, notes } = importTopology(dir, {
    name: values.name ?? basename(values.out, extname(values.out)),
    ...(values['front-door-site'] ? { frontDoorSite: values['front-door-site'] } : {}),
    ...(values.namespaces ? { namespaces: csv(values.namespaces)! } : {}),
    ...(devices ? { eas451DeviceTypes: devices } : {}),
  });
  writeFileSync(values.out, `${JSON.stringify(topology, null, 2)}\n`);
  const t = parseTopology(topology, values.out);
  console.log(`wrote ${values.out}: ${t.name}, ${t.sites.length} sites, ${t.servers.length} Client Access servers, ${t.mailboxServers.length} mailbox servers, ${t.users.length} users`);
  console.log(`front door: ${t.frontDoor.namespaces.join(', ')} in site ${t.frontDoor.site}`);
  const m = roleMap(t);
  for (const r of m.roles) console.log(`  ${r.seedName.padEnd(7)} ${r.user.name} (${r.how}; Exchange ${r.place.product} mailbox in ${r.place.site})`);
  for (const r of m.missing) console.log(`  ${r.seedName.padEnd(7)} none: ${r.reason}`);
  for (const n of notes) console.log(`note: ${n}`);
  console.log(`next: cas-conformance topology show ${values.out}; cas-conformance run --topology ${values.out}`);
  return 0;
}
