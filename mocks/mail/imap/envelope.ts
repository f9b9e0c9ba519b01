/**
 * ENVELOPE, BODYSTRUCTURE and INTERNALDATE of a stored message (RFC 3501 7.4.2). Every message is
 * a single text/plain part, so the structures are short.
 */
import { MONTHS, type StoredMessage } from '../message-source.ts';
import { imapString, nstring } from './quote.ts';

/** `"name" NIL "mailbox" "host"` for `Name <a@b>` or `a@b`. */
function address(text: string): string {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>@\s]+)@([^<>@\s]+)>\s*$/.exec(text) ?? /^\s*()([^<>@\s]+)@([^<>@\s]+)\s*$/.exec(text);
  if (!m) return `(${nstring(text || null)} NIL NIL NIL)`;
  return `(${m[1] ? imapString(m[1]) : 'NIL'} NIL ${imapString(m[2]!)} ${imapString(m[3]!)})`;
}

export function envelope(m: StoredMessage, to: string | null): string {
  const from = `(${address(m.from)})`;
  const toList = to && to.includes('@') ? `(${address(to)})` : 'NIL';
  return `(${imapString(m.dateHeader)} ${imapString(m.subject)} ${from} ${from} ${from} ${toList} NIL NIL NIL ${imapString(m.messageId)})`;
}

/** BODY (extensible = false) or BODYSTRUCTURE (extensible = true) of a text/plain message. */
export function bodyStructure(m: StoredMessage, extensible: boolean): string {
  const enc = m.charset === 'us-ascii' ? '"7BIT"' : '"8BIT"';
  const base = `"TEXT" "PLAIN" ("CHARSET" "${m.charset}") NIL NIL ${enc} ${m.text.length} ${m.lines}`;
  return extensible ? `(${base} NIL NIL NIL NIL)` : `(${base})`;
}

/** `"10-Mar-2014 09:30:00 +0000"` */
export function internalDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `"${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000"`;
}
