/**
 * One keep-alive TLS connection of the hop, carrying one exchange at a time (no pipelining: a legacy
 * CAS binds NTLM identity and request order to the connection). Its listeners are set once, when the
 * connection opens, and serve each exchange in turn. Its inactivity limit (inactivity.ts) is the head
 * timeout, then the body timeout, then the idle timeout of the pool.
 *
 * Lifecycle: the pool gives it an exchange (`send`), it writes the request and reads the answer, and
 * when the answer is complete it hands itself back (`release(reusable)`). Anything odd on the wire
 * (a malformed answer, bytes nobody asked for, an answer before the request body was written) ends the
 * connection instead of reusing it.
 */
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import { ResponseParser, type ResponseHead } from './response-parser.ts';
import { readInto } from './own-reads.ts';
import { hopInactivity, type TimedConnection } from './inactivity.ts';
import { replayable, requestHead, WireClosedError, WireRequestError, WireTimeoutError, type WireHandler, type WireRequest } from './exchange.ts';

export interface ConnectionOwner {
  /** The answer is complete; `reusable` says whether the connection may carry another request. */
  release(conn: WireConnection, reusable: boolean): void;
  /** The socket closed (whatever the reason): forget the connection. */
  closed(conn: WireConnection): void;
  /** A request that failed on a reused connection before any answer: send it again on a fresh one. */
  retry(req: WireRequest, handler: WireHandler, state: ExchangeState): void;
}

/** What one exchange has got to; shared with the pool so that `abort` works before a connection is found. */
export interface ExchangeState {
  done: boolean;
  retried: boolean;
  conn: WireConnection | null;
}

interface Current {
  req: WireRequest;
  handler: WireHandler;
  state: ExchangeState;
  /** The request (head and body) is fully written. */
  sent: boolean;
  headSeen: boolean;
  /** The stream body's listeners, to detach when the exchange ends first. */
  detach: (() => void) | null;
}

export class WireConnection implements TimedConnection {
  #x: Current | null = null;
  #completed = false;
  #closed = false;
  /** The bytes being read are the connection's read buffer (own-reads.ts): a body piece handed on is a copy. */
  #lent = false;
  /** TimedConnection: the last read, write or change of limit, and the limit (see inactivity.ts). */
  lastActive = performance.now();
  limitMs = 0;
  readonly #parser: ResponseParser;
  /** Requests this connection has carried. */
  used = 0;
  /** The legacy CAS's Keep-Alive timeout hint, milliseconds (null: none given). */
  keepAliveMs: number | null = null;

