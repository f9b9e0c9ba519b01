/**
 * The CAPABILITY list, byte for byte as PROTOCOL-FACTS records for Exchange 2007/2010:
 * before TLS with SecureLogin `IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI LOGINDISABLED STARTTLS IDLE NAMESPACE LITERAL+`,
 * after TLS `IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN IDLE NAMESPACE LITERAL+`.
 * The plaintext lists for PlainTextLogin and PlainTextAuthentication are a MODEL (UNVERIFIED):
 * AUTH=PLAIN where plaintext SASL is allowed, LOGINDISABLED where plaintext LOGIN is not.
 */
import { loginAllowed } from '../login-policy.ts';
import type { MailListenerKind, MailLoginType } from '../types.ts';

export function imapCapabilities(o: { secure: boolean; kind: MailListenerKind; loginType: MailLoginType }): string {
  const caps = ['IMAP4', 'IMAP4rev1', 'AUTH=NTLM', 'AUTH=GSSAPI'];
  if (loginAllowed(o.loginType, 'sasl', o.secure)) caps.push('AUTH=PLAIN');
  if (!loginAllowed(o.loginType, 'login', o.secure)) caps.push('LOGINDISABLED');
  // STARTTLS only where it can be used: a plaintext session on a `tls` listener (RFC 2595 3.1).
  if (!o.secure && o.kind === 'tls') caps.push('STARTTLS');
  caps.push('IDLE', 'NAMESPACE', 'LITERAL+');
  return caps.join(' ');
}
