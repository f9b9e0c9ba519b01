/** The message a POP3 command names (1-based, RFC 1939 msg), or an error text when it cannot be used. */
import type { Pop3SessionState } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';

export function messageArg(s: Pop3SessionState, arg: string | undefined): { index: number } | { error: string } {
  if (arg === undefined || !/^[1-9]\d{0,9}$/.test(arg)) return { error: POP3_TEXT.protocolError };
  const index = Number(arg) - 1;
  if (index >= s.messages.length) return { error: POP3_TEXT.noSuchMessage };
  if (s.deleted.has(index)) return { error: POP3_TEXT.deleted };
  return { index };
}

/** Messages not marked deleted, with their 1-based numbers. */
export function liveMessages(s: Pop3SessionState) {
  return s.messages.map((m, i) => ({ n: i + 1, m })).filter((x) => !s.deleted.has(x.n - 1));
}
