/**
 * The topology document: one JSON file describing a legacy Exchange organisation (sites, Client
 * Access servers and their virtual directories, mailbox servers, users, the front door's place).
 * Validated with zod; parseTopology() reports every problem with its JSON path.
 *
 * Ports written in the topology are the *logical* Exchange ports (443, 80, 993, 143, 995, 110).
 * The lab maps them to the ports it really binds and publishes both (state file, directory).
 */
import { z } from 'zod';

const FQDN_RE = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const fqdn = z.string().regex(FQDN_RE, 'must be a lower-case DNS name such as cas01.site1.contoso.lab');
const loopback = z
  .string()
  .regex(/^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/, 'must be a loopback IPv4 address (127.x.y.z)');
const vdirUrl = z
  .string()
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d+)?\/[A-Za-z0-9\-/._]*$/, 'must be an https:// or http:// URL with a path');

/** IIS authentication methods on a virtual directory. */
export const AuthMethod = z.enum(['fba', 'basic', 'ntlm', 'negotiate']);
export type AuthMethod = z.infer<typeof AuthMethod>;

const vdirBase = {
  internalUrl: vdirUrl.nullable().default(null),
  externalUrl: vdirUrl.nullable().default(null),
  auth: z.array(AuthMethod).min(1, 'needs at least one authentication method').default(['basic', 'ntlm']),
};

export const OwaVdir = z.strictObject({
  ...vdirBase,
  auth: z.array(AuthMethod).min(1).default(['fba']),
  /** 003: Set-OwaVirtualDirectory -RedirectToOptimalOWAServer. */
  redirectToOptimalOwaServer: z.boolean().default(true),
  /** Version-named resource folders in ClientAccess\owa besides the server's own (002's workaround). */
  extraResourceFolders: z.array(z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'must be a build-numbered folder name')).default([]),
  /** Resource folders to remove (002: "After you apply Service Pack 1, the control directories from the previous version will be removed"). */
  missingResourceFolders: z.array(z.string()).default([]),
});
export const EasVdir = z.strictObject({ ...vdirBase });
export const EwsVdir = z.strictObject({ ...vdirBase, nlbBypassUrl: vdirUrl.nullable().default(null) });
export const OabVdir = z.strictObject({
  ...vdirBase,
  /** 001: the CAS is a web distribution point for the OAB. */
  webDistributionPoint: z.boolean().default(true),
});
export const SimpleVdir = z.strictObject({ ...vdirBase });
export const RpcVdir = z.strictObject({
  /** Outlook Anywhere enabled (001: enabled on all CAS once 2013 is deployed). */
  enabled: z.boolean().default(true),
  externalHostname: fqdn.nullable().default(null),
  auth: z.array(AuthMethod).min(1).default(['basic', 'ntlm']),
});

export const Vdirs = z.strictObject({
  owa: OwaVdir.default(OwaVdir.parse({})),
  eas: EasVdir.default(EasVdir.parse({})),
  ews: EwsVdir.default(EwsVdir.parse({})),
  autodiscover: SimpleVdir.default(SimpleVdir.parse({})),
  oab: OabVdir.default(OabVdir.parse({})),
  ecp: SimpleVdir.optional(),
  powershell: SimpleVdir.optional(),
  rpc: RpcVdir.default(RpcVdir.parse({})),
});

/** `cas01.site1.contoso.lab:993:SSL`, `...:143:TLS`, or `...:143` (no encryption = plaintext). */
export const ConnectionSetting = z
  .string()
  .regex(/^[a-z0-9.-]+:\d{1,5}(:(SSL|TLS))?$/, 'must look like host:port:SSL, host:port:TLS or host:port');

export const LoginType = z.enum(['PlainTextLogin', 'PlainTextAuthentication', 'SecureLogin']);
export type LoginType = z.infer<typeof LoginType>;

export const MailService = z.strictObject({
  enabled: z.boolean().default(true),
  /** Set-PopSettings / Set-ImapSettings -InternalConnectionSettings. Empty = Exchange's defaults. */
  internalConnectionSettings: z.array(ConnectionSetting).default([]),
  /** Extra listeners not advertised (e.g. a plaintext port kept for old clients). */
  loginType: LoginType.default('SecureLogin'),
});

export const Server = z.strictObject({
  fqdn,
  site: z.string().min(1),
  /** A build id or number of the catalogue (mocks/builds). */
  build: z.string().min(1),
  address: loopback,
  /** Other DNS names that resolve to this server (InternalURL aliases, NLB names it answers for). */
  aliases: z.array(fqdn).default([]),
  /** Internet-facing names this server answers for (e.g. legacy.contoso.lab). */
  namespaces: z.array(fqdn).default([]),
  /** `lab-ca`: a certificate from the lab CA; `self-signed`: Exchange's default certificate (003 Note). */
  certificate: z.enum(['lab-ca', 'self-signed']).default('lab-ca'),
  /** Set-ClientAccessServer -IsOutOfService (001; Exchange 2010 only). */
  isOutOfService: z.boolean().optional(),
  /** Required (issue 13): a Client Access server without its virtual directories is a broken export, not setup's defaults. */
  vdirs: Vdirs,
  pop3: MailService.default(MailService.parse({})),
  imap4: MailService.default(MailService.parse({})),
});

