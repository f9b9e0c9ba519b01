/**
 * One login attempt, shared by IMAP (LOGIN, AUTHENTICATE PLAIN) and POP3 (PASS, AUTH PLAIN):
 * LoginType policy, the refuseLogin fault, the lab's credential check, and the journal fields.
 */
import type { MailConnection } from './connection.ts';
import { loginAllowed, type LoginForm } from './login-policy.ts';
import { storeMessages, type StoredMessage } from './message-source.ts';
import type { MailListenerOptions } from './types.ts';

export type LoginOutcome =
  | { ok: true; user: string; messages: StoredMessage[] }
  | { ok: false; why: 'refused' | 'wrong-site' | 'disabled' };

export async function attemptLogin(
  opts: MailListenerOptions,
  conn: MailConnection,
  user: string,
  pass: string,
  form: LoginForm,
): Promise<LoginOutcome> {
  conn.user = user;
  const fail = (why: 'refused' | 'wrong-site' | 'disabled'): LoginOutcome => {
    conn.login = why;
    return { ok: false, why };
  };
  if (!loginAllowed(opts.loginType, form, conn.secure)) return fail('disabled');
  if (opts.faults?.().refuseLogin) return fail('refused');
  let result;
  try {
    result = await opts.login(user, pass);
  } catch {
    // A broken credential check is the lab's problem; the client sees an ordinary refusal.
    return fail('refused');
  }
  if (!result.ok) return fail(result.reason === 'wrong-site' ? 'wrong-site' : 'refused');
  conn.login = 'ok';
  conn.user = result.user;
  conn.noteLogin(result.user);
  return { ok: true, user: result.user, messages: storeMessages(result.messages, { server: opts.server, user: result.user }) };
}
