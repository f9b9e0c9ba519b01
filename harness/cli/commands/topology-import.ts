/**
 * `cas-conformance topology import DIR --out FILE [--name N] [--front-door-site SITE]
 *   [--namespaces a,b] [--eas451-devices T1,T2]`: a topology from Exchange Management Shell exports
 * (docs/import.md lists the export commands and the fields used). Bad input: one line naming file,
 * row and field, exit 2.
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { importTopology } from '../../topology/import/index.ts';
import { parseTopology, roleMap } from '../../topology/index.ts';
import { LabError } from '../../errors.ts';

export const IMPORT_OPTIONS = {
  out: { type: 'string' },
  name: { type: 'string' },
  'front-door-site': { type: 'string' },
  namespaces: { type: 'string' },
  'eas451-devices': { type: 'string' },
} as const;

export const IMPORT_USAGE = 'topology import DIR --out FILE [--name N] [--front-door-site SITE] [--namespaces a,b] [--eas451-devices T1,T2]';

const csv = (v: string | undefined) => (v === undefined ? undefined : v.split(/[,;]/).map((x) => x.trim().toLowerCase()).filter(Boolean));

export async function topologyImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: IMPORT_OPTIONS });
  const [dir, extra] = positionals;
  if (!dir || extra !== undefined) throw new LabError(`usage: cas-conformance ${IMPORT_USAGE}`);
  if (!values.out) throw new LabError(`topology import needs --out FILE (usage: cas-conformance ${IMPORT_USAGE})`);
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