export const Site = z.strictObject({
  name: z.string().min(1),
  /** 001: "any Active Directory site containing Client Access servers whose virtual directories have the ExternalURL property populated". */
  internetFacing: z.boolean(),
  description: z.string().optional(),
});

export const MailboxServer = z.strictObject({
  name: fqdn,
  site: z.string().min(1),
  build: z.string().min(1),
});

export const Message = z.strictObject({
  subject: z.string(),
  from: z.string(),
  date: z.string().datetime({ offset: true }),
  body: z.string(),
});

export const User = z.strictObject({
  /** Display name as the seeds use it: Red, Purple, User1. */
  name: z.string().min(1),
  /** Logon name (DOMAIN\\name and UPN are derived). */
  samAccountName: z.string().regex(/^[a-z0-9._-]+$/, 'must be a lower-case account name'),
  email: z.string().regex(/^[^@\s]+@[a-z0-9.-]+$/, 'must be an e-mail address'),
  password: z.string().min(1),
  /** The mailbox server holding this user's mailbox (a mailboxServers[].name). */
  mailboxServer: z
    .string({ error: (iss) => (iss.input === undefined ? "required: the FQDN of the mailbox server holding this user's mailbox (one of mailboxServers[].name)" : undefined) })
    .regex(FQDN_RE, 'must be a lower-case DNS name such as mbx2010.site1.contoso.lab'),
  /** EAS device this user syncs with (device type matters for the 451 list). */
  devices: z.array(z.strictObject({ id: z.string().regex(/^[A-Za-z0-9]+$/), type: z.string().min(1) })).default([]),
  messages: z.array(Message).default([]),
  /**
   * The seed role this user plays (harness/topology/roles.ts): red, purple, blue, orange, grey
   * (seed 001), user1, user2, user3 (seed 003) or version (a user behind one CAS build). Optional:
   * without it the harness derives roles from sites, ExternalURLs and builds.
   */
  role: z.enum(['red', 'purple', 'blue', 'orange', 'grey', 'user1', 'user2', 'user3', 'version']).optional(),
});

export const Namespace = z.strictObject({
  name: fqdn,
  site: z.string().min(1),
  /** `front-door`: resolves to the candidate; `server:<fqdn>`: to a mock CAS (e.g. legacy -> CAS2007 Site1). */
  target: z.union([z.literal('front-door'), z.string().regex(/^server:/, 'must be "front-door" or "server:<fqdn>"')]),
  purpose: z.string().optional(),
});

export const Nlb = z.strictObject({
  name: fqdn,
  site: z.string().min(1),
  address: loopback,
  servers: z.array(fqdn).min(1),
});

export const Profile = z.enum(['exchange2013', 'exchange2010', 'exchange2007']);
export type Profile = z.infer<typeof Profile>;

export const FrontDoor = z.strictObject({
  site: z.string().min(1),
  address: loopback,
  /** Namespaces clients use to reach the front door (mail, autodiscover). */
  namespaces: z.array(fqdn).min(1),
  /** Health probe interval (001: "Every 50 seconds"). */
  healthIntervalMs: z.number().int().positive().default(50_000),
  /** The interval used in the lab's fast mode (2 s: probes cost a TLS handshake each; 1 s overloads 2 cores). */
  fastHealthIntervalMs: z.number().int().positive().default(2_000),
});

export const Organisation = z.strictObject({
  /** 001: devices "on a defined list of devices that supports the 451 redirect response". */
  eas451DeviceTypes: z.array(z.string()).default([]),
  /** 001: "CAS2010 in Site1 is configured to do cross-site silent redirection". */
  crossSiteSilentRedirect: z.boolean().default(false),
  /** 004: registry AllowProxyingWithoutSsl on the proxying CAS. */
  allowProxyingWithoutSsl: z.boolean().default(false),
  /** NetBIOS domain for DOMAIN\\user logons. */
  netbiosDomain: z.string().regex(/^[A-Z0-9-]+$/).default('CONTOSO'),
});

export const TopologySchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().regex(/^[a-z0-9-]+$/, 'must be a lower-case name'),
  description: z.string().default(''),
  /** Which seed the topology is drawn from. */
  source: z.string().optional(),
  domain: fqdn,
  organisation: Organisation.default(Organisation.parse({})),
  sites: z.array(Site).min(1),
  frontDoor: FrontDoor,
  namespaces: z.array(Namespace).default([]),
  nlb: z.array(Nlb).default([]),
  servers: z.array(Server).min(1),
  mailboxServers: z.array(MailboxServer).min(1),
  users: z.array(User).min(1),
});

/** Input form (what a user writes: defaults may be left out). */
export type TopologyInput = z.input<typeof TopologySchema>;
/** A validated topology with defaults filled in. */
export type Topology = z.output<typeof TopologySchema>;
export type ServerSpec = Topology['servers'][number];
export type UserSpec = Topology['users'][number];
export type SiteSpec = Topology['sites'][number];
export type MailServiceSpec = ServerSpec['pop3'];
export type VdirName = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'ecp' | 'powershell' | 'rpc';
