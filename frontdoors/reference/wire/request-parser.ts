/**
 * The client leg's HTTP/1.1 request reader (RFC 9112), fed a connection's bytes as they come: a head,
 * then its body as the head frames it (body-framing.ts). It stops after each head and after each
 * complete message, so the connection decides when the next request may be read (one at a time).
 *
 * Strict where a lenient reader lets a request be smuggled past the front door (RULES.md SEC-02, SEC-04):
 * Content-Length with Transfer-Encoding, a Content-Length given twice or not a number, a final coding
 * other than chunked, a header line with a control character, a bare CR or LF, a space before its colon
 * or a fold, a request target with a space or control character, a method outside HTTP's registry, a
 * version other than 1.0 or 1.1, and an HTTP/1.1 request without exactly one Host are all errors (400). A head larger than `maxHeadBytes` is 431, an
 * expectation other than 100-continue 417. The registry is Node's own (`http.METHODS`, what its parser
 * accepted before this reader) plus Outlook Anywhere's RPC_IN_DATA and RPC_OUT_DATA.
 *
 * `lenientFraming` (the defect `lenient-framing` only) frames a request with both Content-Length and
 * Transfer-Encoding by its Transfer-Encoding instead of refusing it.
 *
 * @example
 * const p = new RequestParser({ onHead, onData, onComplete }, { maxHeadBytes: 16384, lenientFraming: false });
 * p.start();
 * let i = p.execute(buf, 0); // stops after a head or a message: feed the rest when the connection is ready
 */
import { METHODS, type IncomingHttpHeaders } from 'node:http';
import { BodyFraming } from './body-framing.ts';
import { FIELD_LINE, NOT_FIELD_VALUE, fieldLinesOk, hasToken, transferCodings, trimOws } from './grammar.ts';

/** A request the front door refuses to read: the status to answer, and why. */
export class RequestParseError extends Error {
  readonly code = 'CLIENT_BAD_REQUEST';
  constructor(message: string, readonly status: 400 | 417 | 431 = 400) {
    super(message);
  }
}

export interface RequestHead {
  method: string;
  /** The request target as sent. */
  url: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: number;
  /** name, value, name, value... as received (latin1). */
  rawHeaders: string[];
  /** Lower-case names; repeated fields combined as Node's IncomingMessage combines them. */
  headers: IncomingHttpHeaders;
  /** The client keeps the connection after the answer (HTTP/1.1 without `close`, or 1.0 with keep-alive). */
  keepAlive: boolean;
  /** `Expect: 100-continue` on HTTP/1.1: the client waits for an interim answer before its body. */
  expectContinue: boolean;
  /** The body: its Content-Length, or -1 when chunked (0: none). */
  bodyLength: number;
}

export interface RequestEvents {
  onHead(head: RequestHead): void;
  onData(chunk: Buffer): void;
  /** A body has ended (not called for a request without one: its head says bodyLength 0). */
  onComplete(): void;
}

export interface RequestParserOptions {
  /** Bytes of one head (request line and fields) at most. */
  maxHeadBytes: number;
  lenientFraming: boolean;
}

const METHOD_NAMES = new Set([...METHODS, 'RPC_IN_DATA', 'RPC_OUT_DATA']);
/** A request target holds no space or control character. */
const BAD_TARGET = /[^\x21-\x7e\x80-\xff]/;
/** Fields whose repeats Node's IncomingMessage drops (the first one counts); `cookie` joins with "; ", set-cookie is a list. */
const SINGLE = new Set(['age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent']);

/** Field names a request usually carries, as their clients spell them. */
const COMMON_FIELDS = ['Host', 'Cookie', 'Accept', 'Expect', 'User-Agent', 'Connection', 'Content-Type', 'Authorization', 'Content-Length', 'Accept-Encoding', 'X-Forwarded-For', 'Transfer-Encoding'];
/** By length: [as spelled, lower case] of each common field. */
const COMMON_BY_LENGTH: [string, string][][] = [];
for (const f of COMMON_FIELDS) (COMMON_BY_LENGTH[f.length] ??= []).push([f, f.toLowerCase()]);

/**
 * The lower-case key of a field name: a common one, spelled as usual or in lower case, gives the same
 * string every time, as Node's reader did (matchKnownFields), so the usual request makes no new string
 * per field and its keys need no lookup in V8's string table; any other name is lower-cased.
 */
function fieldKey(name: string): string {
  const common = COMMON_BY_LENGTH[name.length];
  if (common !== undefined) {
    for (const [spelled, key] of common) if (name === spelled || name === key) return key;
  }
  return name.toLowerCase();
}

