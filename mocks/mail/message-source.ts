/**
 * Turns the topology's messages into RFC 5322 sources that both servers serve: CRLF line ends,
 * the headers a client expects (Date, From, Subject, Message-ID, MIME), ASCII-safe headers
 * (RFC 2047 encoded-words for anything else). Built once per login.
 */
import { createHash } from 'node:crypto';
import type { MailMessage } from './types.ts';

/** A message as the servers see it: bytes plus the fields FETCH and UIDL need. */
export interface StoredMessage {
  /** 0-based position in the list `login()` returned. */
  index: number;
  uid: number;
  source: Buffer;
  header: Buffer;
  text: Buffer;
  internalDate: Date;
  subject: string;
  from: string;
  messageId: string;
  dateHeader: string;
  /** Body line count (BODYSTRUCTURE). */
  lines: number;
  charset: 'us-ascii' | 'utf-8';
  /** Stable opaque id for POP3 UIDL (RFC 1939: 1 to 70 chars 0x21-0x7E). */
  uidl: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time in UTC: `Mon, 10 Mar 2014 09:30:00 +0000`. */
export function rfc5322Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

// eslint-disable-next-line no-control-regex
const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** RFC 2047 B-encoding for a header value that is not plain printable ASCII. */
export function encodeHeaderValue(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return isAscii(flat) ? flat : `=?UTF-8?B?${Buffer.from(flat, 'utf8').toString('base64')}?=`;
}

/** Build the served form of `messages` for one session of `user` on `server`. */
export function storeMessages(messages: readonly MailMessage[], ctx: { server: string; user: string }): StoredMessage[] {
  return messages.map((m, index) => {
    const parsed = new Date(m.date);
    const internalDate = Number.isNaN(parsed.getTime()) ? new Date(0) : parsed;
    const digest = createHash('sha256').update(`${ctx.user}\n${index}\n${m.subject}\n${m.date}`).digest('hex');
    const messageId = `<${digest.slice(0, 24)}@${ctx.server}>`;
    // Bodies use CRLF on the wire whatever the topology wrote (RFC 5322 2.3).
    const body = m.body.replace(/\r?\n/g, '\r\n');
    const charset = /^[\x00-\x7f]*$/.test(body) ? 'us-ascii' : 'utf-8';
    const dateHeader = rfc5322Date(internalDate);
    const headerText =
      `From: ${encodeHeaderValue(m.from)}\r\n` +
      // A To header only when the login name is an address (DOMAIN\user is not one).
      (/^[^@\s]+@[^@\s]+$/.test(ctx.user) ? `To: ${ctx.user}\r\n` : '') +
      `Subject: ${encodeHeaderValue(m.subject)}\r\n` +
      `Date: ${dateHeader}\r\n` +
      `Message-ID: ${messageId}\r\n` +
      `MIME-Version: 1.0\r\n` +
      `Content-Type: text/plain; charset="${charset}"\r\n` +
      `Content-Transfer-Encoding: ${charset === 'us-ascii' ? '7bit' : '8bit'}\r\n` +
      `\r\n`;
    const header = Buffer.from(headerText, 'utf8');
    const text = Buffer.from(body, 'utf8');
    const lines = body === '' ? 0 : body.split('\r\n').length - (body.endsWith('\r\n') ? 1 : 0);
    return {
      index,
      uid: index + 1,
      source: Buffer.concat([header, text]),
      header,
      text,
      internalDate,
      subject: m.subject,
      from: m.from,
      messageId,
      dateHeader,
      lines,
      charset,
      uidl: `AQ${digest.slice(0, 30)}`,
    };
  });
}
