/**
 * An HTTP/1.1 response reader for the hop (RFC 9112), fed the bytes of one connection as they come. It
 * reads a head, decides the body's framing once, and hands the body on in pieces: Content-Length,
 * chunked, or read-until-close; none for HEAD, 1xx, 204 and 304. Strict where a lenient reader would let
 * one answer bleed into the next (response splitting): Content-Length with Transfer-Encoding, differing
 * Content-Lengths, folded or malformed header lines and bytes after a complete answer are errors, and the
 * connection is not used again. Bounded: a head at most MAX_HEAD bytes, a chunk-size line and the trailers
 * likewise.
 *
 * @example
 * const p = new ResponseParser({ onHead, onData, onComplete });
 * p.start('GET');
 * socket.on('data', (b) => p.execute(b));
 * socket.on('end', () => p.finish());
 */
import { NOT_FIELD_VALUE, TOKEN, fieldLinesOk, hasToken, isName, transferCodings, trimOws } from './grammar.ts';
import { BodyFraming } from './body-framing.ts';

/** Bytes of one response head (status line and fields) at most. */
export const MAX_HEAD = 64 * 1024;

export class WireProtocolError extends Error {
  readonly code = 'HOP_BAD_RESPONSE';
}

export interface ResponseHead {
  status: number;
  statusText: string;
  /** name, value, name, value... as received (latin1). */
  rawHeaders: string[];
  /** The connection may carry another request after this answer (HTTP/1.1 without `close`, or 1.0 with keep-alive). */
  keepAlive: boolean;
  /** Keep-Alive's timeout hint in milliseconds, or null. */
  keepAliveMs: number | null;
}

export interface ResponseEvents {
  /** The head of a final (non-1xx) answer. */
  onHead(head: ResponseHead): void;
  onData(chunk: Buffer): void;
  onComplete(): void;
}

const enum State { Idle, Head, Body, UntilClose, Done }
/** The end of a head, as bytes: a string needle is converted to bytes again on every search. */
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const DIGITS = /^\d{1,15}$/;


