/**
 * The mock side of a probe: a lab holding a mock CAS of each wanted build, probed exactly as a
 * real server is (same code, same requests), through the lab's names and trust bundle.
 *
 * The default lab is `probe-lab`: one site, one CAS and one user per build, each CAS as Exchange
 * setup leaves it (default vdir authentication, SecureLogin, its default self-signed certificate:
 * 003 Note), so every build of the catalogue has a mock to compare with, and the probe of a build
 * does not depend on which other builds share the lab. A built-in or user topology can be named
 * instead (`--topology contoso`): its first CAS of the build is probed.
 */
import type { Lab } from '../lab/lab.ts';
import { startLab } from '../lab/lab.ts';
import { labLookup } from '../clients/lab-agent.ts';
import { BUILDS, getBuild } from '../../mocks/builds/catalogue.ts';
import { loadTopology, mailboxOf, parseTopology, type ServerSpec, type Topology, type TopologyInput, type UserSpec } from '../topology/index.ts';
import { cas, user } from '../topology/defaults/build-helpers.ts';
import { ProbeError } from './errors.ts';
import { parseUser } from './credentials.ts';
import { runProbe, type ProbeRun } from './probe.ts';

const DOMAIN = 'probe.lab';
const NETBIOS = 'PROBE';

/** The host name of the mock CAS of a build in the probe lab. */
export function probeLabHost(buildId: string): string {
  return `cas-${getBuild(buildId).id}.${DOMAIN}`;
}

/** The probe lab's topology for these builds (every build when none are named). */
export function probeLabTopology(buildIds: readonly string[] = BUILDS.map((b) => b.id)): Topology {
  const ids = [...new Set(buildIds.map((b) => getBuild(b).id))];
  // The address follows the build's place in the catalogue, so a build keeps it whatever the others are.
  const addr = (id: string) => `127.0.250.${10 + BUILDS.findIndex((b) => b.id === id)}`;
  const doc: TopologyInput = {
    name: 'probe-lab',
    description: 'One Client Access server per build, as setup leaves it, for cas-conformance probe diff.',
    domain: DOMAIN,
    organisation: { netbiosDomain: NETBIOS },
    sites: ids.map((id) => ({ name: `Probe-${id}`, internetFacing: false })),
    frontDoor: { site: `Probe-${ids[0]}`, address: '127.0.250.2', namespaces: [`mail.${DOMAIN}`] },
    servers: ids.map((id) => cas({ fqdn: probeLabHost(id), site: `Probe-${id}`, build: id, address: addr(id), certificate: 'self-signed' })),
    mailboxServers: ids.map((id) => ({ name: `mbx-${id}.${DOMAIN}`, site: `Probe-${id}`, build: id })),
    users: ids.map((id) => user(`Probe ${id}`, `p-${id}`, DOMAIN, `mbx-${id}.${DOMAIN}`)),
  };
  return parseTopology(doc, 'probe-lab');
}

/** Where a probe of the mock of a build goes: the server, and a user whose own mailbox it serves. */
export interface MockTarget {
  server: ServerSpec;
  user: UserSpec | undefined;
}

/** The first CAS of `buildId` in the lab's topology, and a user of the same site and product. */
export function mockTarget(t: Topology, buildId: string): MockTarget {
  const id = getBuild(buildId).id;
  const server = t.servers.find((s) => getBuild(s.build).id === id);
  if (!server) throw new ProbeError(`topology ${t.name} has no Client Access server of build ${id} (its builds: ${[...new Set(t.servers.map((s) => s.build))].join(', ')})`);
  const product = getBuild(id).product;
  const user = t.users.find((u) => {
    const m = mailboxOf(t, u);
    return m.site === server.site && getBuild(m.build).product === product;
  });
  return { server, user };
}

/** What the probe of the user's server did, to do the same to the mock. */
export interface MockProbeShape {
  credentials: boolean;
  imap?: { implicitTls: boolean };
  pop3?: { implicitTls: boolean };
}

/** Probe the mock of `buildId` in a running lab, shaped like the user's probe. */
export async function probeMock(lab: Lab, buildId: string, shape: MockProbeShape, o: { timestamp?: boolean } = {}): Promise<ProbeRun> {
  const { server, user: u } = mockTarget(lab.topology, buildId);
  if (shape.credentials && !u) throw new ProbeError(`no user of topology ${lab.topology.name} has a mailbox in ${server.site} for a probe with credentials`);
  const mock = lab.mock(server.fqdn);
  const mail = (protocol: 'imap4' | 'pop3', want: { implicitTls: boolean } | undefined) => {
    if (!want) return undefined;
    const entry = mock.mail.find((m) => m.protocol === protocol && m.method === (want.implicitTls ? 'ssl' : 'tls'));
    if (!entry) throw new ProbeError(`${server.fqdn} has no ${protocol} ${want.implicitTls ? 'SSL' : 'TLS'} endpoint`);
    return { host: server.fqdn, port: entry.listener.port, implicitTls: want.implicitTls };
  };
  const netbios = lab.topology.organisation.netbiosDomain;
  return runProbe({
    url: lab.origin(server.fqdn),
    tls: { lookup: labLookup(lab.hosts()), ca: lab.trustBundle() },
    source: { kind: 'mock', build: getBuild(buildId).id },
    ...(shape.credentials && u ? { credentials: { ...parseUser(`${netbios}\\${u.samAccountName}`), password: u.password } } : {}),
    imap: mail('imap4', shape.imap),
    pop3: mail('pop3', shape.pop3),
    timestamp: o.timestamp ?? true,
  });
}

/** Start the lab for a diff: the probe lab of these builds, or a named topology. */
export async function startProbeLab(builds: string[], o: { topology?: string; portable?: boolean } = {}): Promise<Lab> {
  const topology = o.topology ? loadTopology(o.topology) : probeLabTopology(builds);
  for (const b of builds) mockTarget(topology, b); // fail before starting anything
  return startLab({ topology, portable: o.portable ?? false, ports: 'ephemeral' });
}
