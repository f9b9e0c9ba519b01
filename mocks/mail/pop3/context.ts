/**
 * What a POP3 command sees (RFC 1939 states, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH) and how
 * it answers: `ok`, `err`, `multiline` (dot-stuffed), `continuation`. The session (session.ts)
 * dispatches; commands never hold the socket.
 */
import type { LoginForm } from '../login-policy.ts';
import type { LoginOutcome } from '../login.ts';
import type { StoredMessage } from '../message-source.ts';
import type { MailListenerKind, MailListenerOptions, MailLoginType } from '../types.ts';

/** RFC 1939 3: AUTHORIZATION, TRANSACTION, UPDATE. */
export type Pop3State = 'authorization' | 'transaction' | 'update';

export interface Pop3SessionState {
  state: Pop3State;
  readonly kind: MailListenerKind;
  readonly loginType: MailLoginType;
  readonly secure: boolean;
  /** The name given by USER, waiting for PASS. */
  pendingUser: string | null;
  user: string | null;
  messages: StoredMessage[];
  /** Indexes marked by DELE; removed only at QUIT (RFC 1939 6). */
  deleted: Set<number>;
}

export interface Pop3Context {
  readonly verb: string;
  /** Arguments split on spaces. */
  readonly args: readonly string[];
  /** Everything after the verb and one space (PASS allows spaces in passwords). */
  readonly rest: string;
  readonly session: Pop3SessionState;
  readonly options: MailListenerOptions;
  ok(text?: string): void;
  err(text: string): void;
  /** `+OK text`, the lines (or bytes) dot-stuffed, then `.` (RFC 1939 3). */
  multiline(first: string, body: string[] | Buffer): void;
  continuation(text: string): void;
  readLine(): Promise<string | null>;
  login(user: string, pass: string, form: LoginForm): Promise<LoginOutcome>;
  startTls(): Promise<boolean>;
  close(reason: string): void;
}

export interface Pop3Command {
  states: readonly Pop3State[];
  run(ctx: Pop3Context): void | Promise<void>;
}

export const AUTHORIZATION: readonly Pop3State[] = ['authorization'];
export const TRANSACTION: readonly Pop3State[] = ['transaction'];
export const EITHER: readonly Pop3State[] = ['authorization', 'transaction'];
