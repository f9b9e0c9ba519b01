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
  let status = 0;
  let bytes = 0;
  let abort: ((err?: Error) => void) | undefined;
  let done = false;
  let resumeHop: (() => void) | undefined;
  let intercepted = false;
  o.res.on('close', () => {
    // The client went away (or the answer finished): stop the hop if it is still running.
    if (!done && abort) abort(new Error('client closed the connection'));
  });
  // Methods of one object literal, no named closures: tsx (esbuild keepNames) gives every named
  // closure a defineProperty per creation, and this object is made once per proxied request.
  const handler: WireHandler = {
    onConnect(a) {
      abort = a;
    },
    onHeaders(statusCode, rawHeaders, resume, statusText) {
      if (statusCode < 200) return true; // 1xx: nothing to relay (100-continue is the hop's business)
      if (o.intercept?.(statusCode, rawHeaders)) {
        intercepted = true;
        status = statusCode;
        abort?.(new Error('answer intercepted'));
        return false;
      }
      const head = o.mapHead(statusCode, statusText, rawHeaders);
      status = head.status;
      o.res.writeHead(head.status, head.statusText, head.headers);
      resumeHop = resume;
      return true;
    },
    onData(chunk) {
      bytes += chunk.length;
      if (o.res.write(chunk)) return true;
      o.res.once('drain', () => resumeHop?.());
      return false;
    },
    onComplete() {
      if (done) return;
      done = true;
      o.res.end();
      end(null, { status, bytes });
    },
    onError(err) {
      if (done) return;
      done = true;
      if (intercepted) return end(null, { status, bytes: 0, intercepted: true });
      if (!o.res.headersSent) return end(new ForwardError(err), null);
      o.res.destroy(err);
      end(null, { status, bytes });
    },
  };
  try {
    o.dispatcher.dispatch(
      { origin: o.origin, method: o.method, path: o.path, headers: o.headers, body: o.body, headersTimeout: o.headersTimeoutMs, bodyTimeout: o.bodyTimeoutMs },
      handler,
    );
  } catch (err) {
    if (!done) {
      done = true;
      end(new ForwardError(err as Error), null);
    }
  }
}
