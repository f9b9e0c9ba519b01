/**
 * Which rules read each field of a probe file, and what kind of field it is: a table, first match
 * wins (patterns over the dotted path: `*` one segment, `**` any number). RULES.md names the rules;
 * fields.test.ts checks every ID exists and every field of a mock's probe has a row.
 *
 * Classes:
 * - `build`: differs from one Exchange build to another (the mock of the build must match it);
 * - `behaviour`: the same across builds, reproduced by the mocks (statuses, pings, headers, banners);
 * - `config`: set by an administrator (vdir authentication, LoginType): a difference means the
 *   topology should say so (vdirs.<v>.auth, imap4/pop3.loginType) rather than that the mock is wrong;
 * - `deployment`: the site's TLS and certificate, listed but not counted as mock differences;
 * - `request`: what the probe sent, never compared.
 */

export type FieldClass = 'build' | 'behaviour' | 'config' | 'deployment' | 'request';

export interface FieldRow {
  pattern: string;
  cls: FieldClass;
  rules: readonly string[];
  /** What the field is, for the diff's reader. */
  what: string;
}

const OWA_FLOW = ['OWA-01', 'OWA-02', 'OWA-03', 'OWA-04', 'OWA-05', 'OWA-06', 'OWA-07'];
const OWA_VERSION = ['OWA-08', 'OWA-09', 'VER-01', 'VER-02'];
const EAS = ['EAS-01', 'EAS-02', 'EAS-03', 'EAS-04', 'EAS-05', 'EAS-06', 'EAS-07', 'EAS-08'];
const EWS = ['EWS-01', 'EWS-02', 'EWS-03', 'EWS-04'];
const AUTOD = ['AUTOD-01', 'AUTOD-02', 'AUTOD-03', 'AUTOD-04', 'AUTOD-05'];
const AUTH = ['AUTH-01', 'AUTH-02', 'AUTH-03', 'AUTH-05'];
const PING = ['HC-01', 'HC-02', 'HC-03', 'HC-07', 'AUTH-04', 'SEC-03'];
const MAIL_SESSION = ['MAIL-01', 'MAIL-02', 'MAIL-05', 'MAIL-06'];
const MAIL_METHOD = ['MAIL-03', 'MAIL-04', 'MAIL-05', 'MAIL-07'];

/** Per vdir: the rules whose clients meet that vdir's 401 (AUTH-01 everywhere, the protocol's own rules). */
const VDIR_RULES: Record<string, readonly string[]> = {
  ecp: ['AUTH-01'],
  powershell: ['AUTH-01'],
  ews: [...AUTH, ...EWS, 'COOK-04'],
  eas: [...AUTH, ...EAS],
  autodiscover: ['AUTH-01', ...AUTOD],
  oab: ['AUTH-01', 'OAB-01'],
  rpc: ['AUTH-01', 'OA-01', 'OA-02', 'OA-03'],
};