const enum State { Idle, Head, Body, Done }
const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);

export class RequestParser {
  #state = State.Idle;
  /** Copies of the current head's bytes so far, while its end has not come. */
  #parts: Buffer[] = [];
  /** The last (up to) 3 bytes held: the head's end may straddle two reads. */
  #tail: Buffer = EMPTY;
  /** Bytes of the current head seen so far (its CRLFs before the request line included). */
  #headBytes = 0;
  readonly #body: BodyFraming;

  constructor(private readonly events: RequestEvents, private readonly o: RequestParserOptions) {
    this.#body = new BodyFraming((chunk) => events.onData(chunk), (message) => new RequestParseError(message));
  }

  /** Read the next request. */
  start(): void {
    this.#state = State.Head;
    this.#parts = [];
    this.#tail = EMPTY;
    this.#headBytes = 0;
  }

  /** Waiting for a head of which nothing has arrived. */
  get untouched(): boolean {
    return this.#state === State.Head && this.#headBytes === 0;
  }

  /** The current request has been read to its end. */
  get complete(): boolean {
    return this.#state === State.Done;
  }

  /** Bytes of a Content-Length body still to come; -1 for a chunked one; 0 when none. */
  get bodyRemaining(): number {
    return this.#state === State.Body ? this.#body.remaining : 0;
  }

