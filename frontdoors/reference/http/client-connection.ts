/**
 * One client connection of the HTTPS listener: its requests read one at a time (wire/request-parser.ts)
 * and handed to the front door's handler as a ClientRequest and a ClientResponse.
 *
 * Why not Node's HTTP server (until the twelfth session):
 * - the reference reached into Node's internals three times to use it: a socket's `_httpMessage` (is a
 *   request in flight), a response's `_keepAliveTimeout` (the Keep-Alive hint without Node's timers),
 *   and the parser's `unconsume`/`remove` to take a connection over for Outlook Anywhere's methods,
 *   which llhttp refuses (a second, smaller reader served those); its head timeout ran only once the
 *   inner server had been sent a fake 'listening';
 * - its lenient mode (the defect `lenient-framing`) was all or nothing;
 * - it builds an IncomingMessage, a ServerResponse and their streams per request. Dropping those was the
 *   hope for CPU (issue 14); measured, the gain is a few microseconds at most, within the bench's noise
 *   (paired rounds -20, -1, -2 and -7 us per proxied request; bench/RESULTS.md).
 * This is the part of the front door that reads what clients send, so it is strict (the parser) and
 * bounded:
 * - a head must be complete within `headersTimeoutMs` of its first byte (408; a new connection that
 *   sends nothing is closed unanswered), checked by the listener's sweep (client-idle.ts) once a second,
 *   as Node checked it;
 * - a head is at most `maxHeaderBytes` (431);
 * - one request at a time: bytes of the next request wait (pipelining), and past `maxHeaderBytes` of
 *   them the socket stops being read until the answer is done; the next request is not read while the
 *   answers already written wait for the client to read them (as Node's server: a client that pipelines
 *   and never reads costs a socket buffer, not a growing one);
 * - a body is read as its reader asks (backpressure); a body left unread when its answer ends is read
 *   and dropped up to DRAIN_LIMIT bytes to keep the connection (an NTLM handshake's 401 must not lose
 *   it), past that the connection closes;
 * - a malformed request gets its status (400, 417, 431) with `Connection: close`, and the connection ends.
 * It reads into a buffer of its own (wire/own-reads.ts, given by the listener): the body pieces it hands
 * on and the bytes it holds for later are copies.
 * Outlook Anywhere's RPC_IN_DATA/RPC_OUT_DATA are requests like any other here (Node's parser refused
 * them, so a separate reader served them before); their channel may be quiet up to the idle limit.
 */
import type { TLSSocket } from 'node:tls';
import type { Logger } from '../log.ts';
import type { Limits } from '../options.ts';
import { RequestParseError, RequestParser, type RequestEvents, type RequestHead } from '../wire/request-parser.ts';
import { KEEP_ALIVE_MS, type SweptConnection } from './client-idle.ts';
import { ClientRequest } from './client-request.ts';
import { ClientResponse, type AnswerOwner } from './client-response.ts';
import { readInto } from '../wire/own-reads.ts';
import { STATUS_TEXT, sendText, type FrontRequest, type FrontResponse } from './front-types.ts';

export interface ClientConnectionOptions {
  handler: (req: FrontRequest, res: FrontResponse) => void;
  limits: Pick<Limits, 'maxHeaderBytes' | 'headersTimeoutMs' | 'idleTimeoutMs' | 'lenientFraming'>;
  log: Logger;
}

/** Bytes of an unread request body read and dropped after its answer, at most; past them the connection closes. */
export const DRAIN_LIMIT = 1024 * 1024;
/** A connection ended after a refusal is destroyed this long after, if the client does not close it. */
const LINGER_MS = 2_000;