export const FIELD_TABLE: readonly FieldRow[] = [
  { pattern: '**.request', cls: 'request', rules: [], what: 'what the probe sent' },
  { pattern: 'mail.*.implicitTls', cls: 'request', rules: [], what: 'how the probe connected' },
  { pattern: '**.headers.x-owa-version', cls: 'build', rules: [...OWA_VERSION, 'COOK-02', 'COOK-03'], what: 'X-OWA-Version: the build' },
  { pattern: 'http.owa.logon.title', cls: 'build', rules: OWA_FLOW, what: 'logon page title (2007 Outlook Web Access, 2010 Outlook Web App)' },
  { pattern: 'http.owa.logon.formAction', cls: 'build', rules: [...OWA_FLOW, 'COOK-01', 'COOK-07'], what: 'where the sign-in form posts' },
  { pattern: 'http.owa.logon.formFields', cls: 'build', rules: [...OWA_FLOW, 'COOK-01', 'COOK-07'], what: 'sign-in form fields' },
  { pattern: 'http.owa.logon.resource*', cls: 'build', rules: OWA_VERSION, what: 'versioned resource folders the logon page references' },
  { pattern: 'http.owa.*.status', cls: 'behaviour', rules: [...OWA_FLOW, 'HC-02'], what: 'OWA answer before sign-in' },
  { pattern: 'http.owa.*.location', cls: 'behaviour', rules: [...OWA_FLOW, 'HC-02'], what: 'OWA redirect to the logon page' },
  { pattern: 'http.owa.**', cls: 'behaviour', rules: [], what: 'OWA answer headers' },
  { pattern: 'http.presence.*', cls: 'build', rules: ['HC-01'], what: '/ecp and /PowerShell exist (Exchange 2010)' },
  { pattern: 'http.vdirs.ecp.**', cls: 'build', rules: ['HC-01', 'HC-02', 'AUTH-01'], what: '/ecp answers (Exchange 2010 only)' },
  { pattern: 'http.vdirs.powershell.**', cls: 'build', rules: ['HC-01', 'HC-02', 'AUTH-01'], what: '/PowerShell answers (Exchange 2010 only)' },
  { pattern: 'http.vdirs.*.ping.wwwAuthenticate', cls: 'config', rules: PING, what: 'offers answered to the health ping' },
  { pattern: 'http.vdirs.*.ping.basicRealm', cls: 'config', rules: PING, what: 'Basic realm answered to the health ping' },
  { pattern: 'http.vdirs.*.ping.**', cls: 'behaviour', rules: PING, what: 'answer to the 2013 health ping' },
  ...Object.entries(VDIR_RULES).flatMap(([v, rules]): FieldRow[] => [
    { pattern: `http.vdirs.${v}.challenge.wwwAuthenticate`, cls: 'config', rules, what: `${v} authentication offers (Set-*VirtualDirectory)` },
    { pattern: `http.vdirs.${v}.challenge.basicRealm`, cls: 'config', rules, what: `${v} Basic realm` },
    { pattern: `http.vdirs.${v}.challenge.status`, cls: 'behaviour', rules, what: `${v} answer without credentials` },
    { pattern: `http.vdirs.${v}.challenge.**`, cls: 'behaviour', rules: [], what: `${v} answer headers` },
  ]),
  { pattern: 'http.eas.options.wwwAuthenticate', cls: 'config', rules: EAS, what: 'EAS authentication offers' },
  { pattern: 'http.eas.options.basicRealm', cls: 'config', rules: EAS, what: 'EAS Basic realm' },
  { pattern: 'http.eas.options.status', cls: 'behaviour', rules: EAS, what: 'EAS OPTIONS without credentials' },
  { pattern: 'http.eas.**', cls: 'behaviour', rules: [], what: 'EAS OPTIONS answer headers' },
  { pattern: 'http.autodiscover.post.wwwAuthenticate', cls: 'config', rules: ['AUTH-01', ...AUTOD], what: 'Autodiscover authentication offers' },
  { pattern: 'http.autodiscover.post.basicRealm', cls: 'config', rules: ['AUTH-01', ...AUTOD], what: 'Autodiscover Basic realm' },
  { pattern: 'http.autodiscover.post.status', cls: 'behaviour', rules: ['AUTH-01', ...AUTOD], what: 'Autodiscover POST without credentials' },
  { pattern: 'http.autodiscover.errorCode', cls: 'behaviour', rules: AUTOD, what: 'Autodiscover error code' },
  { pattern: 'http.autodiscover.**', cls: 'behaviour', rules: [], what: 'Autodiscover answer headers' },
  { pattern: 'authenticated.eas.options.headers.ms-asprotocolversions', cls: 'build', rules: [...EAS, 'VER-01'], what: 'MS-ASProtocolVersions' },
  { pattern: 'authenticated.eas.options.headers.ms-server-activesync', cls: 'build', rules: [...EAS, 'VER-01'], what: 'MS-Server-ActiveSync' },
  { pattern: 'authenticated.eas.options.headers.ms-asprotocolcommands', cls: 'behaviour', rules: EAS, what: 'MS-ASProtocolCommands' },
  { pattern: 'authenticated.eas.**', cls: 'behaviour', rules: EAS, what: 'EAS OPTIONS of the user' },
  { pattern: 'authenticated.ews.serverVersionInfo', cls: 'build', rules: [...EWS, 'VER-02'], what: 'EWS ServerVersionInfo' },
  { pattern: 'authenticated.ews.serverVersionInfo.*', cls: 'build', rules: [...EWS, 'VER-02'], what: 'EWS ServerVersionInfo' },
  { pattern: 'authenticated.ews.schemaVersion', cls: 'build', rules: [...EWS, 'VER-02'], what: 'EWS schema version (types.xsd)' },
  { pattern: 'authenticated.ews.**', cls: 'behaviour', rules: EWS, what: 'EWS GET of the user' },
  { pattern: 'tls.**', cls: 'deployment', rules: ['TLS-01', 'TLS-05', 'TLS-07'], what: 'TLS and certificate of the site' },
  { pattern: 'mail.*.tls.**', cls: 'deployment', rules: ['MAIL-03', 'MAIL-07'], what: 'mail TLS of the site' },
  { pattern: 'mail.*.tls', cls: 'deployment', rules: ['MAIL-03', 'MAIL-07'], what: 'mail TLS of the site' },
  { pattern: 'mail.*.banner', cls: 'behaviour', rules: MAIL_SESSION, what: 'greeting' },
  { pattern: 'mail.*.loginTypeHint', cls: 'config', rules: ['MAIL-04', 'MAIL-07'], what: 'LoginType (Set-ImapSettings/Set-PopSettings)' },
  { pattern: 'mail.*.capabilities', cls: 'config', rules: MAIL_METHOD, what: 'capabilities before TLS (depend on LoginType)' },
  { pattern: 'mail.*.starttls.offered', cls: 'config', rules: MAIL_METHOD, what: 'STARTTLS/STLS offered' },
  { pattern: 'mail.*.starttls.capabilities', cls: 'behaviour', rules: MAIL_METHOD, what: 'capabilities after TLS' },
  { pattern: 'mail.*.**', cls: 'behaviour', rules: MAIL_METHOD, what: 'mail session' },
  { pattern: '**', cls: 'behaviour', rules: [], what: '(no row: fields.ts)' },
];

function toRegExp(pattern: string): RegExp {
  const body = pattern
    .split('.')
    .map((seg) => (seg === '**' ? '(?:[^.]+(?:\\.[^.]+)*)' : seg.replace(/[-\\^$+?()|[\]{}]/g, '\\$&').replace(/\*/g, '[^.]*')))
    .join('\\.');
  return new RegExp(`^${body}$`);
}

const COMPILED = FIELD_TABLE.map((row) => ({ row, re: toRegExp(row.pattern) }));

/**
 * The row of a field path.
 * @example
 * fieldRow('http.owa.root.headers.x-owa-version').rules; // ['OWA-08', 'OWA-09', 'VER-01', 'VER-02', 'COOK-02', 'COOK-03']
 */
export function fieldRow(path: string): FieldRow {
  return COMPILED.find((c) => c.re.test(path))!.row;
}
