/**
 * Outlook Anywhere's methods, RPC_IN_DATA and RPC_OUT_DATA, are not in Node's HTTP parser (llhttp
 * knows a fixed list and answers 400 to anything else). A connection whose first request uses one of
 * them is served here instead: a minimal HTTP/1.1 reader (request line, headers, Content-Length body;
 * no chunked request bodies, which Outlook does not send) feeding the same request handler as every
 * other request. Bounded: head size and head time are limited; a body left unread closes the
 * connection after the answer.
 */
import { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import { STATUS_TEXT, type FrontRequest, type FrontResponse } from './front-types.ts';

export const RAW_METHOD = /^(RPC_IN_DATA|RPC_OUT_DATA) /;

export interface RawLimits {
  maxHeaderBytes: number;
  headersTimeoutMs: number;
}

type Handler = (req: FrontRequest, res: FrontResponse) => void;

class RawRequest extends Readable implements FrontRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders = {};
  rawHeaders: string[] = [];
  remaining: number;
  constructor(readonly socket: Socket, method: string, url: string, length: number, private onPull: () => void) {
    super({ highWaterMark: 64 * 1024 });
    this.method = method;
    this.url = url;
    this.remaining = length;
    if (length === 0) this.push(null);
  }
  override _read(): void {
    this.onPull();
  }
}

class RawResponse implements FrontResponse {
  headersSent = false;
  writableEnded = false;
  statusCode?: number;
  #chunked = false;
  #closeAfter = false;
  #listeners = new Set<() => void>();
  constructor(readonly socket: Socket, readonly head: boolean, readonly done: (close: boolean) => void) {
    socket.once('close', () => this.#emitClose());
  }
  writeHead(status: number, statusMessage: string, headers: string[]): this {
    if (this.headersSent) return this;
    this.statusCode = status;
    const lines = [`HTTP/1.1 ${status} ${statusMessage || STATUS_TEXT[status] || ''}`.trimEnd()];
    let hasLength = false;
    for (let i = 0; i + 1 < headers.length; i += 2) {
      const n = headers[i]!.toLowerCase();
      if (n === 'connection' || n === 'transfer-encoding' || n === 'keep-alive') continue;
      if (n === 'content-length') hasLength = true;
      if (/[\r\n]/.test(headers[i + 1]!)) continue; // never let a value split the head
      lines.push(`${headers[i]}: ${headers[i + 1]}`);
    }
    const bodyless = this.head || status === 204 || status === 304;
    if (!hasLength && !bodyless) {
      this.#chunked = true;
      lines.push('Transfer-Encoding: chunked');
    }
    if (this.#closeAfter) lines.push('Connection: close');
    this.socket.write(lines.join('\r\n') + '\r\n\r\n');
    this.headersSent = true;
    return this;
  }
  /** Ask for Connection: close (a body was left unread). */
  closeAfter(): void {
    this.#closeAfter = true;
  }
  write(chunk: Buffer | string): boolean {
    if (this.head || !chunk.length) return true;
    if (this.#chunked) return this.socket.write(`${Buffer.byteLength(chunk).toString(16)}\r\n`) && this.socket.write(chunk) && this.socket.write('\r\n');
    return this.socket.write(chunk);
  }
  end(chunk?: Buffer | string): this {
    if (this.writableEnded) return this;
    if (!this.headersSent) this.writeHead(200, 'OK', ['Content-Length', String(chunk ? Buffer.byteLength(chunk) : 0)]);
    if (chunk) this.write(chunk);
    if (this.#chunked && !this.head) this.socket.write('0\r\n\r\n');
    this.writableEnded = true;
    process.nextTick(() => this.#emitClose());
    this.done(this.#closeAfter);
    return this;
  }
  once(event: 'drain' | 'close', fn: () => void): this {
    if (event === 'drain') this.socket.once('drain', fn);
    else this.#listeners.add(fn);
    return this;
  }
  on(event: 'close', fn: () => void): this {
    return this.once(event, fn);
  }
  destroy(): this {
    this.socket.destroy();
    return this;
  }
  #emitClose(): void {
    const l = [...this.#listeners];
    this.#listeners.clear();
    for (const fn of l) fn();
  }
}

/**
 * Serve a TLS connection whose first bytes (`first`) start an RPC_IN_DATA/RPC_OUT_DATA request.
 * @example
 * if (RAW_METHOD.test(first.toString('latin1', 0, 16))) serveRaw(socket, first, handler, limits);
 */
export function serveRaw(socket: Socket, first: Buffer, handler: Handler, limits: RawLimits): void {
  let buf: Buffer = first;
  let timer: NodeJS.Timeout | undefined;
  let body: RawRequest | undefined;
  let busy = false;

  const fail = (status: number) => {
    socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    setTimeout(() => socket.destroy(), 2_000).unref();
  };

  const onData = (chunk: Buffer) => {
    if (body && body.remaining > 0) return feedBody(chunk);
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    if (busy) {
      // A pipelined request waits for the current answer; bounded like a head.
      if (buf.length > limits.maxHeaderBytes) socket.destroy();
      return;
    }
    parseHead();
  };

  const feedBody = (chunk: Buffer) => {
    const b = body!;
    const take = Math.min(b.remaining, chunk.length);
    b.remaining -= take;
    const more = b.push(chunk.subarray(0, take));
    if (take < chunk.length) buf = Buffer.concat([buf, chunk.subarray(take)]);
    if (b.remaining === 0) b.push(null);
    else if (!more) socket.pause();
  };

  const parseHead = () => {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (buf.length > limits.maxHeaderBytes) fail(431);
      return;
    }
    clearTimeout(timer);
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    buf = buf.subarray(end + 4);
    const m = /^([A-Z_]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
    if (!m) return fail(400);
    const rawHeaders: string[] = [];
    const headers: IncomingHttpHeaders = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i <= 0 || /\s/.test(line.slice(0, i))) return fail(400);
      const name = line.slice(0, i);
      const value = line.slice(i + 1).trim();
      rawHeaders.push(name, value);
      const k = name.toLowerCase();
      headers[k] = headers[k] === undefined ? value : `${headers[k]}, ${value}`;
    }
    // RULES.md SEC-02: no body framing Outlook does not use, and never both framings at once.
    if (headers['transfer-encoding']) return fail(headers['content-length'] !== undefined ? 400 : 501);
    const cl = headers['content-length'] === undefined ? 0 : Number(headers['content-length']);
    if (!/^\d+$/.test(String(headers['content-length'] ?? '0')) || !Number.isSafeInteger(cl)) return fail(400);
    busy = true;
    body = new RawRequest(socket, m[1]!, m[2]!, cl, () => socket.resume());
    body.headers = headers;
    body.rawHeaders = rawHeaders;
    const res = new RawResponse(socket, m[1] === 'HEAD', (close) => next(close));
    if (buf.length && body.remaining > 0) {
      const rest = buf;
      buf = Buffer.alloc(0);
      feedBody(rest);
    }
    handler(body, res);
  };

  const next = (close: boolean) => {
    if (close || (body && body.remaining > 0)) {
      // A body left unread cannot be skipped safely on this connection: end it.
      socket.end();
      return;
    }
    body = undefined;
    busy = false;
    armTimer();
    if (buf.length) parseHead();
  };

  const armTimer = () => {
    clearTimeout(timer);
    if (limits.headersTimeoutMs <= 0) return; // defect `unbounded-requests`: no head timeout
    timer = setTimeout(() => fail(408), limits.headersTimeoutMs);
    timer.unref();
  };

  socket.on('data', onData);
  socket.on('error', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
  armTimer();
  parseHead();
}
