/**
 * The CAPA list (RFC 2449) as PROTOCOL-FACTS records for Exchange: `TOP`, `UIDL`; before TLS with
 * SecureLogin only `STLS` more; after TLS `SASL NTLM GSSAPI PLAIN` and `USER`. The plaintext lists
 * for PlainTextLogin / PlainTextAuthentication are a MODEL (UNVERIFIED): SASL where plaintext AUTH
 * is allowed, USER where plaintext USER/PASS is.
 */
import { loginAllowed } from '../login-policy.ts';
import type { MailListenerKind, MailLoginType } from '../types.ts';

export function pop3Capabilities(o: { secure: boolean; kind: MailListenerKind; loginType: MailLoginType }): string[] {
  const caps = ['TOP', 'UIDL'];
  if (loginAllowed(o.loginType, 'sasl', o.secure)) caps.push('SASL NTLM GSSAPI PLAIN');
  if (loginAllowed(o.loginType, 'login', o.secure)) caps.push('USER');
  if (!o.secure && o.kind === 'tls') caps.push('STLS');
  return caps;
}
