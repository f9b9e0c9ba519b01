/**
 * Stream one request to a legacy CAS and its answer back to the client, through the hop's own client
 * (wire/: the agent, or a user's NTLM connection) or an undici Client (the defect `pool-auth-hops`' shared
 * connections): both take the same dispatch options and handler. Backpressure both ways: the request
 * body is a stream the hop's client reads as its socket drains; the response pauses while the client's
 * socket is full. Memory per request stays bounded whatever the sizes (RULES.md SEC-04).
 */
import type { Readable } from 'node:stream';
import type { FrontResponse } from './front-types.ts';
import type { HopDispatcher, RawHeaders, WireHandler } from '../wire/exchange.ts';

export interface ForwardOptions {
  dispatcher: HopDispatcher;
  origin: string;
  method: string;
  path: string;
  headers: string[];
  body: Readable | Buffer | null;
  res: FrontResponse;
  /** Turn the hop's head into the client's (status mapping, header filtering). */
  mapHead(status: number, statusText: string, rawHeaders: RawHeaders): { status: number; statusText: string; headers: string[] };
  /** Return true to drop this answer unseen (the caller retries): nothing is written to the client. */
  intercept?: (status: number, rawHeaders: RawHeaders) => boolean;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export interface ForwardResult {
  status: number;
  bytes: number;
  /** The answer was dropped by `intercept`. */
  intercepted?: boolean;
}

/** Error before the response head: nothing was sent to the client, the caller answers 502/504. */
export class ForwardError extends Error {
  override readonly cause: Error;
  constructor(cause: Error) {
    super(cause.message);
    this.cause = cause;
  }
}

/** How a relay ends: once, with the result, or with the ForwardError of a hop that failed before any byte reached the client. */
export type RelayDone = (err: ForwardError | null, result: ForwardResult | null) => void;

/**
 * Resolve when the answer is fully relayed; reject with ForwardError when the hop failed before any
 * byte reached the client (after that, the client connection is destroyed and the promise resolves).
 */
export function forward(o: ForwardOptions): Promise<ForwardResult> {
  return new Promise((resolve, reject) => relay(o, (err, result) => (err ? reject(err) : resolve(result!))));
}

/** forward() with a callback: a proxied request's relay makes no promise (issue 14). */
export function relay(o: ForwardOptions, end: RelayDone): void {
  const handler = new RelayHandler(o, end);
  o.res.on('close', handler.onClientClose);
  try {
    o.dispatcher.dispatch(
      { origin: o.origin, method: o.method, path: o.path, headers: o.headers, body: o.body, headersTimeout: o.headersTimeoutMs, bodyTimeout: o.bodyTimeoutMs },
      handler,
    );
  } catch (err) {
    handler.onError(err as Error);
  }
}

/**
 * One relay's state and the hop's events. A class, not an object literal of closures: a proxied request
 * made six closures here, and the methods of a class are made once (issue 14). The hop calls them as
 * methods; the client's 'close' gets the one arrow function a request still needs.
 */
class RelayHandler implements WireHandler {
  status = 0;
  bytes = 0;
  abort: ((err?: Error) => void) | undefined = undefined;
  done = false;
  resumeHop: (() => void) | undefined = undefined;
  intercepted = false;
  /** The client went away (or the answer finished): stop the hop if it is still running. */
  readonly onClientClose = (): void => {
    if (!this.done && this.abort) this.abort(new Error('client closed the connection'));
  };

  constructor(readonly o: ForwardOptions, readonly end: RelayDone) {}

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: RawHeaders, resume: () => void, statusText: string): boolean {
    if (statusCode < 200) return true; // 1xx: nothing to relay (100-continue is the hop's business)
    const o = this.o;
    if (o.intercept?.(statusCode, rawHeaders)) {
      this.intercepted = true;
      this.status = statusCode;
      this.abort?.(new Error('answer intercepted'));
      return false;
    }
    const head = o.mapHead(statusCode, statusText, rawHeaders);
    this.status = head.status;
    o.res.writeHead(head.status, head.statusText, head.headers);
    this.resumeHop = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    if (this.o.res.write(chunk)) return true;
    this.o.res.once('drain', () => this.resumeHop?.());
    return false;
  }

  onComplete(): void {
    if (this.done) return;
    this.done = true;
    this.o.res.end();
    this.end(null, { status: this.status, bytes: this.bytes });
  }

  onError(err: Error): void {
    if (this.done) return;
    this.done = true;
    if (this.intercepted) return this.end(null, { status: this.status, bytes: 0, intercepted: true });
    if (!this.o.res.headersSent) return this.end(new ForwardError(err), null);
    this.o.res.destroy(err);
    this.end(null, { status: this.status, bytes: this.bytes });
  }
}
