/** Shared by PASS and AUTH: enter the TRANSACTION state with the user's messages. */
import type { StoredMessage } from '../../message-source.ts';
import type { Pop3SessionState } from '../context.ts';

export function openMaildrop(s: Pop3SessionState, user: string, messages: StoredMessage[]): void {
  s.state = 'transaction';
  s.user = user;
  s.messages = messages;
  s.deleted = new Set();
}
