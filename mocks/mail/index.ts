/**
 * The mail side of the mock legacy CAS: IMAP4 (RFC 3501 subset, RFC 2595 STARTTLS, LITERAL+, IDLE)
 * and POP3 (RFC 1939, RFC 2449 CAPA, STLS, RFC 5034 AUTH PLAIN) listeners that greet, advertise and
 * refuse like Exchange 2007/2010 (PROTOCOL-FACTS "IMAP4 / POP3"), in the three modes of
 * InternalConnectionSettings: ssl (implicit TLS), tls (STARTTLS/STLS), plain. Each session ends in
 * exactly one `mail` journal event (and one `tls` event per handshake).
 *
 * @example
 * import { startMailListener } from '../mocks/mail/index.ts';
 * const pop = await startMailListener({
 *   server: 'cas2007.site1.contoso.lab', protocol: 'pop3', kind: 'tls', host: '127.0.1.20', port: 110,
 *   secureContext, loginType: 'SecureLogin', login: check, record: (e) => journal.record(e),
 *   faults: () => lab.faultsFor('cas2007.site1.contoso.lab', 'pop3'),
 * });
 */
export { startMailListener } from './listener.ts';
export type {
  LoginResult,
  MailFaults,
  MailLimits,
  MailListener,
  MailListenerKind,
  MailListenerOptions,
  MailLoginType,
  MailMessage,
  MailProtocolName,
} from './types.ts';
export type { ImapCommand, ImapContext } from './imap/context.ts';
export type { Pop3Command, Pop3Context } from './pop3/context.ts';
export { MailListenError, MailMockError, MailOptionsError } from './errors.ts';
