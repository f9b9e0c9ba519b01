/**
 * The exports `topology import` reads, as data: the file name, the cmdlet, the fields used and the
 * Select-Object that turns every field into text (so CSV and JSON carry the same values whatever the
 * shell: a live Exchange 2007 object, a deserialised Exchange 2010 remote one). docs/import.md lists
 * the same commands; a test keeps the two in step. Field names are the cmdlets' output properties as
 * Microsoft documents them (Get-ExchangeServer, Get-OwaVirtualDirectory, ...).
 */

/** One field and what the import does with it. */
export interface ExportField {
  name: string;
  use: string;
}

export interface ExportSpec {
  /** File base name in the import directory: `<name>.csv` / `<name>.json` (also `<name>-<suffix>.*`). */
  name: string;
  cmdlet: string;
  required: boolean;
  fields: ExportField[];
  /** The Select-Object argument list (calculated properties make every value text). */
  select: string;
  /** What feeds Select-Object when it is not the bare cmdlet (per-server cmdlets). */
  from?: string;
}

/** Every Client Access server, one after the other (cmdlets that read one server at a time). */
const EACH_CAS = 'Get-ExchangeServer | Where-Object { $_.IsClientAccessServer } | ForEach-Object';

const asText = (f: string) => `@{n='${f}';e={"$($_.${f})"}}`;
const joined = (f: string) => `@{n='${f}';e={$_.${f} -join ';'}}`;

const VDIR_FIELDS: ExportField[] = [
  { name: 'Server', use: 'the CAS the virtual directory belongs to (its Name)' },
  { name: 'Name', use: 'which virtual directory (rows whose Name is not this vdir, such as 2007\'s Exchange, Public, Exchweb, are skipped)' },
  { name: 'InternalUrl', use: 'InternalURL (host, scheme, path); a host other than the FQDN becomes an alias, or an NLB name when several CAS share it' },
  { name: 'ExternalUrl', use: 'ExternalURL; its host becomes an Internet-facing namespace of that CAS (unless it is the front door\'s)' },
  { name: 'InternalAuthenticationMethods', use: 'authentication: Fba, Basic, Ntlm, Negotiate, WindowsIntegrated (= Ntlm + Negotiate); WSSecurity, OAuth, Digest, LiveId* and Kerberos are not modelled and are skipped' },
];
const VDIR_SELECT = ['Server', 'Name', asText('InternalUrl'), asText('ExternalUrl'), joined('InternalAuthenticationMethods')];