/** `HTTP/1.x NNN[ reason]`: the minor version (0 or 1), or -1 when the line is not one. */
function statusLine(line: string): number {
  if (line.length < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 32 || (line.length > 12 && line.charCodeAt(12) !== 32)) return -1;
  const minor = line.charCodeAt(7) - 48;
  if (minor !== 0 && minor !== 1) return -1;
  for (let i = 9; i < 12; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  return minor;
}

export class ResponseParser {
  #state = State.Idle;
  #noBody = false;
  #head: Buffer | null = null;
  #keepAlive = false;
  readonly #body: BodyFraming;

  constructor(private readonly events: ResponseEvents) {
    this.#body = new BodyFraming((chunk) => events.onData(chunk), (message) => new WireProtocolError(message));
  }

  /** Expect the answer to a request with `method` (HEAD answers carry no body). */
  start(method: string): void {
    this.#state = State.Head;
    this.#noBody = method === 'HEAD';
    this.#head = null;
    this.#keepAlive = false;
  }

  /** An answer is under way (its head or body not yet complete). */
  get inProgress(): boolean {
    return this.#state !== State.Idle && this.#state !== State.Done;
  }

  /** Nothing of the current answer has arrived yet. */
  get untouched(): boolean {
    return this.#state === State.Head && this.#head === null;
  }

  /** The completed answer left the connection reusable. */
  get reusable(): boolean {
    return this.#state === State.Done && this.#keepAlive;
  }

  /**
   * Read bytes of the connection. Throws WireProtocolError on a malformed answer; bytes after a complete
   * answer (nothing was asked) make it not reusable.
   */
  execute(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      switch (this.#state) {
        case State.Head: {
          const joined: Buffer = this.#head ? Buffer.concat([this.#head, buf.subarray(i)]) : buf.subarray(i);
          const end = joined.indexOf(CRLFCRLF);
          if (end < 0) {
            if (joined.length > MAX_HEAD) throw new WireProtocolError(`the answer's head exceeds ${MAX_HEAD} bytes`);
            this.#head = Buffer.from(joined);
            return;
          }
          if (end > MAX_HEAD) throw new WireProtocolError(`the answer's head exceeds ${MAX_HEAD} bytes`);
          const consumed = end + 4 - (this.#head?.length ?? 0);
          this.#head = null;
          this.#onHead(joined.toString('latin1', 0, end));
          i += consumed;
          break;
        }
        case State.Body:
          i = this.#body.read(buf, i);
          if (this.#body.done) this.#done();
          break;
        case State.UntilClose:
          this.events.onData(i === 0 ? buf : buf.subarray(i));
          return;
        case State.Idle:
        case State.Done:
          // Bytes nobody asked for: the next answer on this connection could not be trusted.
          this.#keepAlive = false;
          return;
      }
    }
  }

  /** The connection ended: an answer read until close is complete; any other unfinished one is an error. */
  finish(): void {
    if (this.#state === State.UntilClose) return this.#done();
    if (this.inProgress) throw new WireProtocolError(this.untouched ? 'the connection closed before an answer' : 'the connection closed in the middle of the answer');
  }

  #onHead(text: string): void {
    // Runs once per proxied answer: lines are found with indexOf, not split, and the status line is read
    // without an expression.
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const first = text.slice(0, eol);
    const minor = statusLine(first);
    if (minor < 0) throw new WireProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(first.slice(0, 80))}`);
    const status = (first.charCodeAt(9) - 48) * 100 + (first.charCodeAt(10) - 48) * 10 + (first.charCodeAt(11) - 48);
    const rawHeaders: string[] = [];
    let lengths: string | null = null;
    let te: string | null = null;
    let connection: string | null = null;
    let keepAliveMs: number | null = null;
    // Every line checked at once; only a head that fails is checked line by line, to name the line.
    const wellFormed = fieldLinesOk(text, eol + 2);
    for (let at = eol + 2; at < text.length; ) {
      let end = text.indexOf('\r\n', at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      at = end + 2;
      const colon = line.indexOf(':');
      if (!wellFormed) {
        // A line holds field characters only (RFC 9110 5.5): a bare CR or LF, or a control character, is refused.
        if (NOT_FIELD_VALUE.test(line)) throw new WireProtocolError(`a control character or a bare CR or LF in the answer's head: ${JSON.stringify(line.slice(0, 80))}`);
        // No obs-fold (a line opening with a space), no empty or spaced names.
        if (!TOKEN.test(colon > 0 ? line.slice(0, colon) : '')) throw new WireProtocolError(`a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      }
      const name = line.slice(0, colon);
      const value = trimOws(line.slice(colon + 1));
      rawHeaders.push(name, value);
      if (isName(name, 'connection')) connection = connection === null ? value.toLowerCase() : `${connection},${value.toLowerCase()}`;
      else if (isName(name, 'keep-alive')) keepAliveMs = keepAliveHint(value);
      else if (isName(name, 'content-length')) lengths = lengths === null ? value : `${lengths},${value}`;
      else if (isName(name, 'transfer-encoding')) te = te === null ? value : `${te},${value}`;
    }
    if (!wellFormed) throw new WireProtocolError('a malformed head'); // not reached: some line above failed
    const statusText = first.slice(13);
    if (NOT_FIELD_VALUE.test(statusText)) throw new WireProtocolError('a control character in the status line');
    if (status < 200) {
      // 100 Continue, 102, 103: informational, a final answer follows. An upgrade the hop never asked for is not.
      if (status === 101) throw new WireProtocolError('101 Switching Protocols was never asked for');
      this.#state = State.Head;
      return;
    }
    this.#keepAlive = minor === 1 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive');
    if (te !== null && lengths !== null) throw new WireProtocolError('Content-Length together with Transfer-Encoding (RFC 9112 6.1)');
    let length: number | null = null;
    if (lengths !== null) {
      // Usually one number; a list (or repeats) must agree (RFC 9110 8.6).
      if (DIGITS.test(lengths)) length = Number(lengths);
      else {
        const parts = lengths.split(',');
        const first = trimOws(parts[0]!);
        if (!DIGITS.test(first) || parts.some((l) => trimOws(l) !== first)) throw new WireProtocolError(`an invalid Content-Length: ${JSON.stringify(lengths)}`);
        length = Number(first);
      }
    }
    this.events.onHead({ status, statusText, rawHeaders, keepAlive: this.#keepAlive, keepAliveMs });
    if (this.#noBody || status === 204 || status === 304) return this.#done();
    if (te !== null) {
      const codings = transferCodings(te);
      if (codings[codings.length - 1] === 'chunked') {
        if (codings.indexOf('chunked') !== codings.length - 1) throw new WireProtocolError('chunked applied twice');
        this.#body.chunked();
        this.#state = State.Body;
        return;
      }
      // RFC 9112 6.3: a final coding other than chunked is read until the connection closes.
      this.#keepAlive = false;
      this.#state = State.UntilClose;
      return;
    }
    if (length !== null) {
      if (length === 0) return this.#done();
      this.#body.length(length);
      this.#state = State.Body;
      return;
    }
    this.#keepAlive = false;
    this.#state = State.UntilClose;
  }

  #done(): void {
    this.#state = State.Done;
    this.events.onComplete();
  }
}

let lastHint = '';
let lastHintMs: number | null = null;
/** `timeout=5, max=100` -> 5000; null without a usable timeout. A CAS says the same every time: the last is kept. */
function keepAliveHint(value: string): number | null {
  if (value === lastHint) return lastHintMs;
  const m = /(?:^|[\s,])timeout\s*=\s*(\d{1,6})/i.exec(value);
  lastHint = value;
  lastHintMs = m ? Number(m[1]) * 1000 : null;
  return lastHintMs;
}
