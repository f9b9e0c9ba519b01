/**
 * Extension methods on Node's HTTP server. Outlook Anywhere speaks `RPC_IN_DATA` and `RPC_OUT_DATA`
 * (and the 2013 health probe sends `RPC_IN_DATA`, PROTOCOL-FACTS), but Node's parser (llhttp) knows a
 * fixed list of methods (`http.METHODS`) and answers anything else `400 Bad Request`, where IIS
 * accepts any token (RFC 9110 9.1: methods are extensible).
 *
 * So each connection's bytes pass through a small request framer before Node's parser: it finds
 * every request head (RFC 9112 6.3 framing: Content-Length, chunked, or no body), replaces an
 * upper-case extension method by the placeholder `SOURCE` (a method llhttp knows and clients do not
 * send; a real `SOURCE` is carried the same way) and queues the original on the socket; the listener
 * takes it back with {@link originalMethod}. Bodies pass through untouched, whatever they contain.
 * Keep-alive connections that mix methods (front doors reuse upstream connections) keep working.
 *
 * This relies on one Node behaviour: the server's `data` listener on the socket is `bound socketOnData`
 * and adding a `data` listener makes Node feed its parser from `data` events. If a Node release
 * changes that, the framer is simply not installed and extension methods get Node's 400, as before.
 */
import { METHODS, type Server } from 'node:http';
import type { Socket } from 'node:net';

