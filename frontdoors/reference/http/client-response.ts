/**
 * The answer to one client request (FrontResponse), written straight to the client's TLS socket.
 *
 * It writes what Node's ServerResponse wrote, so clients and rules see the same answers: the status
 * line always HTTP/1.1; the handler's fields, refused when a name is not a token or a value holds a
 * control character (Node's ERR_INVALID_HTTP_TOKEN / ERR_INVALID_CHAR); then `Date` unless given,
 * `Connection: keep-alive` with `Keep-Alive: timeout=120` or `Connection: close`, and
 * `Transfer-Encoding: chunked` for a body of unknown length (HTTP/1.1; an HTTP/1.0 client gets it
 * delimited by the connection's close). No body for HEAD, 204 and 304.
 *
 * The head waits for the first body bytes or the end. With a first body of up to 16 KiB it leaves in the
 * same Buffer; otherwise the socket is corked until the next tick. Either way a proxied answer that
 * arrives in one read leaves in one write (one TLS record where it fits).
 */
import type { Socket } from 'node:net';
import { NOT_FIELD_VALUE, TOKEN, hasToken, isName } from '../wire/grammar.ts';
import { KEEP_ALIVE_MS } from './client-idle.ts';
import type { FrontResponse } from './front-types.ts';

/** What the response tells its connection. */
export interface AnswerOwner {
  /** The answer has been written to its end; `keepAlive`: the connection may carry another request. */
  answered(res: ClientResponse, keepAlive: boolean): void;
}

/** A header the answer cannot carry (the handler's bug, as Node would throw it). */
export class AnswerHeaderError extends TypeError {
  constructor(message: string, readonly code: 'ERR_INVALID_HTTP_TOKEN' | 'ERR_INVALID_CHAR') {
    super(message);
  }
}

/** A first body up to this many bytes goes out with the head in one Buffer (one TLS record's worth). */
const ONE_WRITE_MAX = 16 * 1024;

const KEEP_ALIVE_FIELDS = `Connection: keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_MS / 1000}\r\n`;

