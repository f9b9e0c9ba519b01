/**
 * One request on the hop and what its caller is told: the head of the request as written, its body
 * (none, a Buffer, or a stream written as it comes with backpressure), and the handler that hears the
 * answer. The handler's shape is undici's dispatch handler (forward.ts serves both): onConnect(abort),
 * onHeaders(status, rawHeaders, resume, statusText), onData(chunk), onComplete(trailers), onError(err).
 */
import type { Readable } from 'node:stream';
import { NOT_FIELD_VALUE, TOKEN, trimOws } from './grammar.ts';

export interface WireRequest {
  origin: string;
  method: string;
  path: string;
  /** name, value, name, value... (Host among them). */
  headers: readonly string[];
  body: Readable | Buffer | null;
  /** Milliseconds without a byte while waiting for the answer's head. */
  headersTimeout: number;
  /** Milliseconds without a byte while reading the answer's body. */
  bodyTimeout: number;
}

/** name, value, name, value...: strings from the wire client, Buffers from undici. */
export type RawHeaders = readonly (Buffer | string)[];

/** How forward.ts sends a request: the wire agent, or an undici dispatcher (NTLM connections). */
export interface HopDispatcher {
  dispatch(req: WireRequest, handler: WireHandler): boolean;
}

export interface WireHandler {
  onConnect(abort: (err?: Error) => void): void;
  /** Return false to pause the connection until `resume` is called. */
  onHeaders(status: number, rawHeaders: RawHeaders, resume: () => void, statusText: string): boolean;
  /** Return false to pause the connection until `resume` is called. */
  onData(chunk: Buffer): boolean;
  onComplete(trailers: string[] | null): void;
  onError(err: Error): void;
}

/** A request the hop refuses to write (a header that would split the head, a body that contradicts its length). */
export class WireRequestError extends Error {
  readonly code = 'HOP_BAD_REQUEST';
}

export class WireTimeoutError extends Error {
  constructor(readonly code: 'HOP_HEADERS_TIMEOUT' | 'HOP_BODY_TIMEOUT', ms: number) {
    super(code === 'HOP_HEADERS_TIMEOUT' ? `no answer from the legacy CAS within ${ms} ms` : `the legacy CAS's answer stalled for ${ms} ms`);
  }
}

export class WireClosedError extends Error {
  constructor(message: string, readonly code = 'HOP_CLOSED') {
    super(message);
  }
}

const BAD_TARGET = /[^\x21-\x7e\x80-\xff]/;
/** Methods whose request means a body: without one they say Content-Length: 0 (as undici does). */
const EXPECTS_BODY = new Set(['POST', 'PUT', 'PATCH']);

export interface RequestFraming {
  head: string;
  /** The body's length when known (a Buffer, or a Content-Length given for a stream), else null (chunked). */
  length: number | null;
}

/**
 * The request's head as written on the hop, with the framing its body calls for.
 * @throws WireRequestError for a method, target or header that is not HTTP, or a length the body contradicts
 */
export function requestHead(req: WireRequest): RequestFraming {
  if (!TOKEN.test(req.method)) throw new WireRequestError(`not an HTTP method: ${JSON.stringify(req.method.slice(0, 40))}`);
  if (!req.path || BAD_TARGET.test(req.path)) throw new WireRequestError('a request target with spaces or control characters');
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  let given: string | null = null;
  const h = req.headers;
  for (let i = 0; i + 1 < h.length; i += 2) {
    const name = h[i]!;
    const value = h[i + 1]!;
    if (!TOKEN.test(name)) throw new WireRequestError(`not a header name: ${JSON.stringify(name.slice(0, 40))}`);
    if (NOT_FIELD_VALUE.test(value)) throw new WireRequestError(`a control character in the value of ${name}`);
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      given = trimOws(value);
      continue; // written below, once, from what the body is
    }
    head += `${name}: ${value}\r\n`;
  }
  const body = req.body;
  let length: number | null;
  if (body === null) {
    if (given !== null && given !== '0') throw new WireRequestError(`Content-Length ${given} without a body`);
    length = 0;
    if (given !== null || EXPECTS_BODY.has(req.method)) head += 'content-length: 0\r\n';
  } else if (Buffer.isBuffer(body)) {
    if (given !== null && given !== String(body.length)) throw new WireRequestError(`Content-Length ${given} for a body of ${body.length} bytes`);
    length = body.length;
    head += `content-length: ${length}\r\n`;
  } else if (given !== null) {
    if (!/^\d{1,15}$/.test(given)) throw new WireRequestError(`an invalid Content-Length: ${JSON.stringify(given.slice(0, 20))}`);
    length = Number(given);
    head += `content-length: ${given}\r\n`;
  } else {
    length = null;
    head += 'transfer-encoding: chunked\r\n';
  }
  return { head: `${head}\r\n`, length };
}

/** A request that can be sent again as it is: its body is not a stream already partly read. */
export function replayable(req: WireRequest): boolean {
  return (req.body === null || Buffer.isBuffer(req.body)) && (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS');
}