/** The method Node sees for a request whose real method it cannot parse. */
export const PLACEHOLDER_METHOD = 'SOURCE';
const KNOWN = new Set(METHODS);
const EXTENSION = /^[A-Z][A-Z0-9_.!#$%&'*+^`|~-]*$/;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const FRAMING = /\r\n(content-length|transfer-encoding|upgrade)[ \t]*:([^\r\n]*)/gi;
const MAX_HEAD = 64 * 1024;
const MAX_LINE = 4 * 1024;
const queues = new WeakMap<object, string[]>();

/**
 * Let `server` accept extension methods on every connection (`connection` for HTTP, `secureConnection`
 * for HTTPS). Call right after creating the server, before it listens.
 * @example
 * const server = https.createServer({ key, cert }, listener);
 * acceptExtensionMethods(server, 'secureConnection');
 */
export function acceptExtensionMethods(server: Server, event: 'connection' | 'secureConnection'): void {
  // Registered after Node's own connection listener, so Node's parser is already attached.
  server.on(event, (socket: Socket) => interpose(socket));
}

/** The method the client sent (the request's own method unless the framer carried it). */
export function originalMethod(req: { method?: string; socket: object }): string {
  const method = req.method ?? 'GET';
  if (method !== PLACEHOLDER_METHOD) return method;
  return queues.get(req.socket)?.shift() ?? method;
}

function interpose(socket: Socket): void {
  const onData = socket.listeners('data').find((f) => f.name === 'bound socketOnData') as ((d: Buffer) => void) | undefined;
  if (!onData) return;
  const queue: string[] = [];
  queues.set(socket, queue);
  const framer = new RequestFramer((m) => queue.push(m));
  const wrapper = (chunk: Buffer) => {
    // After an upgrade Node detaches its parser: the bytes then belong to whoever took the socket.
    if (!(socket as { parser?: unknown }).parser) return void socket.removeListener('data', wrapper);
    const out = framer.feed(chunk);
    if (out.length > 0) onData(out);
  };
  socket.removeListener('data', onData);
  // Node's wrapped socket.on: adding a data listener moves its parser off the native stream.
  socket.on('data', wrapper);
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailer' | 'passthrough';

/** Tracks request framing on one connection and rewrites extension methods in request heads. */
export class RequestFramer {
  #state: State = 'head';
  #held: Buffer | null = null;
  #remaining = 0;
  #line = '';
  constructor(private readonly carried: (method: string) => void) {}

  /** Bytes in, bytes for Node's parser out (an incomplete head is held back until it is complete). */
  feed(chunk: Buffer): Buffer {
    if (this.#state === 'passthrough') return chunk;
    const data = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#held = null;
    const out: Buffer[] = [];
    let from = 0;
    let i = 0;
    // (A cast: TS narrows #state after the first check and misses changes made by #inspect/#lines.)
    while (i < data.length && (this.#state as State) !== 'passthrough') {
      if (this.#state === 'head') {
        const end = data.indexOf(CRLFCRLF, i);
        if (end < 0) {
          if (data.length - i > MAX_HEAD) this.#state = 'passthrough';
          else {
            this.#held = Buffer.from(data.subarray(i));
            if (i > from) out.push(data.subarray(from, i));
            return join(out);
          }
          break;
        }
        const head = data.subarray(i, end + 4);
        const rewritten = this.#inspect(head);
        if (rewritten) {
          if (i > from) out.push(data.subarray(from, i));
          out.push(rewritten);
          from = end + 4;
        }
        i = end + 4;
      } else if (this.#state === 'length' || this.#state === 'chunk-data' || this.#state === 'chunk-crlf') {
        const n = Math.min(this.#remaining, data.length - i);
        i += n;
        this.#remaining -= n;
        if (this.#remaining === 0) {
          if (this.#state === 'length') this.#state = 'head';
          else if (this.#state === 'chunk-data') [this.#state, this.#remaining] = ['chunk-crlf', 2];
          else this.#state = 'chunk-size';
        }
      } else {
        i = this.#lines(data, i);
      }
    }
    if (from < data.length) out.push(from === 0 ? data : data.subarray(from));
    return join(out);
  }

  /** Chunk-size and trailer lines (RFC 9112 7.1): passed through, parsed from a small copy. */
  #lines(data: Buffer, i: number): number {
    const nl = data.indexOf(0x0a, i);
    const stop = nl < 0 ? data.length : nl + 1;
    this.#line += data.toString('latin1', i, stop);
    if (this.#line.length > MAX_LINE) this.#state = 'passthrough';
    if (nl < 0 || this.#state === 'passthrough') return stop;
    const line = this.#line.trim();
    this.#line = '';
    if (this.#state === 'trailer') {
      if (line === '') this.#state = 'head';
      return stop;
    }
    const size = Number.parseInt(line.split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) this.#state = 'passthrough';
    else if (size === 0) this.#state = 'trailer';
    else [this.#state, this.#remaining] = ['chunk-data', size];
    return stop;
  }

  /** Read the head's method and framing; returns a rewritten head when the method is carried. */
  #inspect(head: Buffer): Buffer | null {
    let s = 0;
    // RFC 9112 2.2: empty lines before the request-line are ignored.
    while (s < head.length && (head[s] === 0x0d || head[s] === 0x0a)) s++;
    const sp = head.indexOf(0x20, s);
    const method = sp < 0 ? '' : head.toString('latin1', s, sp);
    const text = head.toString('latin1', Math.max(sp, 0));
    // One pass over the header lines that decide framing (RFC 9112 6.3).
    let te = '';
    let cl: string | null = null;
    let clCount = 0;
    let upgrade = false;
    for (const m of text.matchAll(FRAMING)) {
      const name = m[1]!.toLowerCase();
      if (name === 'transfer-encoding') te += `,${m[2]}`;
      else if (name === 'content-length') [cl, clCount] = [m[2]!.trim(), clCount + 1];
      else upgrade = true;
    }
    if (method === '' || method === 'CONNECT' || upgrade) this.#state = 'passthrough';
    else if (te.replace(/[ \t,]/g, '') !== '') {
      const codings = te.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
      this.#state = codings.at(-1) === 'chunked' ? 'chunk-size' : 'passthrough';
    } else if (cl === null) this.#state = 'head';
    else if (clCount > 1 || !/^\d{1,15}$/.test(cl)) this.#state = 'passthrough'; // Node refuses these anyway
    else if (Number(cl) > 0) [this.#state, this.#remaining] = ['length', Number(cl)];
    else this.#state = 'head';
    if (!EXTENSION.test(method) || (KNOWN.has(method) && method !== PLACEHOLDER_METHOD)) return null;
    this.carried(method);
    return Buffer.concat([Buffer.from(PLACEHOLDER_METHOD, 'latin1'), head.subarray(sp)]);
  }
}

function join(parts: Buffer[]): Buffer {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