let dateSecond = -1;
let dateText = '';
/** The Date field's value, made once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(second * 1000).toUTCString();
  }
  return dateText;
}

function uncork(socket: Socket): void {
  socket.uncork();
}

function emitClose(res: ClientResponse): void {
  res.emitClose();
}

export class ClientResponse implements FrontResponse {
  headersSent = false;
  writableEnded = false;
  statusCode = 200;
  /** The head, written with the first body bytes or at the end. */
  #head: string | null = null;
  #chunked = false;
  #noBody: boolean;
  #keepAlive: boolean;
  /** The connection is gone (or the request was refused under it): nothing more is written. */
  #dead = false;
  #closed = false;
  #closeListeners: (() => void)[] = [];

  constructor(private readonly socket: Socket, method: string, private readonly minor: number, keepAlive: boolean, private readonly owner: AnswerOwner) {
    this.#noBody = method === 'HEAD';
    this.#keepAlive = keepAlive;
  }

  writeHead(status: number, statusMessage: string, headers: string[]): this {
    if (this.headersSent) return this;
    if (NOT_FIELD_VALUE.test(statusMessage)) throw new AnswerHeaderError('Invalid character in statusMessage', 'ERR_INVALID_CHAR');
    let head = `HTTP/1.1 ${status} ${statusMessage}\r\n`;
    let hasLength = false;
    let hasDate = false;
    let connection: string | null = null;
    let te: string | null = null;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const name = headers[i]!;
      const value = headers[i + 1]!;
      if (!TOKEN.test(name)) throw new AnswerHeaderError(`Header name must be a valid HTTP token ["${name}"]`, 'ERR_INVALID_HTTP_TOKEN');
      if (NOT_FIELD_VALUE.test(value)) throw new AnswerHeaderError(`Invalid character in header content ["${name}"]`, 'ERR_INVALID_CHAR');
      head += `${name}: ${value}\r\n`;
      if (isName(name, 'date')) hasDate = true;
      else if (isName(name, 'connection')) connection = value.toLowerCase();
      else if (isName(name, 'content-length')) hasLength = true;
      else if (isName(name, 'transfer-encoding')) te = value.toLowerCase();
    }
    if (status === 204 || status === 304 || status < 200) this.#noBody = true;
    if (!hasDate) head += `Date: ${httpDate()}\r\n`;
    // An HTTP/1.0 client's body of unknown length ends with the connection.
    const closeDelimited = !hasLength && te === null && !this.#noBody && this.minor === 0;
    if (connection !== null) {
      if (hasToken(connection, 'close')) this.#keepAlive = false;
    } else if (this.#keepAlive && !closeDelimited) head += KEEP_ALIVE_FIELDS;
    else {
      this.#keepAlive = false;
      head += 'Connection: close\r\n';
    }
    if (closeDelimited) this.#keepAlive = false;
    if (te !== null) this.#chunked = /(?:^|,)\s*chunked\s*$/.test(te);
    else if (!hasLength && !this.#noBody && this.minor === 1) {
      head += 'Transfer-Encoding: chunked\r\n';
      this.#chunked = true;
    }
    this.statusCode = status;
    this.#head = `${head}\r\n`;
    this.headersSent = true;
    return this;
  }

  write(chunk: Buffer | string): boolean {
    if (this.#dead || this.writableEnded) return false;
    if (!this.headersSent) this.writeHead(200, 'OK', []);
    const length = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    if (this.#noBody || length === 0) return true;
    if (this.#head !== null && !this.#chunked && length <= ONE_WRITE_MAX) {
      // The head and a first body of up to a record leave as one Buffer in one write: no cork and no
      // writev of a string and a Buffer (issue 14). A longer body is not copied.
      const head = this.#head;
      this.#head = null;
      const buf = Buffer.allocUnsafe(head.length + length);
      buf.write(head, 0, 'latin1'); // one byte per character: writeHead let no character above 0xFF in
      if (typeof chunk === 'string') buf.write(chunk, head.length, 'utf8');
      else chunk.copy(buf, head.length);
      return this.socket.write(buf);
    }
    this.#cork();
    if (this.#head !== null) {
      this.socket.write(this.#head, 'latin1');
      this.#head = null;
    }
    if (!this.#chunked) return this.socket.write(chunk);
    this.socket.write(`${length.toString(16)}\r\n`, 'latin1');
    this.socket.write(chunk);
    return this.socket.write('\r\n', 'latin1');
  }

  end(chunk?: Buffer | string): this {
    if (this.writableEnded) return this;
    if (this.#dead) {
      this.writableEnded = true;
      return this;
    }
    if (!this.headersSent) this.writeHead(200, 'OK', ['Content-Length', String(chunk === undefined ? 0 : typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length)]);
    if (chunk !== undefined) this.write(chunk);
    const last = this.#chunked && !this.#noBody;
    // Nothing left to write (the head went with the body): no cork.
    if (this.#head !== null || last) this.#cork();
    if (this.#head !== null) {
      this.socket.write(this.#head, 'latin1');
      this.#head = null;
    }
    if (last) this.socket.write('0\r\n\r\n', 'latin1');
    this.writableEnded = true;
    process.nextTick(emitClose, this);
    this.owner.answered(this, this.#keepAlive);
    return this;
  }

  once(event: 'drain' | 'close', fn: () => void): this {
    if (event === 'drain') this.socket.once('drain', fn);
    else if (!this.#closed) this.#closeListeners.push(fn);
    return this;
  }

  on(event: 'close', fn: () => void): this {
    return this.once(event, fn);
  }

  destroy(): this {
    this.socket.destroy();
    return this;
  }

  /** The connection closed (or the request under this answer was refused) before the answer ended. */
  abandon(): void {
    if (this.writableEnded || this.#dead) return;
    this.#dead = true;
    this.emitClose();
  }

  /** 'close': the answer ended, or the connection went first. Once. */
  emitClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const listeners = this.#closeListeners;
    this.#closeListeners = [];
    for (const fn of listeners) fn();
  }

  /** Cork the socket until the next tick, as Node's response does: this tick's writes leave together. */
  #cork(): void {
    if (this.socket.writableCorked) return;
    this.socket.cork();
    process.nextTick(uncork, this.socket);
  }
}
