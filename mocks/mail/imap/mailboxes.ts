/**
 * The folders the mock shows: INBOX with the user's messages and an empty `Sent Items`, with
 * Exchange's hierarchy delimiter "/". Enough for clients that list and open INBOX.
 */
import { createHash } from 'node:crypto';
import type { StoredMessage } from '../message-source.ts';
import type { ImapSessionState } from './context.ts';

export const DELIMITER = '/';
export const MAILBOXES = ['INBOX', 'Sent Items'] as const;

/** The canonical name of an existing mailbox (INBOX is case-insensitive, RFC 3501 5.1), or null. */
export function findMailbox(name: string): string | null {
  if (name.toUpperCase() === 'INBOX') return 'INBOX';
  return MAILBOXES.find((m) => m === name) ?? null;
}

export function mailboxMessages(s: ImapSessionState, name: string): StoredMessage[] {
  return name === 'INBOX' ? s.inbox : [];
}

/** LIST/LSUB pattern match (RFC 3501 6.3.8): `*` matches anything, `%` anything but the delimiter. */
export function matchMailboxes(reference: string, pattern: string): string[] {
  const full = reference + pattern;
  if (full.length > 512) return [];
  const rx = new RegExp(
    '^' + [...full].map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('') + '$',
  );
  const caseless = new RegExp(rx.source, 'i');
  return MAILBOXES.filter((m) => rx.test(m) || (m === 'INBOX' && caseless.test(m)));
}

/** A stable UIDVALIDITY per user and mailbox (Exchange keeps it across sessions). */
export function uidValidityFor(user: string, mailbox: string): number {
  return (createHash('sha256').update(`${user}/${mailbox}`).digest().readUInt32BE(0) % 0x7ffffffe) + 1;
}
