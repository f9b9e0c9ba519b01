/** Shared by LOGIN and AUTHENTICATE: move to the authenticated state with the user's mailbox. */
import type { StoredMessage } from '../../message-source.ts';
import type { ImapSessionState } from '../context.ts';

export function openSession(s: ImapSessionState, user: string, messages: StoredMessage[]): void {
  s.state = 'authenticated';
  s.user = user;
  s.inbox = messages;
}
