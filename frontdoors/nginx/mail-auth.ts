/**
 * The decision of the nginx mail auth_http service (nginx.org ngx_mail_auth_http_module): nginx asks
 * with Auth-User / Auth-Pass / Auth-Protocol headers, the answer names the upstream by IP and port.
 * What a directory-aware admin script answers: check the password against the directory, then send
 * the session to a CAS in the mailbox's site of the mailbox's version (003: a CAS serves POP/IMAP
 * only for mailboxes of its own site; the mocks refuse others as `wrong-site`).
 * Stock nginx mail has NO TLS to the upstream, so the only usable endpoints are plaintext ones
 * (InternalConnectionSettings without SSL/TLS) under LoginType PlainTextLogin (nginx sends LOGIN or
 * USER/PASS). Anything else is refused with a temporary error rather than sending credentials in
 * cleartext to a server that asked for TLS (RULES.md MAIL-07).
 */
import type { DirServer, DirUser } from '../../harness/topology/directory-contract.ts';
import { toHopTarget } from '../shared/targets.ts';

export interface MailAuthRequest {
  method: string;
  user: string;
  pass: string;
  protocol: string;
  attempt: number;
  clientIp: string;
  /** The client side is encrypted (Auth-SSL: on). */
  ssl: boolean;
}

export type MailAuthAnswer =
  | { ok: true; address: string; port: number; server: string; note: string }
  | { ok: false; status: string; waitSeconds: number | null; note: string };

export interface MailAuthDeps {
  /** The directory's credential check: the user, or null for bad credentials. Throws when unavailable. */
  check(user: string, pass: string): Promise<DirUser | null>;
  servers: DirServer[];
  hosts: Map<string, string>;
}

export const STATUS_BAD_LOGIN = 'Invalid login or password';
export const STATUS_TEMPORARY = 'Temporary server problem, try again later';

/** nginx escapes Auth-User and Auth-Pass (%XX); undo it, keeping malformed text as sent. */
function unescape(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/**
 * Read nginx's request headers (lower-case names); null when a required one is missing.
 * @example
 * parseMailAuthRequest({ 'auth-method': 'plain', 'auth-user': 'blue', 'auth-pass': 'x', 'auth-protocol': 'imap' });
 */
export function parseMailAuthRequest(h: Record<string, string | string[] | undefined>): MailAuthRequest | null {
  const one = (k: string) => {
    const v = h[k];
    return Array.isArray(v) ? v[0] : v;
  };
  const user = one('auth-user');
  const pass = one('auth-pass');
  const protocol = one('auth-protocol');
  if (user === undefined || pass === undefined || !protocol) return null;
  return {
    method: (one('auth-method') ?? '').toLowerCase(),
    user: unescape(user),
    pass: unescape(pass),
    protocol: protocol.toLowerCase(),
    attempt: Number(one('auth-login-attempt') ?? 1) || 1,
    clientIp: one('client-ip') ?? '',
    ssl: (one('auth-ssl') ?? '').toLowerCase() === 'on',
  };
}

/** Decide where a session goes. Never throws: a broken directory is a temporary failure. */
export async function decideMailAuth(req: MailAuthRequest, deps: MailAuthDeps): Promise<MailAuthAnswer> {
  const service = req.protocol === 'imap' ? 'imap4' : req.protocol === 'pop3' ? 'pop3' : null;
  if (!service) return { ok: false, status: `${STATUS_TEMPORARY} (protocol ${req.protocol} is not proxied)`, waitSeconds: null, note: `protocol ${req.protocol} refused` };
  if (req.method !== 'plain' && req.method !== 'login') return { ok: false, status: STATUS_BAD_LOGIN, waitSeconds: 1, note: `method ${req.method} refused` };
  let user: DirUser | null;
  try {
    user = await deps.check(req.user, req.pass);
  } catch (err) {
    return { ok: false, status: STATUS_TEMPORARY, waitSeconds: null, note: `directory unavailable: ${(err as Error).message}` };
  }
  // nginx's documented pattern: a failed login waits (Auth-Wait) and the client may try again.
  if (!user) return { ok: false, status: STATUS_BAD_LOGIN, waitSeconds: 1, note: `bad credentials for ${JSON.stringify(req.user)}` };
  const candidates = deps.servers
    .filter((s) => s.site === user.site && s.product === user.mailboxVersion && !s.isOutOfService)
    .sort((a, b) => a.fqdn.localeCompare(b.fqdn))
    .map((s) => toHopTarget(s, deps.hosts));
  for (const t of candidates) {
    if (t.server[service].loginType !== 'PlainTextLogin') continue;
    const plain = t[service].find((e) => e.method === 'plain');
    if (plain) return { ok: true, address: plain.address, port: plain.labPort, server: t.fqdn, note: `${user.samAccountName} ${req.protocol} -> ${t.fqdn} ${plain.setting} (plaintext; nginx cannot encrypt to the upstream)` };
  }
  const where = candidates.map((c) => c.fqdn).join(', ') || 'none';
  return {
    ok: false,
    status: `${STATUS_TEMPORARY} (no plaintext ${service.toUpperCase()} endpoint for this mailbox; nginx mail has no TLS to the upstream)`,
    waitSeconds: null,
    note: `${user.samAccountName} ${req.protocol}: site ${user.site} ${user.mailboxVersion} CAS [${where}] offer no plaintext endpoint with PlainTextLogin: refused`,
  };
}

/** The answer as nginx wants it: header name/value pairs of an empty 200 response. */
export function mailAuthHeaders(a: MailAuthAnswer): [string, string][] {
  if (a.ok) return [['Auth-Status', 'OK'], ['Auth-Server', a.address], ['Auth-Port', String(a.port)]];
  return [['Auth-Status', a.status], ...(a.waitSeconds !== null ? ([['Auth-Wait', String(a.waitSeconds)]] as [string, string][]) : [])];
}
