/**
 * Build the CasContext of one server of a topology. Used by the lab (real listeners) and by users who
 * mount the vdir handlers in process with msw's setupServer.
 */
import type { Topology } from '../../harness/topology/index.ts';
import { findUser, hostsEntries } from '../../harness/topology/index.ts';
import type { NewEvent } from '../../harness/journal/events.ts';
import { getBuild, compareBuilds } from '../builds/catalogue.ts';
import { EventLog } from '../events/event-log.ts';
import { SessionStore } from './sessions.ts';
import { NtlmAuthenticator } from '../auth/ntlm/index.ts';
import type { CasContext, HttpFault, PortMap } from './context.ts';

export interface CasContextOptions {
  topology: Topology;
  /** FQDN of the server in the topology. */
  server: string;
  record?: (e: NewEvent) => void;
  ports?: PortMap;
  fault?: (vdir: string) => HttpFault | undefined;
  resolveHost?: (name: string) => string | undefined;
  /** For in-process use with msw's setupServer: the origin the handlers answer for (e.g. `https://cas2010.site1.contoso.lab`). */
  baseUrl?: string;
}

export function createCasContext(o: CasContextOptions): CasContext {
  const server = o.topology.servers.find((s) => s.fqdn === o.server);
  if (!server) throw new RangeError(`no server ${o.server} in topology ${o.topology.name}`);
  const build = getBuild(server.build);
  const record = o.record ?? (() => {});
  const ctx: CasContext = {
    topology: o.topology,
    path: (p) => `${o.baseUrl ?? ''}${p}`,
    server,
    build,
    record,
    eventLog: new EventLog(server.fqdn, record),
    sessions: new SessionStore(),
    ntlm: new NtlmAuthenticator({
      netbiosDomain: o.topology.organisation.netbiosDomain,
      dnsDomain: o.topology.domain,
      computerName: server.fqdn.split('.')[0]!.toUpperCase().slice(0, 15),
      dnsComputerName: server.fqdn,
      lookup: (user, domain) => {
        const u = findUser(o.topology, user);
        const domainOk = !domain || domain.toUpperCase() === o.topology.organisation.netbiosDomain || domain.toLowerCase() === o.topology.domain;
        return u && domainOk ? { samAccountName: u.samAccountName, password: u.password } : undefined;
      },
    }),
    ports: o.ports ?? ((_h, p) => p),
    resolveHost: o.resolveHost ?? ((name) => hostsEntries(o.topology).find((h) => h.name === name.toLowerCase())?.address),
    affinity: new Map(),
    resourceFolders() {
      // 002: "After you apply Service Pack 1, the control directories from the previous version will be removed":
      // a CAS holds its own folder plus any copied by hand (extraResourceFolders).
      const owa = server.vdirs.owa;
      const set = new Set([build.owa.resourceFolder, ...owa.extraResourceFolders]);
      for (const m of owa.missingResourceFolders) set.delete(m);
      return set;
    },
    fault: o.fault ?? (() => undefined),
    findUser: (login) => findUser(o.topology, login),
    checkPassword(login, password) {
      const u = findUser(o.topology, login);
      return u && u.password === password ? u : undefined;
    },
  };
  return ctx;
}

/** Newest first: used when a CAS looks for the highest resource folder a target holds (002). */
export function sortFoldersDescending(folders: Iterable<string>): string[] {
  return [...folders].sort((a, b) => compareBuilds(b, a));
}
