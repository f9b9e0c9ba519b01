/**
 * What an IMAP command sees: its parsed arguments, the session state, and a small answering API
 * (`ok`, `no`, `bad`, `untagged`, `write`, `continuation`) in the manner of imapflow's per-command
 * files. Commands never hold the socket; the session (session.ts) dispatches to them.
 */
import type { LoginForm } from '../login-policy.ts';
import type { LoginOutcome } from '../login.ts';
import type { StoredMessage } from '../message-source.ts';
import type { MailListenerKind, MailListenerOptions, MailLoginType } from '../types.ts';
import type { Token } from './parser.ts';

/** RFC 3501 3: connection states. */
export type ImapState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface SelectedMailbox {
  name: string;
  readOnly: boolean;
  messages: StoredMessage[];
}

export interface ImapSessionState {
  state: ImapState;
  readonly kind: MailListenerKind;
  readonly loginType: MailLoginType;
  /** True on implicit TLS and after STARTTLS. */
  readonly secure: boolean;
  user: string | null;
  /** INBOX as `login()` returned it. */
  inbox: StoredMessage[];
  selected: SelectedMailbox | null;
  /** UIDs marked \Seen in this session (nothing persists between sessions). */
  seen: Set<number>;
}

export interface ImapContext {
  readonly tag: string;
  readonly verb: string;
  readonly args: readonly Token[];
  readonly session: ImapSessionState;
  readonly options: MailListenerOptions;
  /** `<tag> OK [code] text` */
  ok(text: string, code?: string): void;
  no(text: string, code?: string): void;
  bad(text: string, code?: string): void;
  /** `* text` */
  untagged(text: string): void;
  /** `+ text` */
  continuation(text: string): void;
  /** Raw bytes (a FETCH response with literals). */
  write(data: string | Buffer): void;
  /** The next line the client sends (AUTHENTICATE responses, IDLE's DONE); null when the session ends. */
  readLine(): Promise<string | null>;
  login(user: string, pass: string, form: LoginForm): Promise<LoginOutcome>;
  /** Negotiate TLS right after the OK was written; false when the handshake failed (session over). */
  startTls(): Promise<boolean>;
  /** End the session after pending output (LOGOUT). */
  close(reason: string): void;
}

export interface ImapCommand {
  /** States in which the command is valid; elsewhere the session answers BAD. */
  states: readonly ImapState[];
  run(ctx: ImapContext): void | Promise<void>;
}

/** Thrown by a command for arguments it cannot use: answered `BAD Command Argument Error. 11`. */
export class ImapArgumentError extends Error {
  readonly code = 'IMAP_ARGUMENT_ERR';
}

export const ANY_STATE: readonly ImapState[] = ['not-authenticated', 'authenticated', 'selected'];
export const AUTHENTICATED: readonly ImapState[] = ['authenticated', 'selected'];
export const SELECTED: readonly ImapState[] = ['selected'];
export const NOT_AUTHENTICATED: readonly ImapState[] = ['not-authenticated'];