  constructor(readonly socket: Socket, private readonly owner: ConnectionOwner) {
    this.#parser = new ResponseParser({
      onHead: (h) => this.#onHead(h),
      onData: (c) => this.#onData(c),
      onComplete: () => this.#onComplete(),
    });
    readInto(socket, (b, lent) => this.#read(b, lent));
    socket.on('end', () => this.#end());
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#close());
    hopInactivity.watch(this);
  }

  /** Quiet for longer than its limit (inactivity.ts). */
  expired(): void {
    this.#timeout();
  }

  get destroyed(): boolean {
    return this.#closed || this.socket.destroyed;
  }

  /**
   * Idle in the pool: only the idle timer runs; any byte from the CAS now ends the connection, and so does
   * its close, which a socket left paused by the last answer's backpressure would not read.
   */
  idle(ms: number): void {
    this.#arm(ms);
    if (this.socket.isPaused()) this.socket.resume();
  }

  /** A new inactivity limit, counted from now (as a socket's setTimeout restarts its timer). */
  #arm(ms: number): void {
    this.lastActive = performance.now();
    if (ms !== this.limitMs) {
      this.limitMs = ms;
      hopInactivity.limitSet(ms);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Write `req` and read its answer, telling `handler`. */
  send(req: WireRequest, handler: WireHandler, state: ExchangeState): void {
    let framing;
    try {
      framing = requestHead(req);
    } catch (err) {
      this.owner.release(this, true); // nothing was written: the connection is as good as before
      return fail(handler, state, err as WireRequestError);
    }
    state.conn = this;
    this.used++;
    const x: Current = { req, handler, state, sent: false, headSeen: false, detach: null };
    this.#x = x;
    this.#completed = false;
    this.#parser.start(req.method);
    this.#arm(req.headersTimeout);
    if (this.socket.isPaused()) this.socket.resume();
    const body = req.body;
    if (body === null) {
      this.socket.write(framing.head, 'latin1');
      x.sent = true;
    } else if (Buffer.isBuffer(body)) {
      this.socket.cork();
      this.socket.write(framing.head, 'latin1');
      if (body.length) this.socket.write(body);
      this.socket.uncork();
      x.sent = true;
    } else {
      this.socket.write(framing.head, 'latin1');
      this.#stream(x, body, framing.length);
    }
  }

  /** A stream body: written as it comes, paused while the connection is full, checked against its length. */
  #stream(x: Current, body: Readable, length: number | null): void {
    let written = 0;
    let ended = false;
    const socket = this.socket;
    const onData = (chunk: Buffer) => {
      // Nothing to write, and an empty write would be a chunked body's end, or make TLS read within it (own-reads.ts).
      if (chunk.length === 0) return;
      written += chunk.length;
      this.lastActive = performance.now();
      if (length !== null && written > length) return this.#abort(x, new WireRequestError(`the request body is longer than its Content-Length ${length}`));
      const ok = length === null ? socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write('\r\n') : socket.write(chunk);
      if (!ok) {
        body.pause();
        socket.once('drain', onDrain);
      }
    };
    const onDrain = () => {
      if (this.#x === x && !x.state.done) body.resume();
    };
    const onEnd = () => {
      ended = true;
      detach();
      if (length !== null && written !== length) return this.#abort(x, new WireRequestError(`the request body ended after ${written} of ${length} bytes`));
      if (length === null) socket.write('0\r\n\r\n');
      x.sent = true;
      // The answer may already be complete (a CAS that answered before reading the whole request).
      if (this.#completed && this.#x === x) this.#finishExchange(x);
    };
    const onError = (err: Error) => this.#abort(x, err);
    const onClose = () => {
      if (!ended) this.#abort(x, new WireClosedError('the client closed before its request body was complete', 'HOP_CLIENT_CLOSED'));
    };
    const detach = () => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      socket.off('drain', onDrain);
    };
    x.detach = detach;
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', onError);
    body.once('close', onClose);
    if (body.isPaused()) body.resume();
  }

  #read(b: Buffer, lent: boolean): void {
    this.lastActive = performance.now();
    const x = this.#x;
    if (!x || x.state.done) {
      // Bytes while idle (or after an abort): nothing to trust them with.
      this.socket.destroy();
      return;
    }
    this.#lent = lent;
    try {
      this.#parser.execute(b);
    } catch (err) {
      return this.#abort(x, err as Error);
    } finally {
      this.#lent = false;
    }
    if (this.#completed && this.#x === x) this.#finishExchange(x);
  }

  #onHead(h: ResponseHead): void {
    const x = this.#x;
    if (!x || x.state.done) return;
    x.headSeen = true;
    this.keepAliveMs = h.keepAliveMs;
    this.#arm(x.req.bodyTimeout);
    // The resume of this exchange only: a late call after the connection went on to another must not undo that one's pause.
    const resume = () => {
      if (this.#x === x && !this.destroyed) this.socket.resume();
    };
    const go = x.handler.onHeaders(h.status, h.rawHeaders, resume, h.statusText);
    if (go === false && !x.state.done) this.socket.pause();
  }

  #onData(chunk: Buffer): void {
    const x = this.#x;
    if (!x || x.state.done) return;
    // Handlers keep what they are given (a relay may queue it on the client's socket): never the read buffer.
    if (x.handler.onData(this.#lent ? Buffer.from(chunk) : chunk) === false && !x.state.done) this.socket.pause();
  }

  #onComplete(): void {
    const x = this.#x;
    if (!x || x.state.done) return;
    this.#completed = true;
    x.state.done = true;
    x.handler.onComplete(null);
  }

  /** After a complete answer: back to the pool when the request was written in full and the answer allows it. */
  #finishExchange(x: Current): void {
    if (!x.sent) return; // waits for the body's end (see #stream)
    this.#x = null;
    x.detach?.();
    x.state.conn = null;
    this.owner.release(this, this.#parser.reusable && !this.destroyed);
  }

  /** End the exchange with `err`: the connection is not reused. */
  #abort(x: Current, err: Error): void {
    if (this.#x !== x) return;
    this.#x = null;
    x.detach?.();
    if (!(x.req.body === null || Buffer.isBuffer(x.req.body))) x.req.body.pause();
    this.socket.destroy();
    if (!x.state.done) fail(x.handler, x.state, err);
  }

  /** Abort from the caller (forward.ts: the client went away, or an answer to drop unseen). */
  abort(err: Error): void {
    if (this.#x) this.#abort(this.#x, err);
  }

  #end(): void {
    const x = this.#x;
    if (!x || x.state.done) return void this.socket.destroy();
    if (this.#parser.untouched) return this.#lost(x, new WireClosedError('the legacy CAS closed the connection before answering'));
    try {
      this.#parser.finish();
    } catch (err) {
      return this.#lost(x, err as Error);
    }
    if (this.#completed && this.#x === x) this.#finishExchange(x);
    this.socket.destroy();
  }

  #fail(err: Error): void {
    const x = this.#x;
    if (x && !x.state.done) this.#lost(x, err);
    this.socket.destroy();
  }

  #close(): void {
    this.#closed = true;
    hopInactivity.unwatch(this);
    const x = this.#x;
    if (x && !x.state.done) this.#lost(x, new WireClosedError(this.#parser.untouched ? 'the legacy CAS closed the connection before answering' : 'the legacy CAS closed the connection in the middle of its answer'));
    this.owner.closed(this);
  }

  /**
   * The connection failed under an exchange. A keep-alive connection the CAS closed just as the request
   * went out (the idle race) is tried once more on a fresh connection when nothing came back and the
   * request can be sent again; anything else is the exchange's error.
   */
  #lost(x: Current, err: Error): void {
    if (this.#x !== x) return;
    this.#x = null;
    x.detach?.();
    this.socket.destroy();
    if (this.used > 1 && !x.headSeen && this.#parser.untouched && !x.state.retried && replayable(x.req)) {
      x.state.retried = true;
      x.state.conn = null;
      return this.owner.retry(x.req, x.handler, x.state);
    }
    fail(x.handler, x.state, err);
  }

  #timeout(): void {
    const x = this.#x;
    if (!x || x.state.done) return void this.socket.destroy();
    this.#abort(x, x.headSeen ? new WireTimeoutError('HOP_BODY_TIMEOUT', x.req.bodyTimeout) : new WireTimeoutError('HOP_HEADERS_TIMEOUT', x.req.headersTimeout));
  }
}

/** Tell the handler once. */
export function fail(handler: WireHandler, state: ExchangeState, err: Error): void {
  if (state.done) return;
  state.done = true;
  state.conn = null;
  handler.onError(err);
}