function refusal(status: number): string {
  const text = STATUS_TEXT[status] ?? 'Bad Request';
  const body = `${text}\r\n`;
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

export class ClientConnection implements RequestEvents, AnswerOwner, SweptConnection {
  readonly #parser: RequestParser;
  #req: ClientRequest | null = null;
  #res: ClientResponse | null = null;
  /** The current request's answer has ended (true before the first request). */
  #answered = true;
  /** Bytes read past the current request, waiting for its answer to end. */
  #held: Buffer | null = null;
  /** Bytes of an abandoned body dropped so far; -1: the body goes to its reader. */
  #dropping = -1;
  /** Inside #feed: an answer ending now must not start reading the next request itself. */
  #feeding = false;
  /** The next request waits until the client has read what was written ('drain'). */
  #draining = false;
  #closing = false;
  /** The bytes being read are the connection's read buffer (wire/own-reads.ts): what is kept of them is a copy. */
  #lent = false;
  /** An Outlook Anywhere channel (RPC_IN_DATA/RPC_OUT_DATA seen). */
  #rpc = false;
  /** When the head being waited for began (its first byte, or the connection's start), ms; 0: none is. */
  #headSince: number;
  readonly #pull = (): void => {
    if (!this.#closing) this.socket.resume();
  };

  constructor(readonly socket: TLSSocket, private readonly o: ClientConnectionOptions) {
    this.#parser = new RequestParser(this, { maxHeadBytes: o.limits.maxHeaderBytes, lenientFraming: o.limits.lenientFraming });
    this.#parser.start();
    this.#headSince = Date.now();
    readInto(socket, (d, lent) => this.#onData(d, lent));
    socket.on('close', () => this.#onClose());
  }

  // ---- the sweep (client-idle.ts) ----

  quietLimitMs(): number {
    if (this.#rpc) return this.o.limits.idleTimeoutMs;
    // A request in flight is the hop's to time out (504 before this): the sweep is only the backstop.
    return this.#answered ? KEEP_ALIVE_MS : this.o.limits.idleTimeoutMs + 60_000;
  }

  tick(now: number): void {
    const limit = this.o.limits.headersTimeoutMs;
    if (this.#closing || this.#headSince === 0 || limit <= 0 || now - this.#headSince < limit) return;
    if (this.#parser.untouched) {
      this.#closing = true;
      this.socket.destroy();
      return;
    }
    this.#refuse(new RequestParseError(`no complete request head within ${limit} ms`), 408);
  }

  // ---- reading ----

  /** `lent`: `d` is the connection's read buffer (wire/own-reads.ts), overwritten by the next read. */
  #onData(d: Buffer, lent: boolean): void {
    if (this.#closing) return;
    this.#lent = lent;
    try {
      if (this.#held !== null || this.#draining || (this.#parser.complete && !this.#answered)) this.#hold(d, 0);
      else this.#feed(d, 0);
    } finally {
      this.#lent = false;
    }
  }

  #feed(buf: Buffer, i: number): void {
    this.#feeding = true;
    try {
      while (i < buf.length && !this.#closing) {
        if (this.#parser.complete) {
          if (!this.#answered) return this.#hold(buf, i);
          if (this.socket.writableNeedDrain) {
            this.#awaitDrain();
            return this.#hold(buf, i);
          }
          this.#parser.start();
        }
        if (this.#headSince === 0 && this.#parser.untouched) this.#headSince = Date.now();
        i = this.#parser.execute(buf, i);
      }
    } catch (err) {
      if (!(err instanceof RequestParseError)) throw err;
      this.#refuse(err, err.status);
    } finally {
      this.#feeding = false;
    }
  }

  /** Keep bytes of the next request until the current answer ends; past a head's worth, stop reading. */
  #hold(buf: Buffer, i: number): void {
    const rest = this.#lent ? Buffer.from(buf.subarray(i)) : i === 0 ? buf : buf.subarray(i);
    this.#held = this.#held === null ? rest : Buffer.concat([this.#held, rest]);
    if (this.#held.length > this.o.limits.maxHeaderBytes) this.socket.pause();
  }

  onHead(head: RequestHead): void {
    this.#headSince = 0;
    this.#answered = false;
    this.#dropping = -1;
    if (head.method === 'CONNECT') throw new RequestParseError('CONNECT: the front door is no proxy');
    if (head.method === 'RPC_IN_DATA' || head.method === 'RPC_OUT_DATA') this.#rpc = true;
    const req = new ClientRequest(this.socket, head, this.#pull);
    const res = new ClientResponse(this.socket, head.method, head.minor, head.keepAlive, this);
    this.#req = req;
    this.#res = res;
    if (head.expectContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    try {
      this.o.handler(req, res);
    } catch (err) {
      // The handlers catch their own failures; this is the last line, as Node's server would crash here.
      this.o.log.write({ kind: 'handler-error', error: (err as Error)?.message ?? String(err), client: this.socket.remoteAddress });
      sendText(res, 500, 'Internal Server Error', ['Connection', 'close']);
    }
  }

  onData(chunk: Buffer): void {
    if (this.#dropping >= 0) {
      this.#dropping += chunk.length;
      if (this.#dropping > DRAIN_LIMIT) this.#end();
      return;
    }
    if (!this.#req!.push(this.#lent ? Buffer.from(chunk) : chunk)) this.socket.pause();
  }

  onComplete(): void {
    if (this.#dropping < 0) this.#req?.push(null);
    this.#dropping = -1;
    if (this.#answered) this.#req = null;
  }

  // ---- answering ----

  answered(res: ClientResponse, keepAlive: boolean): void {
    if (res !== this.#res) return;
    this.#answered = true;
    this.#res = null;
    if (!keepAlive) return this.#end();
    if (!this.#parser.complete) {
      // Answered before the body was read: drop the rest of it, or close when there is too much.
      const left = this.#parser.bodyRemaining;
      if (left > DRAIN_LIMIT) return this.#end();
      this.#dropping = 0;
      this.socket.resume();
      // Whoever still reads the body (a hop writing it to a legacy CAS that answered first) stops now:
      // the request closes without its end, and that hop connection is not reused.
      this.#req?.destroy();
      this.#req = null;
      return;
    }
    this.#req = null;
    if (!this.#feeding) this.#next();
  }

  /** Stop reading until the client has read the answers written so far, then go on. */
  #awaitDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    this.socket.pause();
    this.socket.once('drain', () => {
      this.#draining = false;
      if (!this.#closing) this.#next();
    });
  }

  /** Read what waited for the answer. */
  #next(): void {
    if (this.socket.writableNeedDrain) return this.#awaitDrain();
    const held = this.#held;
    this.#held = null;
    this.socket.resume();
    if (held !== null) this.#feed(held, 0);
  }

  /** Answer a request the front door will not read with `status`, and end the connection. */
  #refuse(err: RequestParseError, status: number): void {
    if (this.#closing) return;
    this.o.log.write({ kind: 'client-error', error: `${status === 408 ? 'ERR_HTTP_REQUEST_TIMEOUT' : err.code} ${err.message}`, client: this.socket.remoteAddress });
    const res = this.#res;
    if (res !== null && !this.#answered) {
      // A body that breaks its framing under an answer already begun cannot be answered again.
      if (res.headersSent) return void this.socket.destroy();
      res.abandon();
      this.#req?.destroy(err);
    }
    this.#closing = true;
    this.socket.end(refusal(status), 'latin1');
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** End the connection once what was written has gone. */
  #end(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  #onClose(): void {
    this.#closing = true;
    if (this.#res !== null && !this.#answered) this.#res.abandon();
    if (this.#req !== null && !this.#parser.complete && this.#dropping < 0) {
      const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
      this.#req.destroy(aborted);
    }
  }
}
