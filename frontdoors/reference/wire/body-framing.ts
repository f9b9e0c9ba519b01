/**
 * The body of one HTTP/1.1 message read as its head framed it (RFC 9112 6 and 7): a Content-Length, or
 * chunked with its trailer fields read and dropped. Both legs read bodies this way: the hop's answers
 * (response-parser.ts) and the clients' requests (request-parser.ts). Strict, because a lenient reader
 * lets one message bleed into the next: a chunk-size line must be hex and end with CRLF, a chunk's data
 * must be followed by CRLF, a trailer line too. Bounded: a chunk-size line, and all trailers together, at
 * most MAX_LINE bytes.
 *
 * @example
 * const body = new BodyFraming((chunk) => out.push(chunk), (m) => new WireProtocolError(m));
 * body.chunked();
 * let i = body.read(buf, 0); // the index after what was the body's; body.done once it is complete
 */
import { trimOws } from './grammar.ts';

/** Bytes of a chunk-size line, or of all trailer fields, at most. */
export const MAX_LINE = 16 * 1024;

const enum Phase { Length, ChunkSize, ChunkData, ChunkEnd, Trailers, Done }

export class BodyFraming {
  #phase = Phase.Done;
  #remaining = 0;
  #line = '';

  /** @param fail makes the error thrown for malformed framing (each leg has its own error class). */
  constructor(private readonly onData: (chunk: Buffer) => void, private readonly fail: (message: string) => Error) {}

  /** A body of `n` bytes follows. */
  length(n: number): void {
    this.#remaining = n;
    this.#phase = n === 0 ? Phase.Done : Phase.Length;
  }

  /** A chunked body follows. */
  chunked(): void {
    this.#phase = Phase.ChunkSize;
    this.#line = '';
  }

  /** The body is complete (or none was started). */
  get done(): boolean {
    return this.#phase === Phase.Done;
  }

  /** Bytes of a Content-Length body still to come; -1 for a chunked one. */
  get remaining(): number {
    return this.#phase === Phase.Length ? this.#remaining : this.#phase === Phase.Done ? 0 : -1;
  }

  /** Read the body's bytes of `buf` from `i` until the body is complete or `buf` ends; the index after them. */
  read(buf: Buffer, i: number): number {
    while (i < buf.length && this.#phase !== Phase.Done) {
      switch (this.#phase) {
        case Phase.Length:
          i = this.#data(buf, i);
          if (this.#remaining === 0) this.#phase = Phase.Done;
          break;
        case Phase.ChunkSize: {
          const nl = buf.indexOf(10, i);
          if (nl < 0) {
            this.#line += buf.toString('latin1', i);
            if (this.#line.length > MAX_LINE) throw this.fail('a chunk-size line is too long');
            return buf.length;
          }
          const line = this.#line + buf.toString('latin1', i, nl);
          this.#line = '';
          i = nl + 1;
          this.#onChunkSize(line);
          break;
        }
        case Phase.ChunkData:
          i = this.#data(buf, i);
          if (this.#remaining === 0) {
            this.#phase = Phase.ChunkEnd;
            this.#line = '';
          }
          break;
        case Phase.ChunkEnd:
          // The CRLF after a chunk's data, possibly split across reads.
          this.#line += String.fromCharCode(buf[i]!);
          i++;
          if (this.#line.length === 2) {
            if (this.#line !== '\r\n') throw this.fail('a chunk does not end with CRLF');
            this.#line = '';
            this.#phase = Phase.ChunkSize;
          }
          break;
        case Phase.Trailers: {
          const nl = buf.indexOf(10, i);
          const piece = buf.toString('latin1', i, nl < 0 ? buf.length : nl + 1);
          this.#line += piece;
          i += piece.length;
          if (this.#line.length > MAX_LINE) throw this.fail('the trailers are too long');
          // Trailer fields are read and dropped (the front door relays none); an empty line ends them.
          if (this.#line === '\r\n') {
            this.#line = '';
            this.#phase = Phase.Done;
          } else if (this.#line.endsWith('\r\n')) this.#line = '';
          else if (this.#line.endsWith('\n')) throw this.fail('a trailer line does not end with CRLF');
          break;
        }
      }
    }
    return i;
  }

  /** Hand on the bytes of `buf` from `i` that the current length or chunk still counts; the next index. */
  #data(buf: Buffer, i: number): number {
    const n = Math.min(this.#remaining, buf.length - i);
    this.#remaining -= n;
    this.onData(i === 0 && n === buf.length ? buf : buf.subarray(i, i + n));
    return i + n;
  }

  #onChunkSize(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : null;
    if (text === null) throw this.fail('a chunk-size line does not end with CRLF');
    const semi = text.indexOf(';');
    // SP and HTAB only (String.trim would take 0xA0, an obs-text byte, for a space: a size another reader refuses).
    const hex = trimOws(semi < 0 ? text : text.slice(0, semi));
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw this.fail(`an invalid chunk size: ${JSON.stringify(hex.slice(0, 20))}`);
    const size = parseInt(hex, 16);
    if (size === 0) {
      this.#phase = Phase.Trailers;
      this.#line = '';
      return;
    }
    this.#remaining = size;
    this.#phase = Phase.ChunkData;
  }
}
