/**
 * What the lab's directory answers (harness/directory/directory.ts), as far as the real-proxy
 * adapters read it. Only the fields the adapters use are typed; the directory may send more.
 */
export type DirMailMethod = 'ssl' | 'tls' | 'plain';

export interface DirMailEndpoint {
  host: string;
  /** Logical port as Exchange prints it (993, 143, 1143 ...). */
  port: number;
  method: DirMailMethod;
  setting: string;
  /** The port the lab really listens on. */
  labPort: number;
}

export interface DirMailService {
  enabled: boolean;
  loginType: 'PlainTextLogin' | 'PlainTextAuthentication' | 'SecureLogin';
  internalConnectionSettings: DirMailEndpoint[];
}

export interface DirVdir {
  internalUrl?: string | null;
  externalUrl?: string | null;
  labInternalUrl?: string | null;
  auth?: string[];
  enabled?: boolean;
  [k: string]: unknown;
}

export interface DirServer {
  fqdn: string;
  site: string;
  build: string;
  buildNumber: string;
  /** 2007 or 2010. */
  product: number;
  address: string;
  aliases: string[];
  namespaces: string[];
  certificate: 'lab-ca' | 'self-signed';
  isOutOfService: boolean;
  ports: { https: number; http: number };
  /** owa, eas, ews, autodiscover, oab, ecp, powershell, rpc: the ones the server has. */
  vdirs: Record<string, DirVdir>;
  imap4: DirMailService;
  pop3: DirMailService;
}

export interface DirUser {
  name: string;
  samAccountName: string;
  email: string;
  logon: string;
  mailboxServer: string;
  mailboxBuild: string;
  /** 2007 or 2010. */
  mailboxVersion: number;
  site: string;
}

export interface DirSite {
  name: string;
  internetFacing: boolean;
}

export interface DirFrontDoor {
  site: string;
  address: string;
  namespaces: string[];
}

/** Everything an adapter reads at start. */
export interface DirectorySnapshot {
  servers: DirServer[];
  users: DirUser[];
  sites: DirSite[];
  frontDoor: DirFrontDoor;
}
