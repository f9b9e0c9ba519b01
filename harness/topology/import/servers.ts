/**
 * Exchange servers and their Client Access settings from the exports: which servers exist (name,
 * FQDN, site, roles, build), each CAS's virtual directories, Outlook Anywhere, POP3/IMAP4 endpoints,
 * IsOutOfService and certificate. Names, aliases and addresses are decided later (names.ts).
 */
import type { BuildTraits } from '../../../mocks/builds/catalogue.ts';
import type { AuthMethod, LoginType } from '../schema.ts';
import type { ExportRow, ExportTable } from './table.ts';
import { bool, host, list, need, site, text, url } from './cells.ts';
import { buildOfRow } from './builds.ts';
import { TopologyImportError } from '../errors.ts';

/** A row of Get-ExchangeServer. */
export interface ImportedServer {
  row: ExportRow;
  name: string;
  fqdn: string;
  site: string;
  build: BuildTraits;
  isCas: boolean;
  isMailbox: boolean;
  domain: string | null;
}

/** Read Get-ExchangeServer: every server with its site and catalogue build. */
export function readServers(t: ExportTable): ImportedServer[] {
  const out: ImportedServer[] = [];
  for (const row of t.rows) {
    const roles = need(row, 'ServerRole');
    const isCas = /ClientAccess/i.test(roles);
    const isMailbox = /Mailbox/i.test(roles);
    const name = need(row, 'Name');
    if (!isCas && !isMailbox) continue; // Hub Transport, Edge, Unified Messaging: not in the lab
    const fqdn = host(row, 'Fqdn');
    if (!fqdn) throw row.error('Fqdn', 'is empty');
    const dup = out.find((s) => s.name.toLowerCase() === name.toLowerCase() || s.fqdn === fqdn);
    if (dup) throw row.error('Name', `server ${name} is listed twice (first at ${dup.row.file} row ${dup.row.row})`);
    out.push({ row, name, fqdn, site: site(row, 'Site'), build: buildOfRow(row), isCas, isMailbox, domain: text(row, 'Domain')?.toLowerCase() ?? null });
  }
  if (!out.some((s) => s.isCas)) throw new TopologyImportError(t.files.join(', '), null, 'ServerRole', 'no server has the ClientAccess role');
  return out;
}

/** Find the server a row's `Server` (or Identity `CAS01\owa (Default Web Site)`) names. */
export function serverOfRow(servers: ImportedServer[], row: ExportRow, field = 'Server'): ImportedServer {
  const v = text(row, field) ?? (field === 'Server' ? text(row, 'Identity')?.split('\\')[0] ?? null : null);
  if (!v) throw row.error(field, 'is empty');
  const key = v.toLowerCase();
  const s = servers.find((x) => x.name.toLowerCase() === key || x.fqdn === key);
  if (!s) throw row.error(field, `no server "${v}" in ExchangeServer (known: ${servers.map((x) => x.name).join(', ')})`);
  return s;
}

/** IIS authentication as the lab models it (PROTOCOL-FACTS: WindowsIntegrated is Negotiate with NTLM). */
const AUTH: Record<string, AuthMethod[]> = {
  fba: ['fba'], basic: ['basic'], ntlm: ['ntlm'], negotiate: ['negotiate'], windowsintegrated: ['ntlm', 'negotiate'],
};
/** Methods a front door cannot use on a hop, skipped (docs/import.md). */
const SKIPPED = new Set(['wssecurity', 'oauth', 'digest', 'liveidfba', 'liveidbasic', 'liveidnegotiate', 'kerberos', 'certificate', 'adfs', 'none']);

/** An authentication list of a row; at least one method the lab models. */
export function authOf(row: ExportRow, field: string): AuthMethod[] {
  const out: AuthMethod[] = [];
  for (const m of list(row, field)) {
    const key = m.toLowerCase();
    const mapped = AUTH[key];
    if (mapped) {
      for (const a of mapped) if (!out.includes(a)) out.push(a);
    } else if (!SKIPPED.has(key)) throw row.error(field, `unknown authentication method "${m}" (known: Fba, Basic, Ntlm, Negotiate, WindowsIntegrated; skipped: WSSecurity, OAuth, Digest, LiveId*, Kerberos, Certificate, Adfs)`);
  }
  if (!out.length) throw row.error(field, 'lists no authentication method the lab models (Fba, Basic, Ntlm, Negotiate, WindowsIntegrated)');
  return out;
}

/** One virtual directory of a CAS. */
export interface ImportedVdir {
  row: ExportRow;
  internalUrl: string | null;
  externalUrl: string | null;
  auth: AuthMethod[];
}

export type VdirKey = 'owa' | 'eas' | 'ews' | 'oab' | 'autodiscover' | 'ecp' | 'powershell';

/** Rows whose Name is another vdir (2007's Exchange, Public, Exchweb, Exadmin under Get-OwaVirtualDirectory) are skipped. */
const VDIR_NAME: Record<VdirKey, RegExp> = {
  owa: /^owa\b/i, eas: /^Microsoft-Server-ActiveSync\b/i, ews: /^EWS\b/i, oab: /^OAB\b/i, autodiscover: /^Autodiscover\b/i, ecp: /^ecp\b/i, powershell: /^PowerShell\b/i,
};

