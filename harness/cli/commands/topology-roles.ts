/**
 * The seed-role mapping of a topology as `topology show` prints it: who plays Red, Purple, Blue,
 * Orange, Grey, User1..3 (marked in the topology or derived, harness/topology/roles.ts), which roles
 * the organisation lacks and why (the n/a reason its rules will carry), and the version targets.
 */
import { roleMap, type Topology } from '../../topology/index.ts';
import { renderTable } from '../table.ts';

export function describeRoles(t: Topology): string {
  const m = roleMap(t);
  const out = [
    renderTable(
      ['role', 'user', 'mailbox', 'how'],
      [
        ...m.roles.map((r) => [r.seedName, `${r.user.name} (${r.user.samAccountName})`, `Exchange ${r.place.product} in ${r.place.site}`, r.how]),
        ...m.missing.map((r) => [r.seedName, '-', r.reason, 'absent']),
      ],
    ),
  ];
  if (m.versions.length) {
    out.push('', renderTable(['version target', 'user', 'servers', 'how'], m.versions.map((v) => [v.build, v.user.name, v.servers.map((s) => s.fqdn).join(' '), v.how])));
  }
  return out.join('\n');
}
