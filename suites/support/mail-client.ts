/**
 * POP3 and IMAP4 sessions of a topology user through the front door's mail listeners (MAIL and SEC
 * areas). Each session is one bounded run that never throws: it returns what happened and the client
 * transcript (passwords masked) for the rule's evidence. Names resolve through the world's hosts
 * (the front door's namespaces point at the candidate) and certificates are checked against the lab CA.
 * @example
 * const r = await imapThroughFrontDoor(w, 'Red', 'imaps');
 * t.client(r.transcript);
 * check(r.ok, 'IMAP session works', r.error ?? '');
 */
import type { TranscriptLine } from '../../reports/types.ts';
import { imapSession, type ImapSessionResult } from '../../harness/clients/imap.ts';
import { Pop3Client } from '../../harness/clients/pop3.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import type { World } from './world.ts';

/** How the client reaches the front door: implicit TLS, plaintext then STARTTLS/STLS, or plaintext throughout. */
export type ClientMode = 'implicit' | 'starttls' | 'plain';

/** True when the client's session is encrypted before it logs in (001 "an encrypted channel"). */
export function encrypted(mode: ClientMode): boolean {
  return mode !== 'plain';
}

export interface MailRun {
  ok: boolean;
  error?: string;
  /** The server answered the login with NO / -ERR (a refusal, not a transport failure). */
  loginRefused: boolean;
  transcript: TranscriptLine[];
  /** IMAP: mailboxes listed, INBOX size, fetched subjects. POP3: STAT count, LIST size, RETR 1 text. */
  mailboxes?: string[];
  exists?: number;
  subjects?: string[];
  count?: number;
  listed?: number;
  firstMessage?: string;
}

function endpoint(w: World) {
  const host = w.lab.topology.frontDoor.namespaces[0]!;
  return { host, servername: host, ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()) };
}

function tag(protocol: 'imap4' | 'pop3', mode: ClientMode, user: string, lines: { dir: 'C' | 'S'; line: string }[]): TranscriptLine[] {
  return [{ dir: 'note', line: `${protocol} ${mode} session of ${user}` }, ...lines];
}

/**
 * One IMAP session: login, then LIST, SELECT INBOX and FETCH (MAIL-05's steps) unless `actions` says less.
 * `implicit` uses the IMAPS port, `starttls` and `plain` the IMAP port.
 */
export async function imapThroughFrontDoor(w: World, userName: string, mode: ClientMode, o: { actions?: ('list' | 'select' | 'fetch')[]; timeoutMs?: number } = {}): Promise<MailRun> {
  const u = w.user(userName);
  const e = endpoint(w);
  const r: ImapSessionResult = await imapSession({
    ...e,
    port: mode === 'implicit' ? w.candidate.ports.imaps : w.candidate.ports.imap,
    secure: mode === 'implicit',
    starttls: mode === 'starttls' ? 'require' : 'never',
    user: u.samAccountName,
    pass: u.password,
    timeoutMs: o.timeoutMs ?? 10_000,
    actions: o.actions ?? ['list', 'select', 'fetch'],
  });
  return {
    ok: r.ok,
    ...(r.error ? { error: r.error } : {}),
    loginRefused: !!r.authenticationFailed,
    transcript: tag('imap4', mode, userName, r.transcript),
    ...(r.mailboxes ? { mailboxes: r.mailboxes } : {}),
    ...(r.exists !== undefined ? { exists: r.exists } : {}),
    ...(r.messages ? { subjects: r.messages.map((m) => m.subject) } : {}),
  };
}

/**
 * One POP3 session: USER/PASS, then STAT, LIST and RETR 1 (MAIL-05's steps) unless `loginOnly`.
 * `implicit` uses the POP3S port, `starttls` (STLS) and `plain` the POP3 port.
 */
export async function pop3ThroughFrontDoor(w: World, userName: string, mode: ClientMode, o: { loginOnly?: boolean; timeoutMs?: number } = {}): Promise<MailRun> {
  const u = w.user(userName);
  const e = endpoint(w);
  const c = new Pop3Client({ ...e, port: mode === 'implicit' ? w.candidate.ports.pop3s : w.candidate.ports.pop3, secure: mode === 'implicit', timeoutMs: o.timeoutMs ?? 10_000 });
  const run: MailRun = { ok: false, loginRefused: false, transcript: [] };
  let stage = 'connect';
  try {
    await c.connect();
    if (mode === 'starttls') {
      stage = 'STLS';
      await c.stls();
    }
    stage = 'login';
    await c.user(u.samAccountName);
    await c.pass(u.password);
    if (!o.loginOnly) {
      stage = 'STAT';
      run.count = (await c.stat()).count;
      stage = 'LIST';
      run.listed = (await c.list()).length;
      stage = 'RETR';
      if (run.count > 0) run.firstMessage = (await c.retr(1)).toString('utf8');
    }
    stage = 'QUIT';
    await c.quit();
    run.ok = true;
  } catch (err) {
    const e2 = err as { code?: string; message?: string };
    run.error = `${stage}: ${e2.message ?? String(err)}`;
    run.loginRefused = stage === 'login' && e2.code === 'MAIL_CLIENT_NEGATIVE';
  } finally {
    c.close();
    run.transcript = tag('pop3', mode, userName, c.transcript);
  }
  return run;
}

/** Either protocol, by name. */
export function mailThroughFrontDoor(w: World, protocol: 'imap4' | 'pop3', userName: string, mode: ClientMode, o: { loginOnly?: boolean; timeoutMs?: number } = {}): Promise<MailRun> {
  const bound = o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {};
  return protocol === 'imap4' ? imapThroughFrontDoor(w, userName, mode, { ...(o.loginOnly ? { actions: [] } : {}), ...bound }) : pop3ThroughFrontDoor(w, userName, mode, o);
}
