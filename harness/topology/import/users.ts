/**
 * Mailbox databases (Get-MailboxDatabase) and the users CSV the admin writes (role, database; no
 * passwords: the lab makes them, with three seeded messages each, as for the built-in topologies).
 */
import type { TopologyInput } from '../schema.ts';
import type { ExportRow, ExportTable } from './table.ts';
import { list, need, text } from './cells.ts';
import { serverOfRow, type ImportedServer } from './servers.ts';
import { user as labUser } from '../defaults/build-helpers.ts';
import { TopologyImportError } from '../errors.ts';

type UserInput = TopologyInput['users'][number];

export interface ImportedDatabase {
  row: ExportRow;
  name: string;
  identity: string | null;
  server: ImportedServer;
}

export function readDatabases(servers: ImportedServer[], t: ExportTable): ImportedDatabase[] {
  return t.rows.map((row) => {
    const server = serverOfRow(servers, row);
    if (!server.isMailbox) throw row.error('Server', `${server.name} has no Mailbox role (ExchangeServer ServerRole)`);
    return { row, name: need(row, 'Name'), identity: text(row, 'Identity'), server };
  });
}

const ROLES = ['red', 'purple', 'blue', 'orange', 'grey', 'user1', 'user2', 'user3', 'version'] as const;

/** The database a users row names, by Name or Identity; ambiguous names must use the Identity. */
function databaseOf(dbs: ImportedDatabase[], row: ExportRow): ImportedDatabase {
  const v = need(row, 'Database');
  const key = v.toLowerCase();
  const byIdentity = dbs.filter((d) => d.identity?.toLowerCase() === key);
  const matches = byIdentity.length ? byIdentity : dbs.filter((d) => d.name.toLowerCase() === key);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw row.error('Database', `"${v}" names ${matches.length} databases (${matches.map((d) => `${d.server.name}`).join(', ')}): give its Identity (${matches.map((d) => d.identity ?? '?').join(' | ')})`);
  }
  throw row.error('Database', `no mailbox database "${v}" in MailboxDatabase (known: ${dbs.map((d) => d.identity ?? d.name).join(', ')})`);
}

/** `Jane Doe` -> `jane.doe` (what the schema accepts as a logon name). */
function samFrom(name: string): string {
  return name.toLowerCase().replace(/\s+/g, '.').replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
}

/** The users of users.csv, placed on their databases' servers. */
export function readUsers(t: ExportTable, dbs: ImportedDatabase[], domain: string): UserInput[] {
  const out: UserInput[] = [];
  const seen = new Map<string, ExportRow>();
  for (const row of t.rows) {
    const name = need(row, 'Name');
    const db = databaseOf(dbs, row);
    const sam = (text(row, 'SamAccountName')?.replace(/^.*\\/, '').toLowerCase() ?? samFrom(name)) || samFrom(name);
    if (!/^[a-z0-9._-]+$/.test(sam)) throw row.error(row.has('SamAccountName') ? 'SamAccountName' : 'Name', `"${sam}" is not a logon name the lab accepts (letters, digits, . _ -)`);
    const prev = seen.get(sam);
    if (prev) throw row.error('SamAccountName', `account ${sam} is already used at row ${prev.row}`);
    seen.set(sam, row);
    const role = text(row, 'Role')?.toLowerCase() ?? null;
    if (role && !ROLES.includes(role as (typeof ROLES)[number])) throw row.error('Role', `"${role}" is not a seed role (known: ${ROLES.join(', ')}; or leave it empty to derive it)`);
    const tag = sam.toUpperCase().replace(/[^A-Z0-9]/g, '') || 'USER';
    const devices = list(row, 'DeviceTypes').map((type, i) => ({ id: `${tag}${String(i + 1).padStart(4, '0')}`, type }));
    const u = labUser(name, sam, domain, db.server.fqdn, devices);
    const email = text(row, 'PrimarySmtpAddress')?.toLowerCase();
    if (email && !/^[^@\s]+@[a-z0-9.-]+$/.test(email)) throw row.error('PrimarySmtpAddress', `"${email}" is not an e-mail address`);
    out.push({ ...u, ...(email ? { email } : {}), ...(role ? { role: role as (typeof ROLES)[number] } : {}) });
  }
  if (!out.length) throw new TopologyImportError(t.files.join(', '), null, null, 'lists no user (one row per test user: Name, Database, optional Role)');
  return out;
}
