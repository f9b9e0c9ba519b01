/**
 * The directory contract: what the lab's directory (harness/directory, the lab's Active Directory)
 * answers on each route, typed once. harness/directory builds these shapes and every front door
 * (frontdoors/reference, frontdoors/shared and the real-proxy adapters) reads them; front doors may
 * import only this file and the other type files of harness/topology (ARCHITECTURE.md layout).
 *
 * | route                  | answer |
 * |------------------------|--------|
 * | GET /organisation      | DirOrganisation |
 * | GET /sites             | DirSite[] |
 * | GET /namespaces        | DirNamespace[] |
 * | GET /front-door        | DirFrontDoor |
 * | GET /servers           | DirServer[] |
 * | GET /servers/:fqdn     | DirServer (404 when unknown) |
 * | GET /users             | DirUser[] |
 * | GET /users/:login      | DirUser (404 when unknown; login = sam, e-mail or DOMAIN\sam) |
 * | POST /auth             | { user, password } -> 200 DirAuthOk, 401 { ok: false }, 400 on a bad body |
 *
 * URLs come twice: as Exchange stores them (`internalUrl`, logical ports) and as the lab really
 * serves them (`labInternalUrl`, the real port): connect with the lab ones, compare with the others.
 * @example
 * import type { DirServer, DirUser } from '../../harness/topology/directory-contract.ts';
 * const site3 = servers.filter((s: DirServer) => s.site === user.site && s.product === user.mailboxVersion);
 */
import type { AuthMethod, LoginType } from './schema.ts';
import type { MailMethod, MailProtocol } from './model.ts';

export type { AuthMethod, LoginType, MailMethod, MailProtocol };

/** Exchange product line of a build (mocks/builds catalogue). */
export type Product = 2007 | 2010;

/** An HTTP virtual directory (owa, eas, ews, autodiscover, oab, ecp, powershell). */
export interface DirVdir {
  internalUrl: string | null;
  externalUrl: string | null;
  /** The same URLs with the port the lab really serves (use these to connect). */
  labInternalUrl: string | null;
  labExternalUrl: string | null;
  auth: AuthMethod[];
}

/** OWA adds the settings of Set-OwaVirtualDirectory the seeds use. */
export interface DirOwaVdir extends DirVdir {
  /** 003: Set-OwaVirtualDirectory -RedirectToOptimalOWAServer. */
  redirectToOptimalOwaServer: boolean;
  extraResourceFolders: string[];
  missingResourceFolders: string[];
}

/** EWS adds the NLB bypass URL (003's NLB table). */
export interface DirEwsVdir extends DirVdir {
  nlbBypassUrl: string | null;
}

/** OAB adds whether the CAS is a web distribution point (001). */
export interface DirOabVdir extends DirVdir {
  webDistributionPoint: boolean;
}

/** Outlook Anywhere (/rpc/rpcproxy.dll): no URLs, an external host name. */
export interface DirRpcVdir {
  enabled: boolean;
  externalHostname: string | null;
  auth: AuthMethod[];
}

export interface DirVdirs {
  owa: DirOwaVdir;
  eas: DirVdir;
  ews: DirEwsVdir;
  autodiscover: DirVdir;
  oab: DirOabVdir;
  /** Exchange 2010 only. */
  ecp?: DirVdir;
  /** Exchange 2010 only. */
  powershell?: DirVdir;
  rpc: DirRpcVdir;
}

/** The vdir keys a server may have. */
export type DirVdirName = keyof DirVdirs;

/** One InternalConnectionSettings entry of POP3/IMAP4 (`host:port:SSL`). */
export interface DirMailEndpoint {
  host: string;
  /** Logical port as Exchange prints it (993, 143, 1143 ...). */
  port: number;
  method: MailMethod;
  /** The setting as Exchange prints it. */
  setting: string;
  /** The port the lab really listens on. */
  labPort: number;
}

export interface DirMailService {
  enabled: boolean;
  loginType: LoginType;
  /** Exchange's defaults filled in when the topology lists none; empty when the service is disabled. */
  internalConnectionSettings: DirMailEndpoint[];
}

/** A legacy Client Access server. */
export interface DirServer {
  fqdn: string;
  site: string;
  /** Catalogue id (`2010-sp2-ru1`). */
  build: string;
  /** Four-part build number (`14.2.283.3`). */
  buildNumber: string;
  product: Product;
  address: string;
  aliases: string[];
  namespaces: string[];
  certificate: 'lab-ca' | 'self-signed';
  isOutOfService: boolean;
  ports: { https: number; http: number };
  vdirs: DirVdirs;
  imap4: DirMailService;
  pop3: DirMailService;
}

/** A mailbox user and where the mailbox lives. */
export interface DirUser {
  name: string;
  samAccountName: string;
  email: string;
  upn: string;
  /** `DOMAIN\sam`. */
  logon: string;
  mailboxServer: string;
  mailboxBuild: string;
  mailboxBuildNumber: string;
  mailboxVersion: Product;
  /** The mailbox server's site. */
  site: string;
  devices: { id: string; type: string }[];
}

export interface DirSite {
  name: string;
  internetFacing: boolean;
  description?: string;
}

export interface DirNamespace {
  name: string;
  site: string;
  /** `front-door` or `server:<fqdn>`. */
  target: string;
  purpose?: string;
}

export interface DirOrganisation {
  name: string;
  domain: string;
  eas451DeviceTypes: string[];
  crossSiteSilentRedirect: boolean;
  allowProxyingWithoutSsl: boolean;
  netbiosDomain: string;
}

export interface DirFrontDoor {
  site: string;
  address: string;
  namespaces: string[];
  healthIntervalMs: number;
  fastHealthIntervalMs: number;
  /** The real HTTPS port of the front door's first namespace. */
  ports: { https: number };
}

/** POST /auth, good credentials. */
export interface DirAuthOk {
  ok: true;
  user: DirUser;
}

/** What an adapter reads once at start (frontdoors/shared fetchDirectory). */
export interface DirectorySnapshot {
  servers: DirServer[];
  users: DirUser[];
  sites: DirSite[];
  frontDoor: DirFrontDoor;
}
