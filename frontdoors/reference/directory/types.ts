/**
 * What the directory (harness/directory, the lab's Active Directory) answers, as the front door
 * reads it. Only the fields the front door uses are typed; the rest is ignored.
 */
import type { AuthMethod, LoginType } from '../../../harness/topology/schema.ts';
import type { MailMethod, MailProtocol } from '../../../harness/topology/model.ts';

export type Product = 2007 | 2010;

export interface DirVdir {
  internalUrl: string | null;
  externalUrl: string | null;
  /** The same URLs with the port the lab really serves (use these to connect). */
  labInternalUrl: string | null;
  labExternalUrl: string | null;
  auth: AuthMethod[];
  webDistributionPoint?: boolean;
}

export interface DirMailEndpoint {
  host: string;
  /** Logical port as Exchange prints it (993, 143, ...). */
  port: number;
  /** The port the lab really listens on. */
  labPort: number;
  method: MailMethod;
  setting: string;
}

export interface DirMailService {
  enabled: boolean;
  loginType: LoginType;
  internalConnectionSettings: DirMailEndpoint[];
}

export interface DirServer {
  fqdn: string;
  site: string;
  build: string;
  buildNumber: string;
  product: Product;
  address: string;
  aliases: string[];
  namespaces: string[];
  certificate: 'lab-ca' | 'self-signed';
  isOutOfService: boolean;
  ports: { https: number; http: number };
  vdirs: {
    owa: DirVdir;
    eas: DirVdir;
    ews: DirVdir;
    autodiscover: DirVdir;
    oab: DirVdir;
    ecp?: DirVdir;
    powershell?: DirVdir;
    rpc: { enabled: boolean; externalHostname: string | null; auth: AuthMethod[] };
  };
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
  mailboxBuildNumber: string;
  mailboxVersion: Product;
  site: string;
  devices: { id: string; type: string }[];
}

export interface DirSite {
  name: string;
  internetFacing: boolean;
}

export interface DirOrganisation {
  name: string;
  domain: string;
  eas451DeviceTypes: string[];
  netbiosDomain: string;
}

export type { MailMethod, MailProtocol };
