/**
 * Public types of the mock CAS mail listeners (IMAP4 and POP3). The lab builds one listener per
 * InternalConnectionSettings endpoint of a mock server and passes these options.
 */
import type { SecureContext } from 'node:tls';
import type { NewEvent } from '../../harness/journal/events.ts';
import type { ImapCommand } from './imap/context.ts';
import type { Pop3Command } from './pop3/context.ts';

/** One message of a mailbox: the same shape as topology `users[].messages`. */
export interface MailMessage {
  subject: string;
  from: string;
  /** ISO 8601 date (becomes the Date header and INTERNALDATE). */
  date: string;
  body: string;
}

/** What the lab's credential check answers for one login attempt. */
export type LoginResult =
  | { ok: true; user: string; messages: MailMessage[] }
  | { ok: false; reason: 'bad-credentials' | 'wrong-site' | 'unknown-user' };

/** Faults injected through the control API; read at each connection (greeting) and each login. */
export interface MailFaults {
  /** Answer every login with a refusal, without asking `login()`. */
  refuseLogin?: boolean;
  /** Send the greeting, then drop the connection. */
  dropAfterGreeting?: boolean;
  /** Wait this long before the greeting. */
  greetingDelayMs?: number;
}

/** Bounds that keep one bad client from hurting the process (defaults in limits.ts). */
export interface MailLimits {
  /** Longest command line (without literals); default 8 KiB. */
  maxLineBytes?: number;
  /** Largest literal a client may send (IMAP); default 1 MiB. */
  maxLiteralBytes?: number;
  /** Client inactivity before the server closes; default 30 min like Exchange. */
  idleTimeoutMs?: number;
  /** Concurrent sessions on this listener; default 200. */
  maxConnections?: number;
}

export type MailProtocolName = 'imap4' | 'pop3';
/** ssl = implicit TLS (993/995), tls = plaintext port offering STARTTLS/STLS (143/110), plain = no TLS at all. */
export type MailListenerKind = 'ssl' | 'tls' | 'plain';
/** Set-ImapSettings / Set-PopSettings -LoginType. */
export type MailLoginType = 'PlainTextLogin' | 'PlainTextAuthentication' | 'SecureLogin';

export interface MailListenerOptions {
  /** FQDN of the mock CAS (the journal's `server`). */
  server: string;
  protocol: MailProtocolName;
  kind: MailListenerKind;
  /** Bind address (127.x.y.z only) and port (0 = ephemeral). */
  host: string;
  port: number;
  /** Used for implicit TLS and for STARTTLS/STLS. */
  secureContext: SecureContext;
  loginType: MailLoginType;
  /** The lab's credential check (user as the client typed it). */
  login(user: string, password: string): Promise<LoginResult> | LoginResult;
  /** Journal sink (Journal#record). */
  record(event: NewEvent): void;
  /** SASL NTLM (AUTHENTICATE NTLM / AUTH NTLM): the server's NTLM verifier and the directory's passwords. Absent: NTLM is refused. */
  ntlm?: { authenticator: import('../auth/ntlm/index.ts').NtlmAuthenticator; passwordOf(user: string): string | undefined };
  faults?: () => MailFaults;
  limits?: MailLimits;
  /**
   * Called when a POP3 client QUITs with messages marked for deletion (RFC 1939 UPDATE state),
   * with their 0-based indexes in the list `login()` returned. Without it deletions last only for
   * the session: every session starts again from `login()`'s messages (repeatable runs).
   */
  commitDeletes?(user: string, indexes: number[]): void;
  /** Replace or add IMAP commands (keys UPPERCASE, e.g. `'LOGIN'`); the rest keep the defaults. */
  imapCommands?: Record<string, ImapCommand>;
  /** Replace or add POP3 commands (keys UPPERCASE, e.g. `'STLS'`). */
  pop3Commands?: Record<string, Pop3Command>;
}

export interface MailListener {
  readonly port: number;
  readonly kind: MailListenerKind;
  readonly protocol: MailProtocolName;
  /** "Method switched off": stop listening so connects get ECONNREFUSED; open sessions continue. */
  disable(): Promise<void>;
  /** Listen again on the same port. */
  enable(): Promise<void>;
  /** Stop listening and end every session (each is journaled with closeReason `server-close`). */
  close(): Promise<void>;
}
