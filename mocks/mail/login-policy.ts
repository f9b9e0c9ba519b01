/**
 * LoginType (Set-ImapSettings / Set-PopSettings -LoginType) decides which logins a channel that is
 * not encrypted accepts. PROTOCOL-FACTS: SecureLogin (the default) allows no plaintext login before
 * TLS (IMAP advertises LOGINDISABLED). PlainTextLogin allows everything.
 * PlainTextAuthentication is a MODEL, UNVERIFIED against a real server: plaintext SASL
 * (AUTHENTICATE PLAIN / AUTH PLAIN) allowed, plaintext LOGIN / USER+PASS refused.
 */
import type { MailLoginType } from './types.ts';

/** `login` = IMAP LOGIN or POP3 USER/PASS; `sasl` = AUTHENTICATE PLAIN / AUTH PLAIN. */
export type LoginForm = 'login' | 'sasl';

export function loginAllowed(loginType: MailLoginType, form: LoginForm, secure: boolean): boolean {
  if (secure) return true;
  switch (loginType) {
    case 'PlainTextLogin':
      return true;
    case 'PlainTextAuthentication':
      return form === 'sasl';
    case 'SecureLogin':
      return false;
  }
}

/** Decode a SASL PLAIN response (RFC 4616: authzid NUL authcid NUL passwd), or null if malformed. */
export function decodeSaslPlain(b64: string): { authzid: string; user: string; pass: string } | null {
  const text = b64.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0 || text === '') return null;
  const parts = Buffer.from(text, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3 || parts[1] === '') return null;
  return { authzid: parts[0]!, user: parts[1]!, pass: parts[2]! };
}