  /**
   * Read `buf` from `i`; the index after what was read. Returns early after a head (the caller serves it,
   * then goes on) and after a complete request (the rest is the next request's). Throws RequestParseError.
   */
  execute(buf: Buffer, i: number): number {
    if (this.#state === State.Head) return this.#readHead(buf, i);
    if (this.#state === State.Body) {
      i = this.#body.read(buf, i);
      if (this.#body.done) this.#done();
    }
    return i;
  }

  #readHead(buf: Buffer, i: number): number {
    if (this.#parts.length === 0) {
      // RFC 9112 2.2: empty lines before a request line are ignored.
      while (i + 1 < buf.length && buf[i] === 13 && buf[i + 1] === 10 && this.#headBytes < this.o.maxHeadBytes) {
        i += 2;
        this.#headBytes += 2;
      }
      if (i >= buf.length) return i;
    }
    // The index in `buf` just after the head's CRLFCRLF, which may have begun in the bytes held.
    let end = -1;
    if (this.#parts.length) {
      const probe = Buffer.concat([this.#tail, buf.subarray(i, i + 3)]);
      const k = probe.indexOf(CRLFCRLF);
      if (k >= 0) end = i + k + 4 - this.#tail.length;
    }
    if (end < 0) {
      const k = buf.indexOf(CRLFCRLF, i);
      if (k >= 0) end = k + 4;
    }
    if (end < 0) {
      // Held as a copy: `buf` may be a connection's read buffer (own-reads.ts), which the next read overwrites.
      const piece = Buffer.from(buf.subarray(i));
      this.#headBytes += piece.length;
      if (this.#headBytes > this.o.maxHeadBytes) throw new RequestParseError(`the request's head exceeds ${this.o.maxHeadBytes} bytes`, 431);
      this.#parts.push(piece);
      this.#tail = piece.length >= 3 ? piece.subarray(piece.length - 3) : Buffer.concat([this.#tail, piece]).subarray(-3);
      return buf.length;
    }
    this.#headBytes += end - i;
    if (this.#headBytes > this.o.maxHeadBytes) throw new RequestParseError(`the request's head exceeds ${this.o.maxHeadBytes} bytes`, 431);
    let text: string;
    if (this.#parts.length) {
      const whole = Buffer.concat([...this.#parts, buf.subarray(i, end)]);
      text = whole.toString('latin1', 0, whole.length - 4);
      this.#parts = [];
      this.#tail = EMPTY;
    } else text = buf.toString('latin1', i, end - 4);
    this.#onHead(text);
    return end;
  }

  #onHead(text: string): void {
    // Empty lines before the request line that arrived split across reads (the usual ones are skipped
    // before a head is held at all).
    while (text.startsWith('\r\n')) text = text.slice(2);
    let eol = text.indexOf('\r\n');
    if (eol < 0) eol = text.length;
    const first = text.slice(0, eol);
    const s1 = first.indexOf(' ');
    const s2 = first.lastIndexOf(' ');
    if (s1 <= 0 || s2 <= s1 + 1) throw new RequestParseError(`not a request line: ${JSON.stringify(first.slice(0, 80))}`);
    const method = first.slice(0, s1);
    const url = first.slice(s1 + 1, s2);
    const version = first.slice(s2 + 1);
    if (!METHOD_NAMES.has(method)) throw new RequestParseError(`an unknown method: ${JSON.stringify(method.slice(0, 40))}`);
    if (BAD_TARGET.test(url)) throw new RequestParseError('a space or control character in the request target');
    const minor = version === 'HTTP/1.1' ? 1 : version === 'HTTP/1.0' ? 0 : -1;
    if (minor < 0) throw new RequestParseError(`an unsupported version: ${JSON.stringify(version.slice(0, 20))}`);

    const rawHeaders: string[] = [];
    const headers: IncomingHttpHeaders = {};
    let lengths = 0;
    let length = '';
    let te: string | null = null;
    let connection: string | null = null;
    let expect: string | null = null;
    let hosts = 0;
    // Field characters only (RFC 9110 5.5): a control character, a bare CR or LF is refused. No fold (a
    // line opening with a space), no empty or spaced names (RFC 9112 5.1, 5.2). One expression for every
    // line at once; only a head that fails is checked line by line, to say which line and why.
    const wellFormed = fieldLinesOk(text, eol + 2);
    for (let at = eol + 2; at < text.length; ) {
      let end = text.indexOf('\r\n', at);
      if (end < 0) end = text.length;
      const line = text.slice(at, end);
      at = end + 2;
      if (!wellFormed && !FIELD_LINE.test(line)) {
        if (NOT_FIELD_VALUE.test(line)) throw new RequestParseError(`a control character or a bare CR or LF in a header line: ${JSON.stringify(line.slice(0, 80))}`);
        throw new RequestParseError(`a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      }
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = trimOws(line.slice(colon + 1));
      rawHeaders.push(name, value);
      const key = fieldKey(name);
      // A field named like an object's own machinery stays in rawHeaders only.
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      const had = headers[key];
      if (had === undefined) headers[key] = key === 'set-cookie' ? [value] : value;
      else if (key === 'set-cookie') (had as string[]).push(value);
      else if (key === 'cookie') headers[key] = `${had as string}; ${value}`;
      else if (!SINGLE.has(key)) headers[key] = `${had as string}, ${value}`;
      switch (key) {
        case 'content-length':
          lengths++;
          length = value;
          break;
        case 'transfer-encoding':
          te = te === null ? value : `${te},${value}`;
          break;
        case 'connection':
          connection = connection === null ? value : `${connection},${value}`;
          break;
        case 'expect':
          expect = value;
          break;
        case 'host':
          hosts++;
          break;
      }
    }
    if (!wellFormed) throw new RequestParseError('a malformed head'); // not reached: some line above failed
    // RFC 9112 3.2: an HTTP/1.1 request without a Host, or with two, is refused (Node refused the first).
    if (hosts > 1 || (hosts === 0 && minor === 1)) throw new RequestParseError(hosts ? 'Host given twice' : 'an HTTP/1.1 request without Host');

    let bodyLength = 0;
    if (te !== null) {
      if (lengths > 0 && !this.o.lenientFraming) throw new RequestParseError('Content-Length together with Transfer-Encoding (RFC 9112 6.1)');
      const codings = transferCodings(te);
      // RFC 9112 6.3: a request whose final coding is not chunked cannot be framed.
      if (codings[codings.length - 1] !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1) throw new RequestParseError(`a Transfer-Encoding the front door cannot frame: ${JSON.stringify(te.slice(0, 80))}`);
      bodyLength = -1;
    } else if (lengths > 0) {
      if (lengths > 1 || !/^\d{1,15}$/.test(length)) throw new RequestParseError(`an invalid Content-Length: ${JSON.stringify(length.slice(0, 40))}`);
      bodyLength = Number(length);
    }
    let expectContinue = false;
    if (expect !== null) {
      if (expect.toLowerCase() !== '100-continue') throw new RequestParseError(`an expectation the front door cannot meet: ${JSON.stringify(expect.slice(0, 40))}`, 417);
      expectContinue = minor === 1;
    }
    // `close` wins wherever it stands; HTTP/1.0 keeps the connection only when asked to.
    const tokens = connection === null ? null : connection.toLowerCase();
    const keepAlive = !hasToken(tokens, 'close') && (minor === 1 || hasToken(tokens, 'keep-alive'));

    if (bodyLength === -1) this.#body.chunked();
    else this.#body.length(bodyLength);
    this.#state = bodyLength === 0 ? State.Done : State.Body;
    // A request without a body is complete with its head: onComplete is for bodies.
    this.events.onHead({ method, url, minor, rawHeaders, headers, keepAlive, expectContinue, bodyLength });
  }

  #done(): void {
    this.#state = State.Done;
    this.events.onComplete();
  }
}
