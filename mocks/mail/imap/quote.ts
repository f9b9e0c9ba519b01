/**
 * Writing IMAP strings in responses (RFC 3501 4.3): a quoted string when the value is short,
 * single-line ASCII; a literal `{n}\r\n...` otherwise. NIL for a missing nstring.
 */

/** A quoted string or, when it cannot be quoted, a literal. */
export function imapString(value: string): string {
  if (value.length <= 1024 && /^[\x20-\x7e]*$/.test(value)) return `"${value.replace(/(["\\])/g, '\\$1')}"`;
  return `{${Buffer.byteLength(value, 'utf8')}}\r\n${value}`;
}

export function nstring(value: string | null | undefined): string {
  return value === null || value === undefined ? 'NIL' : imapString(value);
}

/** A mailbox name as Exchange writes it: an atom when it can be one, else quoted. */
export function mailboxName(name: string): string {
  return /^[A-Za-z0-9._-]+$/.test(name) ? name : imapString(name);
}
