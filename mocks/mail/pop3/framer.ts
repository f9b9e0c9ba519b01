/**
 * Cuts the POP3 byte stream into lines (RFC 1939 3: CRLF-terminated; a lone LF is accepted too).
 * A line longer than maxLineBytes ends the session: nothing longer is ever buffered.
 */
export type Pop3Unit = { type: 'line'; text: string } | { type: 'too-long' };

export class Pop3Framer {
  #chunks: Buffer[] = [];
  #bytes = 0;
  #dead = false;

  constructor(readonly maxLineBytes: number, readonly emit: (u: Pop3Unit) => void) {}

  reset(): void {
    this.#chunks = [];
    this.#bytes = 0;
  }

  feed(chunk: Buffer): void {
    let data = chunk;
    while (data.length > 0 && !this.#dead) {
      const nl = data.indexOf(0x0a);
      if (nl === -1 ? this.#bytes + data.length > this.maxLineBytes : this.#bytes + nl > this.maxLineBytes) {
        this.#dead = true;
        this.reset();
        this.emit({ type: 'too-long' });
        return;
      }
      if (nl === -1) {
        this.#chunks.push(data);
        this.#bytes += data.length;
        return;
      }
      const raw = this.#bytes === 0 ? data.subarray(0, nl) : Buffer.concat([...this.#chunks, data.subarray(0, nl)]);
      this.reset();
      data = data.subarray(nl + 1);
      const line = raw.length > 0 && raw[raw.length - 1] === 0x0d ? raw.subarray(0, raw.length - 1) : raw;
      this.emit({ type: 'line', text: line.toString('utf8') });
    }
  }
}

/** RFC 1939 3: a line of a multi-line answer that starts with "." gets another "." in front. */
export function dotStuff(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/(^|\n)\./g, '$1..');
  const ended = text === '' || text.endsWith('\r\n') ? text : `${text}\r\n`;
  return Buffer.from(`${ended}.\r\n`, 'latin1');
}
