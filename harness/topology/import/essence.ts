/**
 * What a topology means to the rules, without the lab's own choices (loopback addresses, description,
 * namespace purposes): used to check that an import of an organisation's exports equals the
 * organisation (test/fixtures/exchange-export/contoso reproduces the built-in contoso).
 * @example
 * expect(topologyEssence(loadTopology('/tmp/org.json'))).toEqual(topologyEssence(loadTopology('contoso')));
 */
import type { Topology } from '../schema.ts';

const sorted = <T>(a: readonly T[]) => [...a].sort();
const by = <T>(key: (x: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));

export function topologyEssence(t: Topology) {
  const vdir = (v: { internalUrl: string | null; externalUrl: string | null; auth: string[] } | undefined) =>
    v ? { ...v, auth: sorted(v.auth) } : null;
  return {
    domain: t.domain,
    organisation: { ...t.organisation, eas451DeviceTypes: sorted(t.organisation.eas451DeviceTypes) },
    sites: t.sites.map((s) => ({ name: s.name, internetFacing: s.internetFacing })).sort(by((s) => s.name)),
    frontDoor: { site: t.frontDoor.site, namespaces: sorted(t.frontDoor.namespaces), healthIntervalMs: t.frontDoor.healthIntervalMs },
    namespaces: t.namespaces.map((n) => ({ name: n.name, site: n.site, target: n.target })).sort(by((n) => n.name)),
    nlb: t.nlb.map((n) => ({ name: n.name, site: n.site, servers: sorted(n.servers) })).sort(by((n) => n.name)),
    servers: t.servers
      .map((s) => ({
        fqdn: s.fqdn, site: s.site, build: s.build, certificate: s.certificate, aliases: sorted(s.aliases), namespaces: sorted(s.namespaces),
        isOutOfService: s.isOutOfService ?? false,
        vdirs: {
          owa: vdir(s.vdirs.owa), eas: vdir(s.vdirs.eas), ews: vdir(s.vdirs.ews), autodiscover: vdir(s.vdirs.autodiscover), oab: vdir(s.vdirs.oab),
          ecp: vdir(s.vdirs.ecp), powershell: vdir(s.vdirs.powershell), rpc: { ...s.vdirs.rpc, auth: sorted(s.vdirs.rpc.auth) },
        },
        imap4: { ...s.imap4, internalConnectionSettings: sorted(s.imap4.internalConnectionSettings) },
        pop3: { ...s.pop3, internalConnectionSettings: sorted(s.pop3.internalConnectionSettings) },
      }))
      .sort(by((s) => s.fqdn)),
    mailboxServers: [...t.mailboxServers].sort(by((m) => m.name)),
    users: t.users
      .map((u) => ({ name: u.name, sam: u.samAccountName, email: u.email, password: u.password, mailboxServer: u.mailboxServer, devices: u.devices.map((d) => d.type), messages: u.messages.length }))
      .sort(by((u) => u.sam)),
  };
}
