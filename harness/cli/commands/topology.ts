/** `cas-conformance topology show [NAME|FILE] [--json]`, `topology validate FILE`, `topology list`, `topology import DIR --out FILE` (topology-import.ts). */
import { parseCommand, UsageError } from '../usage.ts';
import { TOPOLOGY_SPEC } from '../specs.ts';
import { defaultTopologyNames, loadTopology, topologyDigest, mailEndpoints, type Topology } from '../../topology/index.ts';
import { getBuild } from '../../../mocks/builds/catalogue.ts';
import { renderTable } from '../table.ts';
import { describeRoles } from './topology-roles.ts';

export function describeTopology(t: Topology): string {
  const out: string[] = [`${t.name} (${topologyDigest(t)}): ${t.description}`];
  if (t.source) out.push(`source: ${t.source}`);
  out.push('', `front door: ${t.frontDoor.namespaces.join(', ')} at ${t.frontDoor.address} (site ${t.frontDoor.site})`, '');
  out.push(
    renderTable(
      ['server', 'site', 'build', 'address', 'cert', 'owa internal', 'owa external', 'mail'],
      t.servers.map((s) => [
        s.fqdn, s.site, `${s.build} (${getBuild(s.build).build})`, s.address, s.certificate,
        s.vdirs.owa.internalUrl ?? '$null', s.vdirs.owa.externalUrl ?? '$null',
        [...mailEndpoints(s, 'imap4'), ...mailEndpoints(s, 'pop3')].map((e) => `${e.port}:${e.method}`).join(' '),
      ]),
    ),
  );
  out.push('', renderTable(['user', 'logon', 'mailbox server', 'site'], t.users.map((u) => [u.name, u.samAccountName, u.mailboxServer, t.mailboxServers.find((m) => m.name === u.mailboxServer)?.site ?? '?'])));
  out.push('', 'seed roles (harness/topology/roles.ts):', describeRoles(t));
  out.push('', `organisation: 451 devices [${t.organisation.eas451DeviceTypes.join(', ')}], crossSiteSilentRedirect ${t.organisation.crossSiteSilentRedirect}, allowProxyingWithoutSsl ${t.organisation.allowProxyingWithoutSsl}`);
  return out.join('\n');
}

export async function topologyCommand(args: string[]): Promise<number> {
  if (args[0] === 'import') return (await import('./topology-import.ts')).topologyImportCommand(args.slice(1));
  const { values, positionals } = parseCommand(TOPOLOGY_SPEC, args) as { values: { json?: boolean }; positionals: string[] };
  const [sub, arg] = positionals;
  if (sub === 'list') {
    for (const n of defaultTopologyNames()) console.log(n);
    return 0;
  }
  if (sub === 'show') {
    const t = loadTopology(arg ?? 'contoso');
    console.log(values.json ? JSON.stringify(t, null, 2) : describeTopology(t));
    return 0;
  }
  if (sub === 'validate') {
    if (!arg) throw new UsageError('topology validate needs a FILE', TOPOLOGY_SPEC);
    const t = loadTopology(arg);
    console.log(`${arg}: valid (${t.servers.length} servers, ${t.users.length} users, digest ${topologyDigest(t)})`);
    return 0;
  }
  throw new UsageError(sub ? `unknown topology command "${sub}"` : 'topology needs a command: list, show or validate', TOPOLOGY_SPEC);
}
