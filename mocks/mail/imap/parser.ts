/**
 * Parses one framed IMAP command (framer.ts) into tag, verb and argument tokens (RFC 3501 9:
 * atoms, quoted strings, literals, parenthesized lists). Atoms are read loosely so that sequence
 * sets (`1:*`), list patterns (`%`) and fetch items with sections (`BODY.PEEK[HEADER.FIELDS (A B)]<0.10>`)
 * stay one token; each command checks its own arguments.
 */
import { LITERAL_MARKER, tagOf, type CommandPart } from './framer.ts';

export type Token =
  | { type: 'atom'; value: string }
  | { type: 'string'; value: string; literal: boolean }
  | { type: 'list'; items: Token[] };

export interface ParsedCommand {
  tag: string;
  /** Upper-cased command name. */
  verb: string;
  args: Token[];
}

/** A command that cannot be parsed; `tag` is set when the line began with a usable tag. */
export class ImapParseError extends Error {
  readonly code = 'IMAP_PARSE_ERR';
  constructor(message: string, readonly tag: string | null) {
    super(message);
    this.name = 'ImapParseError';
  }
}

const MAX_DEPTH = 8;
const MAX_TOKENS = 1000;
type Segment = string | Buffer;

class Scanner {
  seg = 0;
  pos = 0;
  count = 0;
  constructor(readonly segments: Segment[], readonly tag: string | null) {}

  fail(msg: string): never {
    throw new ImapParseError(msg, this.tag);
  }

  /** Current character, '' at the end of a text segment, null at the very end. */
  peek(): string | Buffer | null {
    const s = this.segments[this.seg];
    if (s === undefined) return null;
    if (typeof s !== 'string') return s;
    if (this.pos < s.length) return s[this.pos]!;
    return this.seg === this.segments.length - 1 ? null : '';
  }

  advance(): void {
    const s = this.segments[this.seg];
    if (typeof s === 'string' && this.pos < s.length) this.pos++;
    else {
      this.seg++;
      this.pos = 0;
    }
  }

  /** Skip the spaces between tokens; a text segment ending right before a literal counts too. */
  skipSpaces(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '') this.advance();
      else return;
    }
  }

  value(depth: number): Token {
    if (++this.count > MAX_TOKENS) this.fail('too many tokens');
    const c = this.peek();
    if (c === null) this.fail('missing argument');
    if (Buffer.isBuffer(c)) {
      this.advance();
      return { type: 'string', value: c.toString('utf8'), literal: true };
    }
    if (c === '(') return this.list(depth + 1);
    if (c === '"') return this.quoted();
    if (c === ')') this.fail('unexpected )');
    return { type: 'atom', value: this.atom() };
  }

  list(depth: number): Token {
    if (depth > MAX_DEPTH) this.fail('lists nested too deeply');
    this.advance();
    const items: Token[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === null) this.fail('unterminated list');
      if (c === ')') {
        this.advance();
        return { type: 'list', items };
      }
      items.push(this.value(depth));
    }
  }

  quoted(): Token {
    this.advance();
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === null || c === '' || Buffer.isBuffer(c)) this.fail('unterminated quoted string');
      this.advance();
      if (c === '"') return { type: 'string', value: out, literal: false };
      if (c === '\\') {
        const n = this.peek();
        if (n !== '"' && n !== '\\') this.fail('bad escape in quoted string');
        this.advance();
        out += n;
      } else out += c;
    }
  }

  atom(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === null || c === '' || Buffer.isBuffer(c) || c === ' ' || c === '(' || c === ')' || c === '"') break;
      if (c < ' ' || c === '\x7f') this.fail('control character in atom');
      this.advance();
      out += c;
      if (c === '[') {
        // A section runs to its "]" and may hold spaces and a list: BODY[HEADER.FIELDS (FROM TO)].
        for (;;) {
          const d = this.peek();
          if (d === null || d === '' || Buffer.isBuffer(d)) this.fail('unterminated [');
          this.advance();
          out += d;
          if (d === ']') break;
        }
      }
    }
    if (out === '') this.fail('empty atom');
    return out;
  }
}

/** Parse a framed command; throws ImapParseError for anything malformed. */
export function parseCommand(parts: CommandPart[]): ParsedCommand {
  const first = parts[0]?.text ?? '';
  const tag = tagOf(first);
  if (tag === null) throw new ImapParseError(first.trim() === '' ? 'empty command' : 'missing or invalid tag', null);
  const segments: Segment[] = [];
  parts.forEach((p, i) => {
    let text = i === 0 ? p.text.slice(tag.length + 1) : p.text;
    if (p.literal) text = text.replace(LITERAL_MARKER, '');
    segments.push(text);
    if (p.literal) segments.push(p.literal);
  });
  const sc = new Scanner(segments, tag);
  const verbText = typeof segments[0] === 'string' ? segments[0] : '';
  const vm = /^[A-Za-z][A-Za-z0-9.-]{0,31}(?= |$)/.exec(verbText);
  if (!vm) throw new ImapParseError('missing or invalid command name', tag);
  sc.pos = vm[0].length;
  const args: Token[] = [];
  for (;;) {
    sc.skipSpaces();
    if (sc.peek() === null) break;
    args.push(sc.value(0));
  }
  return { tag, verb: vm[0].toUpperCase(), args };
}

/** The value of an astring argument (atom or string), or null. */
export function astring(t: Token | undefined): string | null {
  if (!t || t.type === 'list') return null;
  return t.value;
}
