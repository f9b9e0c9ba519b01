/**
 * Cuts the IMAP byte stream into commands (RFC 3501 2.2, 4.3; RFC 7888 LITERAL+): a command is
 * lines joined by literals `{n}` (synchronizing: the server must answer `+` first) or `{n+}`
 * (non-synchronizing). Memory is bounded: a line never grows past maxLineBytes, a command's text
 * past maxLineBytes, its literals past maxLiteralBytes. An oversized synchronizing literal is
 * refused before the client sends a byte of it; an oversized `{n+}` cannot be skipped safely, so
 * it ends the session.
 */
export interface CommandPart {
  /** The line's text; when `literal` is set it still ends with its `{n}` / `{n+}` marker. */
  text: string;
  literal?: Buffer;
}

export type FramerOutput =
  | { type: 'command'; parts: CommandPart[] }
  /** A synchronizing literal was accepted: the session answers `+ ...`. */
  | { type: 'continue' }
  | { type: 'too-large'; what: 'line' | 'literal'; tag: string | null; fatal: boolean };

export const LITERAL_MARKER = /\{(\d{1,10})(\+)?\}$/;
/** Literals per command: LOGIN needs two, nothing here needs more than a few. */
const MAX_LITERALS = 16;
const EMPTY = Buffer.alloc(0);

export class ImapFramer {
  #chunks: Buffer[] = [];
  #chunkBytes = 0;
  #parts: CommandPart[] = [];
  #textBytes = 0;
  #literalBytes = 0;
  #literalRemaining = 0;
  #literal: Buffer[] = [];
  #dead = false;

  constructor(
    readonly limits: { maxLineBytes: number; maxLiteralBytes: number },
    readonly emit: (o: FramerOutput) => void,
  ) {}

  /** Drop everything buffered (STARTTLS) without ending the framer. */
  reset(): void {
    this.#chunks = [];
    this.#chunkBytes = 0;
    this.#resetCommand();
    this.#literalRemaining = 0;
    this.#literal = [];
  }

  feed(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0 && !this.#dead) {
      if (this.#literalRemaining > 0) {
        const take = Math.min(this.#literalRemaining, data.length);
        this.#literal.push(data.subarray(0, take));
        this.#literalRemaining -= take;
        data = data.subarray(take);
        if (this.#literalRemaining === 0) this.#endLiteral();
        continue;
      }
      const nl = data.indexOf(0x0a);
      if (nl === -1) {
        if (this.#chunkBytes + data.length > this.limits.maxLineBytes) return this.#fatal('line', undefined, data);
        this.#chunks.push(data);
        this.#chunkBytes += data.length;
        return;
      }
      if (this.#chunkBytes + nl > this.limits.maxLineBytes) return this.#fatal('line', undefined, data);
      const line = this.#chunkBytes === 0 ? data.subarray(0, nl) : Buffer.concat([...this.#chunks, data.subarray(0, nl)]);
      this.#chunks = [];
      this.#chunkBytes = 0;
      data = data.subarray(nl + 1);
      this.#line(line);
    }
  }

  #line(raw: Buffer): void {
    const line = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
    this.#textBytes += line.length;
    if (this.#textBytes > this.limits.maxLineBytes) return this.#fatal('line');
    const text = line.toString('utf8');
    this.#parts.push({ text });
    const m = LITERAL_MARKER.exec(text);
    if (!m) {
      const parts = this.#parts;
      this.#resetCommand();
      this.emit({ type: 'command', parts });
      return;
    }
    const size = Number(m[1]);
    const sync = m[2] === undefined;
    if (this.#literalBytes + size > this.limits.maxLiteralBytes || this.#parts.length > MAX_LITERALS) {
      const tag = tagOf(this.#parts[0]!.text);
      if (!sync) return this.#fatal('literal', tag);
      // The client waits for "+" before sending a synchronizing literal: refuse and carry on.
      this.#resetCommand();
      this.emit({ type: 'too-large', what: 'literal', tag, fatal: false });
      return;
    }
    this.#literalBytes += size;
    if (sync) this.emit({ type: 'continue' });
    if (size === 0) this.#parts[this.#parts.length - 1]!.literal = EMPTY;
    else this.#literalRemaining = size;
  }

  #endLiteral(): void {
    const last = this.#parts[this.#parts.length - 1];
    if (last) last.literal = this.#literal.length === 1 ? this.#literal[0]! : Buffer.concat(this.#literal);
    this.#literal = [];
  }

  #resetCommand(): void {
    this.#parts = [];
    this.#textBytes = 0;
    this.#literalBytes = 0;
  }

  #fatal(what: 'line' | 'literal', tag?: string | null, more?: Buffer): void {
    this.#dead = true;
    const head = Buffer.concat([...this.#chunks, ...(more ? [more] : [])]).subarray(0, 80);
    const first = this.#parts[0]?.text ?? head.toString('latin1');
    this.#chunks = [];
    this.#literal = [];
    this.#resetCommand();
    this.emit({ type: 'too-large', what, tag: tag ?? tagOf(first), fatal: true });
  }
}

/** The tag of a command line if it looks like one (RFC 3501: astring chars except "+"). */
export function tagOf(line: string): string | null {
  const m = /^([^\x00-\x20\x7f-\uffff(){%*"\\+]{1,64}) /.exec(line);
  return m ? m[1]! : null;
}
