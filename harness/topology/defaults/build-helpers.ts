/**
 * Small builders for the default topologies: a CAS with the virtual directory URLs Exchange setup
 * writes (003: "An internal URL is configured automatically during Exchange 2007 Setup"), and
 * seeded mailboxes. Kept apart so each default topology reads like the seed's figure.
 */
import type { TopologyInput } from '../schema.ts';

type ServerInput = TopologyInput['servers'][number];
type UserInput = TopologyInput['users'][number];

export interface CasOptions {
  fqdn: string;
  site: string;
  build: string;
  address: string;
  /** Host used in InternalURLs when it differs from the FQDN (NLB name or alias). */
  internalHost?: string;
  /** Host of the EAS/OAB/EWS InternalURLs when they name an NLB (003's NLB table). */
  nlbHost?: string;
  /** Internet-facing namespace: sets every ExternalURL. */
  external?: string;
  aliases?: string[];
  namespaces?: string[];
  certificate?: 'lab-ca' | 'self-signed';
  owaAuth?: ('fba' | 'basic' | 'ntlm' | 'negotiate')[];
  easAuth?: ('fba' | 'basic' | 'ntlm' | 'negotiate')[];
  internalUrlScheme?: 'https' | 'http';
  noInternalUrl?: boolean;
  imapPlain?: boolean;
  popPlain?: boolean;
  loginType?: 'PlainTextLogin' | 'PlainTextAuthentication' | 'SecureLogin';
  isOutOfService?: boolean;
}

/** A Client Access server with setup's default vdirs, optionally Internet-facing. */
export function cas(o: CasOptions): ServerInput {
  const is2010 = o.build.startsWith('2010');
  const ih = o.internalHost ?? o.fqdn;
  const nh = o.nlbHost ?? ih;
  const sch = o.internalUrlScheme ?? 'https';
  const int = (host: string, path: string) => (o.noInternalUrl ? null : `${sch}://${host}${path}`);
  const ext = (path: string) => (o.external ? `https://${o.external}${path}` : null);
  const iwa: ('ntlm' | 'negotiate')[] = ['ntlm', 'negotiate'];
  const imapSettings = [`${o.fqdn}:993:SSL`, `${o.fqdn}:143:TLS`, ...(o.imapPlain ? [`${o.fqdn}:1143`] : [])];
  const popSettings = [`${o.fqdn}:995:SSL`, `${o.fqdn}:110:TLS`, ...(o.popPlain ? [`${o.fqdn}:1110`] : [])];
  return {
    fqdn: o.fqdn,
    site: o.site,
    build: o.build,
    address: o.address,
    aliases: o.aliases ?? [],
    namespaces: o.namespaces ?? [],
    certificate: o.certificate ?? 'lab-ca',
    ...(o.isOutOfService !== undefined ? { isOutOfService: o.isOutOfService } : {}),
    vdirs: {
      owa: { internalUrl: int(ih, '/owa'), externalUrl: ext('/owa'), auth: o.owaAuth ?? ['fba', ...iwa] },
      eas: { internalUrl: int(nh, '/Microsoft-Server-ActiveSync'), externalUrl: ext('/Microsoft-Server-ActiveSync'), auth: o.easAuth ?? ['basic', ...iwa] },
      ews: {
        internalUrl: int(nh, '/EWS/Exchange.asmx'),
        externalUrl: ext('/EWS/Exchange.asmx'),
        nlbBypassUrl: o.nlbHost ? `https://${o.fqdn}/EWS/Exchange.asmx` : null,
        auth: ['basic', ...iwa],
      },
      autodiscover: { internalUrl: int(ih, '/Autodiscover/Autodiscover.xml'), externalUrl: null, auth: ['basic', ...iwa] },
      oab: { internalUrl: int(nh, '/OAB'), externalUrl: ext('/OAB'), auth: ['basic', ...iwa], webDistributionPoint: true },
      ...(is2010
        ? {
            ecp: { internalUrl: int(ih, '/ecp'), externalUrl: ext('/ecp'), auth: ['fba', ...iwa] },
            powershell: { internalUrl: `http://${o.fqdn}/PowerShell`, externalUrl: null, auth: ['ntlm', 'negotiate'] },
          }
        : {}),
      rpc: { enabled: true, externalHostname: o.external ?? null, auth: ['basic', 'ntlm'] },
    },
    imap4: { internalConnectionSettings: imapSettings, loginType: o.loginType ?? 'SecureLogin' },
    pop3: { internalConnectionSettings: popSettings, loginType: o.loginType ?? 'SecureLogin' },
  };
}

const SAMPLE_SUBJECTS = ['Welcome to the lab', 'Migration weekend plan', 'Quarterly report'];

/** A user with a password and three seeded messages. */
export function user(name: string, sam: string, domain: string, mailboxServer: string, devices: { id: string; type: string }[] = []): UserInput {
  const email = `${sam}@${domain}`;
  return {
    name,
    samAccountName: sam,
    email,
    password: `${name.replace(/[^A-Za-z0-9]/g, '')}-P@ss1`,
    mailboxServer,
    devices,
    messages: SAMPLE_SUBJECTS.map((subject, i) => ({
      subject: `${subject} (${name})`,
      from: `admin@${domain}`,
      date: new Date(Date.UTC(2014, 2, 10 + i, 9, 30)).toISOString(),
      body: `Hello ${name},\r\n\r\nThis is message ${i + 1} in your mailbox on ${mailboxServer}.\r\n.\r\nA line that starts with a dot, for dot-stuffing.\r\n`,
    })),
  };
}
