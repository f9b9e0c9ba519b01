/**
 * FETCH data items (RFC 3501 6.4.5): parsing what a client asks for and rendering one message's
 * answer. Sections served: [] [HEADER] [TEXT] [1] [HEADER.FIELDS (..)] [HEADER.FIELDS.NOT (..)],
 * with or without .PEEK and a <start.count> partial.
 */
import type { StoredMessage } from '../message-source.ts';
import { bodyStructure, envelope, internalDate } from './envelope.ts';
import type { Token } from './parser.ts';

export type FetchItem =
  | { kind: 'FLAGS' | 'UID' | 'RFC822.SIZE' | 'INTERNALDATE' | 'ENVELOPE' | 'BODYSTRUCTURE' | 'BODY' }
  | { kind: 'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT' }
  | { kind: 'section'; peek: boolean; section: string; fields: string[] | null; not: boolean; partial: [number, number] | null };

const SIMPLE = new Set(['FLAGS', 'UID', 'RFC822.SIZE', 'INTERNALDATE', 'ENVELOPE', 'BODYSTRUCTURE', 'BODY', 'RFC822', 'RFC822.HEADER', 'RFC822.TEXT']);
const MACROS: Record<string, string[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};
const SECTION = /^BODY(\.PEEK)?\[([^\]]*)\](?:<(\d{1,10})\.(\d{1,10})>)?$/;

/** Parse the item argument of FETCH; null when anything is not understood. */
export function parseFetchItems(arg: Token | undefined): FetchItem[] | null {
  if (!arg || arg.type === 'string') return null;
  if (arg.type === 'atom' && MACROS[arg.value.toUpperCase()]) return MACROS[arg.value.toUpperCase()]!.map((k) => parseItem(k)!);
  const atoms = arg.type === 'list' ? arg.items : [arg];
  const out: FetchItem[] = [];
  for (const t of atoms) {
    if (t.type !== 'atom') return null;
    const item = parseItem(t.value);
    if (!item) return null;
    out.push(item);
  }
  return out.length > 0 ? out : null;
}

function parseItem(text: string): FetchItem | null {
  const up = text.toUpperCase();
  if (SIMPLE.has(up)) return { kind: up } as FetchItem;
  const m = SECTION.exec(up);
  if (!m) return null;
  const sec = m[2]!.trim();
  const partial: [number, number] | null = m[3] !== undefined ? [Number(m[3]), Number(m[4])] : null;
  const fm = /^HEADER\.FIELDS(\.NOT)? \(([^()]*)\)$/.exec(sec);
  if (fm) {
    const fields = fm[2]!.split(/\s+/).filter(Boolean).map((f) => f.replace(/^"|"$/g, ''));
    if (fields.length === 0) return null;
    return { kind: 'section', peek: !!m[1], section: `HEADER.FIELDS${fm[1] ?? ''} (${fields.join(' ')})`, fields, not: !!fm[1], partial };
  }
  if (!['', 'HEADER', 'TEXT', '1'].includes(sec)) return null;
  return { kind: 'section', peek: !!m[1], section: sec, fields: null, not: false, partial };
}

/** Whether answering these items sets \Seen (RFC 3501: BODY[...] without .PEEK, RFC822, RFC822.TEXT). */
export function marksSeen(items: FetchItem[]): boolean {
  return items.some((i) => (i.kind === 'section' && !i.peek) || i.kind === 'RFC822' || i.kind === 'RFC822.TEXT');
}

function headerFields(m: StoredMessage, fields: string[], not: boolean): Buffer {
  const want = new Set(fields.map((f) => f.toLowerCase()));
  const lines = m.header.toString('utf8').split('\r\n').filter((l) => l !== '');
  const kept = lines.filter((l) => want.has(l.slice(0, l.indexOf(':')).toLowerCase()) !== not);
  return Buffer.from(kept.map((l) => `${l}\r\n`).join('') + '\r\n', 'utf8');
}

function sectionBytes(m: StoredMessage, i: Extract<FetchItem, { kind: 'section' }>): Buffer {
  if (i.fields) return headerFields(m, i.fields, i.not);
  if (i.section === 'HEADER') return m.header;
  // Part 1 of a message that is not multipart is its body (RFC 3501 6.4.5).
  if (i.section === 'TEXT' || i.section === '1') return m.text;
  return m.source;
}

const literal = (b: Buffer): Buffer[] => [Buffer.from(`{${b.length}}\r\n`), b];

/** The `* n FETCH (...)` response for one message, as chunks to write. */
export function renderFetch(
  seq: number,
  m: StoredMessage,
  items: FetchItem[],
  o: { uid: boolean; seen: boolean; flagsChanged: boolean; to: string | null },
): Buffer[] {
  const parts: (string | Buffer[])[] = [];
  const flags = `FLAGS (${o.seen ? '\\Seen' : ''})`;
  let haveUid = false;
  let haveFlags = false;
  for (const i of items) {
    switch (i.kind) {
      case 'UID': haveUid = true; parts.push(`UID ${m.uid}`); break;
      case 'FLAGS': haveFlags = true; parts.push(flags); break;
      case 'RFC822.SIZE': parts.push(`RFC822.SIZE ${m.source.length}`); break;
      case 'INTERNALDATE': parts.push(`INTERNALDATE ${internalDate(m.internalDate)}`); break;
      case 'ENVELOPE': parts.push(`ENVELOPE ${envelope(m, o.to)}`); break;
      case 'BODYSTRUCTURE': parts.push(`BODYSTRUCTURE ${bodyStructure(m, true)}`); break;
      case 'BODY': parts.push(`BODY ${bodyStructure(m, false)}`); break;
      case 'RFC822': parts.push(['RFC822 ', ...literal(m.source)].map(asBuf)); break;
      case 'RFC822.HEADER': parts.push(['RFC822.HEADER ', ...literal(m.header)].map(asBuf)); break;
      case 'RFC822.TEXT': parts.push(['RFC822.TEXT ', ...literal(m.text)].map(asBuf)); break;
      case 'section': {
        let bytes = sectionBytes(m, i);
        let key = `BODY[${i.section}]`;
        if (i.partial) {
          bytes = bytes.subarray(Math.min(i.partial[0], bytes.length), Math.min(i.partial[0] + i.partial[1], bytes.length));
          key += `<${i.partial[0]}>`;
        }
        parts.push([`${key} `, ...literal(bytes)].map(asBuf));
        break;
      }
    }
  }
  // RFC 3501 6.4.8: UID FETCH answers always carry UID; a \Seen set by this FETCH is reported.
  if (o.uid && !haveUid) parts.unshift(`UID ${m.uid}`);
  if (o.flagsChanged && !haveFlags) parts.push(flags);
  const out: Buffer[] = [Buffer.from(`* ${seq} FETCH (`)];
  parts.forEach((p, n) => {
    if (n > 0) out.push(Buffer.from(' '));
    if (typeof p === 'string') out.push(Buffer.from(p));
    else out.push(...p);
  });
  out.push(Buffer.from(')\r\n'));
  return out;
}

function asBuf(x: string | Buffer): Buffer {
  return typeof x === 'string' ? Buffer.from(x) : x;
}
