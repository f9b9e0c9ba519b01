/**
 * The directory: a read-only loopback HTTP JSON service that plays Active Directory for front doors
 * (ARCHITECTURE.md "Directory"). Users -> mailbox server, build, site; servers and their vdir settings
 * (logical URLs as Exchange stores them, plus the URL the lab really serves); sites; a credential check.
 *
 * Routes: GET /organisation, /sites, /servers, /servers/:fqdn, /users, /users/:login, /namespaces,
 * /front-door; POST /auth { user, password } -> 200 { ok, user } | 401 { ok: false }. The answers'
 * shapes are the directory contract, typed once in harness/topology/directory-contract.ts.
 */
import { findUser, mailboxOf, mailEndpoints, type ServerSpec, type Topology, type UserSpec } from '../topology/index.ts';
import type { DirAuthOk, DirFrontDoor, DirMailService, DirOrganisation, DirServer, DirUser, DirVdir, DirVdirs } from '../topology/directory-contract.ts';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import { HttpJsonError, startJsonService } from '../lab/http-json.ts';

export interface DirectoryPorts {
  /** Real port for a host and logical port. */
  (host: string, logicalPort: number): number;
}

function labUrl(url: string | null, ports: DirectoryPorts): string | null {
  if (!url) return null;
  const u = new URL(url);
  const logical = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  u.port = String(ports(u.hostname, logical));
  return u.toString();
}

/** A vdir with its lab URLs beside the logical ones. */
function withLabUrls<V extends { internalUrl: string | null; externalUrl: string | null }>(v: V, ports: DirectoryPorts): V & Pick<DirVdir, 'labInternalUrl' | 'labExternalUrl'> {
  return { ...v, labInternalUrl: labUrl(v.internalUrl, ports), labExternalUrl: labUrl(v.externalUrl, ports) };
}

function directoryVdirs(s: ServerSpec, ports: DirectoryPorts): DirVdirs {
  const v = s.vdirs;
  return {
    owa: withLabUrls(v.owa, ports),
    eas: withLabUrls(v.eas, ports),
    ews: withLabUrls(v.ews, ports),
    autodiscover: withLabUrls(v.autodiscover, ports),
    oab: withLabUrls(v.oab, ports),
    ...(v.ecp ? { ecp: withLabUrls(v.ecp, ports) } : {}),
    ...(v.powershell ? { powershell: withLabUrls(v.powershell, ports) } : {}),
    rpc: v.rpc,
  };
}

/** A server as the directory answers it (harness/topology/directory-contract.ts). */
export function directoryServer(s: ServerSpec, ports: DirectoryPorts): DirServer {
  const b = getBuild(s.build);
  const vdirs = directoryVdirs(s, ports);
  const mail = (protocol: 'imap4' | 'pop3'): DirMailService => ({
    enabled: s[protocol].enabled,
    loginType: s[protocol].loginType,
    internalConnectionSettings: mailEndpoints(s, protocol).map((e) => ({ ...e, labPort: ports(e.host, e.port) })),
  });
  return {
    fqdn: s.fqdn,
    site: s.site,
    build: b.id,
    buildNumber: b.build,
    product: b.product,
    address: s.address,
    aliases: s.aliases,
    namespaces: s.namespaces,
    certificate: s.certificate,
    isOutOfService: s.isOutOfService ?? false,
    ports: { https: ports(s.fqdn, 443), http: ports(s.fqdn, 80) },
    vdirs,
    imap4: mail('imap4'),
    pop3: mail('pop3'),
  };
}

/** A user as the directory answers it. */
export function directoryUser(t: Topology, u: UserSpec): DirUser {
  const m = mailboxOf(t, u);
  const b = getBuild(m.build);
  return {
    name: u.name,
    samAccountName: u.samAccountName,
    email: u.email,
    upn: u.email,
    logon: `${t.organisation.netbiosDomain}\\${u.samAccountName}`,
    mailboxServer: m.name,
    mailboxBuild: b.id,
    mailboxBuildNumber: b.build,
    mailboxVersion: b.product,
    site: m.site,
    devices: u.devices,
  };
}

/** Start the directory on host:port (0 = ephemeral). */
export async function startDirectory(t: Topology, ports: DirectoryPorts, host = '127.0.0.1', port = 0) {
  const user = (login: string) => {
    const u = findUser(t, login);
    if (!u) throw new HttpJsonError(404, `no user ${login}`);
    return u;
  };
  return startJsonService({
    host,
    port,
    routes: [
      { method: 'GET', path: '/organisation', handler: () => [200, { name: t.name, domain: t.domain, ...t.organisation } satisfies DirOrganisation] },
      { method: 'GET', path: '/sites', handler: () => [200, t.sites] },
      { method: 'GET', path: '/namespaces', handler: () => [200, t.namespaces] },
      { method: 'GET', path: '/front-door', handler: () => [200, { ...t.frontDoor, ports: { https: ports(t.frontDoor.namespaces[0]!, 443) } } satisfies DirFrontDoor] },
      { method: 'GET', path: '/servers', handler: () => [200, t.servers.map((s) => directoryServer(s, ports))] },
      {
        method: 'GET',
        path: '/servers/:fqdn',
        handler: (_r, p) => {
          const s = t.servers.find((x) => x.fqdn === p.fqdn);
          if (!s) throw new HttpJsonError(404, `no server ${p.fqdn}`);
          return [200, directoryServer(s, ports)];
        },
      },
      { method: 'GET', path: '/users', handler: () => [200, t.users.map((u) => directoryUser(t, u))] },
      { method: 'GET', path: '/users/:login', handler: (_r, p) => [200, directoryUser(t, user(p.login!))] },
      {
        method: 'POST',
        path: '/auth',
        handler: (_r, _p, body) => {
          const b = (body ?? {}) as { user?: unknown; password?: unknown };
          if (typeof b.user !== 'string' || typeof b.password !== 'string') throw new HttpJsonError(400, 'body must be { "user": string, "password": string }');
          const u = findUser(t, b.user);
          return u && u.password === b.password ? [200, { ok: true, user: directoryUser(t, u) } satisfies DirAuthOk] : [401, { ok: false }];
        },
      },
    ],
  });
}
