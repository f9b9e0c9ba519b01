/** `cas-conformance topology show [NAME] [--json]`, `topology validate FILE`, `topology list`. */
import { parseArgs } from 'node:util';
import { defaultTopologyNames, loadTopology, topologyDigest, mailEndpoints, type Topology } from '../../topology/index.ts';
import { getBuild } from '../../../mocks/builds/catalogue.ts';
import { renderTable } from '../table.ts';

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
  out.push('', `organisation: 451 devices [${t.organisation.eas451DeviceTypes.join(', ')}], crossSiteSilentRedirect ${t.organisation.crossSiteSilentRedirect}, allowProxyingWithoutSsl ${t.organisation.allowProxyingWithoutSsl}`);
  return out.join('\n');
}

export async function topologyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
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
    if (!arg) throw Object.assign(new Error('topology validate needs a FILE'), { code: 'ERR_PARSE_ARGS_MISSING' });
    const t = loadTopology(arg);
    console.log(`${arg}: valid (${t.servers.length} servers, ${t.users.length} users, digest ${topologyDigest(t)})`);
    return 0;
  }
  console.error('usage: cas-conformance topology show [NAME] [--json] | validate FILE | list');
  return 2;
}