/** Every export, in the order the import reads them. */
export const EXPORTS: readonly ExportSpec[] = [
  {
    name: 'ExchangeServer', cmdlet: 'Get-ExchangeServer', required: true,
    fields: [
      { name: 'Name', use: 'the server\'s short name (what the other exports call it)' },
      { name: 'Fqdn', use: 'the server\'s FQDN (lower-cased): the name the front door hops to' },
      { name: 'Site', use: 'its AD site (`contoso.lab/Configuration/Sites/Site1` -> Site1)' },
      { name: 'ServerRole', use: 'ClientAccess -> a CAS of the lab; Mailbox -> a mailbox server (other roles are ignored)' },
      { name: 'AdminDisplayVersion', use: '`Version 14.2 (Build 283.3)` -> build 14.2.283.3 -> the catalogue (2010-sp2-ru1); unknown builds are refused' },
      { name: 'Domain', use: 'the organisation\'s DNS domain (else the common suffix of the FQDNs)' },
    ],
    select: ['Name', 'Fqdn', asText('Site'), asText('ServerRole'), asText('AdminDisplayVersion'), 'Domain'].join(','),
  },
  {
    name: 'ClientAccessServer', cmdlet: 'Get-ClientAccessServer', required: false,
    fields: [
      { name: 'Name', use: 'the CAS' },
      { name: 'IsOutOfService', use: 'Exchange 2010: Set-ClientAccessServer -IsOutOfService $true (001) -> never a proxy target; must be empty or False on 2007' },
    ],
    select: ['Name', 'IsOutOfService'].join(','),
  },
  {
    name: 'OwaVirtualDirectory', cmdlet: 'Get-OwaVirtualDirectory', required: true,
    fields: [...VDIR_FIELDS, { name: 'RedirectToOptimalOWAServer', use: '003: Set-OwaVirtualDirectory -RedirectToOptimalOWAServer (default True)' }],
    select: [...VDIR_SELECT, 'RedirectToOptimalOWAServer'].join(','),
  },
  { name: 'ActiveSyncVirtualDirectory', cmdlet: 'Get-ActiveSyncVirtualDirectory', required: true, fields: VDIR_FIELDS, select: VDIR_SELECT.join(',') },
  {
    name: 'WebServicesVirtualDirectory', cmdlet: 'Get-WebServicesVirtualDirectory', required: true,
    fields: [...VDIR_FIELDS, { name: 'InternalNLBBypassUrl', use: '003: the EWS NLB bypass URL (by FQDN)' }],
    select: [...VDIR_SELECT, asText('InternalNLBBypassUrl')].join(','),
  },
  { name: 'OabVirtualDirectory', cmdlet: 'Get-OabVirtualDirectory', required: true, fields: VDIR_FIELDS, select: VDIR_SELECT.join(',') },
  { name: 'AutodiscoverVirtualDirectory', cmdlet: 'Get-AutodiscoverVirtualDirectory', required: true, fields: VDIR_FIELDS, select: VDIR_SELECT.join(',') },
  { name: 'EcpVirtualDirectory', cmdlet: 'Get-EcpVirtualDirectory', required: false, fields: VDIR_FIELDS, select: VDIR_SELECT.join(',') },
  { name: 'PowerShellVirtualDirectory', cmdlet: 'Get-PowerShellVirtualDirectory', required: false, fields: VDIR_FIELDS, select: VDIR_SELECT.join(',') },
  {
    name: 'OutlookAnywhere', cmdlet: 'Get-OutlookAnywhere', required: true,
    fields: [
      { name: 'Server', use: 'the CAS; a CAS without a row has Outlook Anywhere disabled' },
      { name: 'ExternalHostname', use: 'the Outlook Anywhere host name' },
      { name: 'IISAuthenticationMethods', use: 'authentication of /rpc (Basic, Ntlm, Negotiate)' },
      { name: 'ClientAuthenticationMethod', use: 'used when IISAuthenticationMethods is empty (Exchange 2007 RTM)' },
    ],
    select: ['Server', 'ExternalHostname', joined('IISAuthenticationMethods'), asText('ClientAuthenticationMethod')].join(','),
  },
  ...(['ImapSettings', 'PopSettings'] as const).map((n): ExportSpec => ({
    name: n, cmdlet: `Get-${n}`, required: true, from: `${EACH_CAS} { Get-${n} -Server $_.Name }`,
    fields: [
      { name: 'Server', use: 'the CAS' },
      { name: 'LoginType', use: 'PlainTextLogin, PlainTextAuthentication or SecureLogin' },
      { name: 'InternalConnectionSettings', use: 'Exchange 2010: `host:port:SSL`, `host:port:TLS`, `host:port` (001: what CAS2013 enumerates)' },
      { name: 'SSLBindings', use: 'Exchange 2007 (no InternalConnectionSettings): each port -> `fqdn:port:SSL`' },
      { name: 'UnencryptedOrTLSBindings', use: 'Exchange 2007: the standard port (143, 110) -> `fqdn:port:TLS`; any further port -> a plaintext endpoint `fqdn:port`' },
    ],
    select: ['Server', asText('LoginType'), joined('InternalConnectionSettings'), joined('SSLBindings'), joined('UnencryptedOrTLSBindings')].join(','),
  })),
  {
    name: 'MailboxDatabase', cmdlet: 'Get-MailboxDatabase', required: true,
    fields: [
      { name: 'Name', use: 'what users.csv\'s Database names' },
      { name: 'Identity', use: 'also matched (2007 names repeat: `MBX01\\First Storage Group\\Mailbox Database`)' },
      { name: 'Server', use: 'the mailbox server holding it: gives the mailbox\'s site and build' },
    ],
    select: ['Name', asText('Identity'), asText('Server')].join(','),
  },
  {
    name: 'ExchangeCertificate', cmdlet: 'Get-ExchangeCertificate', required: false,
    fields: [
      { name: 'Server', use: 'the CAS (added by the command: the cmdlet does not print it)' },
      { name: 'IsSelfSigned', use: 'True -> the CAS keeps a self-signed certificate (003 Note); False -> a certificate from the lab CA' },
      { name: 'Services', use: 'only certificates bound to IIS count' },
    ],
    select: ['Server', 'IsSelfSigned', asText('Services')].join(','),
  },
];

/** The files the admin writes by hand. */
export const HAND_WRITTEN: readonly ExportSpec[] = [
  {
    name: 'users', cmdlet: '(written by hand)', required: true,
    fields: [
      { name: 'Name', use: 'display name (the report shows it)' },
      { name: 'Database', use: 'the mailbox database (Name or Identity in MailboxDatabase)' },
      { name: 'Role', use: 'optional seed role: red, purple, blue, orange, grey, user1, user2, user3 or version (else derived)' },
      { name: 'SamAccountName', use: 'optional logon name (default: from Name)' },
      { name: 'PrimarySmtpAddress', use: 'optional e-mail address (default: sam@domain)' },
      { name: 'DeviceTypes', use: 'optional EAS device types, `;`-separated (iPhone;WindowsPhone)' },
    ],
    select: '',
  },
  {
    name: 'frontdoor', cmdlet: '(written by hand, optional)', required: false,
    fields: [
      { name: 'Site', use: 'the AD site the front door goes into (default: the only Internet-facing site)' },
      { name: 'Namespaces', use: '`;`-separated names clients use for the front door (default: the OWA ExternalURL hosts of that site\'s newest CAS, plus autodiscover.<domain>)' },
      { name: 'Eas451DeviceTypes', use: '`;`-separated device types on Exchange 2010\'s 451 list (001)' },
    ],
    select: '',
  },
];

/** The PowerShell line that writes one export as CSV or JSON. */
export function exportCommand(e: ExportSpec, format: 'csv' | 'json'): string {
  const out = format === 'csv' ? `Export-Csv ${e.name}.csv -NoTypeInformation -Encoding UTF8` : `ConvertTo-Json -Depth 4 | Set-Content ${e.name}.json -Encoding UTF8`;
  if (e.name === 'ExchangeCertificate') {
    return `${EACH_CAS} { $s = $_.Name; Get-ExchangeCertificate -Server $s | Where-Object { "$($_.Services)" -match 'IIS' } | Select-Object @{n='Server';e={$s}},IsSelfSigned,${asText('Services')} } | ${out}`;
  }
  return `${e.from ?? e.cmdlet} | Select-Object ${e.select} | ${out}`;
}