/** The rows of one vdir export, one per CAS (a second one for a CAS is an error). */
export function vdirRows(servers: ImportedServer[], t: ExportTable | null, key: VdirKey): Map<ImportedServer, ExportRow> {
  const out = new Map<ImportedServer, ExportRow>();
  for (const row of t?.rows ?? []) {
    const name = text(row, 'Name');
    if (name && !VDIR_NAME[key].test(name)) continue;
    const s = serverOfRow(servers, row);
    if (!s.isCas) throw row.error('Server', `${s.name} is not a Client Access server (ExchangeServer ServerRole)`);
    const prev = out.get(s);
    if (prev) throw row.error('Server', `a second ${key} virtual directory for ${s.name} (first at ${prev.file} row ${prev.row}): keep the one of the Default Web Site`);
    out.set(s, row);
  }
  return out;
}

export function readVdir(row: ExportRow): ImportedVdir {
  return { row, internalUrl: url(row, 'InternalUrl'), externalUrl: url(row, 'ExternalUrl'), auth: authOf(row, 'InternalAuthenticationMethods') };
}

/** Outlook Anywhere of a CAS: a row means it is enabled. */
export interface ImportedRpc {
  enabled: boolean;
  externalHostname: string | null;
  auth: AuthMethod[];
}

export function readRpc(row: ExportRow | undefined): ImportedRpc {
  if (!row) return { enabled: false, externalHostname: null, auth: ['basic', 'ntlm'] };
  const iis = list(row, 'IISAuthenticationMethods');
  const field = iis.length ? 'IISAuthenticationMethods' : 'ClientAuthenticationMethod';
  return { enabled: true, externalHostname: host(row, 'ExternalHostname'), auth: authOf(row, field) };
}

/** POP3/IMAP4 of a CAS. */
export interface ImportedMail {
  row: ExportRow;
  loginType: LoginType;
  /** `host:port:SSL` settings; empty = Exchange's defaults. */
  settings: string[];
}

const LOGIN_TYPES: LoginType[] = ['PlainTextLogin', 'PlainTextAuthentication', 'SecureLogin'];

/**
 * Exchange 2010 lists InternalConnectionSettings; Exchange 2007 has only bindings, read as: every
 * SSLBindings port SSL, the standard UnencryptedOrTLSBindings port (143, 110) TLS, any further one a
 * plaintext endpoint (how the lab models a listener kept for old clients).
 */
export function readMail(row: ExportRow, s: ImportedServer, protocol: 'imap4' | 'pop3'): ImportedMail {
  const lt = text(row, 'LoginType') ?? 'SecureLogin';
  const loginType = LOGIN_TYPES.find((l) => l.toLowerCase() === lt.toLowerCase()) ?? (['0', '1', '2'].includes(lt) ? LOGIN_TYPES[Number(lt)] : undefined);
  if (!loginType) throw row.error('LoginType', `"${lt}" is not PlainTextLogin, PlainTextAuthentication or SecureLogin`);
  const ics = list(row, 'InternalConnectionSettings');
  if (ics.length) {
    const settings = ics.map((c) => {
      const m = /^([A-Za-z0-9.-]+):(\d{1,5})(?::(SSL|TLS|None))?$/i.exec(c);
      if (!m) throw row.error('InternalConnectionSettings', `"${c}" is not host:port:SSL, host:port:TLS or host:port`);
      const enc = m[3]?.toUpperCase();
      return `${m[1]!.toLowerCase()}:${m[2]}${enc === 'SSL' || enc === 'TLS' ? `:${enc}` : ''}`;
    });
    return { row, loginType, settings };
  }
  const port = (b: string, field: string) => {
    const m = /:(\d{1,5})$/.exec(b);
    if (!m) throw row.error(field, `"${b}" is not an address:port binding`);
    return Number(m[1]);
  };
  const standard = protocol === 'imap4' ? 143 : 110;
  const ssl = list(row, 'SSLBindings').map((b) => port(b, 'SSLBindings'));
  const clear = list(row, 'UnencryptedOrTLSBindings').map((b) => port(b, 'UnencryptedOrTLSBindings'));
  const settings = [
    ...[...new Set(ssl)].map((p) => `${s.fqdn}:${p}:SSL`),
    ...[...new Set(clear)].map((p) => (p === standard ? `${s.fqdn}:${p}:TLS` : `${s.fqdn}:${p}`)),
  ];
  return { row, loginType, settings };
}

/** Get-ClientAccessServer IsOutOfService (001; Exchange 2010 only). */
export function readOutOfService(servers: ImportedServer[], t: ExportTable | null): Set<ImportedServer> {
  const out = new Set<ImportedServer>();
  for (const row of t?.rows ?? []) {
    const s = serverOfRow(servers, row, 'Name');
    if (!bool(row, 'IsOutOfService', false)) continue;
    if (s.build.product === 2007) throw row.error('IsOutOfService', `${s.name} runs Exchange 2007, which has no IsOutOfService (001: "this feature does not exist on Exchange 2007")`);
    out.add(s);
  }
  return out;
}

/** Get-ExchangeCertificate: a CAS whose IIS certificates are all self-signed keeps Exchange's default certificate. */
export function readCertificates(servers: ImportedServer[], t: ExportTable | null): Map<ImportedServer, 'lab-ca' | 'self-signed'> {
  const out = new Map<ImportedServer, 'lab-ca' | 'self-signed'>();
  for (const row of t?.rows ?? []) {
    const services = text(row, 'Services');
    if (services && !/IIS/i.test(services)) continue;
    const s = serverOfRow(servers, row);
    const self = bool(row, 'IsSelfSigned', false);
    if (!self) out.set(s, 'lab-ca');
    else if (!out.has(s)) out.set(s, 'self-signed');
  }
  return out;
}
