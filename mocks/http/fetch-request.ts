/**
 * The Fetch `Request` a handler sees, built from a Node request. Its URL is the listener's own
 * origin plus the path received, so relative msw paths (`/owa/`) match whatever Host a front door
 * sends (msw resolves them against `baseUrl`, port included); the Host as received is kept in the
 * request context and in the `host` header. The internal context header is added last, after any
 * client-sent copy of it was dropped.
 */
import type { IncomingMessage } from 'node:http';
import { lightRequest } from './light-request.ts';
import { CONTEXT_HEADER } from './request-context.ts';

/** Header pairs for a Fetch Request from Node's rawHeaders, minus any client-sent context header. */
export function fetchHeaders(raw: string[], contextId: string): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // Length check first: cheaper than lower-casing every name.
    if (name.length === CONTEXT_HEADER.length && name.toLowerCase() === CONTEXT_HEADER) continue;
    out.push([name, raw[i + 1]!]);
  }
  out.push([CONTEXT_HEADER, contextId]);
  return out;
}

/**
 * Build the Request. `body` is given for methods that carry one (streamed, `duplex: 'half'`);
 * GET and HEAD never get one (Fetch forbids it; Node drains what a client sent anyway) and are
 * built as light requests.
 */
export function buildFetchRequest(
  url: string,
  method: string,
  req: IncomingMessage,
  contextId: string,
  body: ReadableStream<Uint8Array> | null,
  signal?: AbortSignal,
): Request {
  const headers = fetchHeaders(req.rawHeaders, contextId);
  // The hot path (LIBRARIES.md): bodiless GET/HEAD get a light Request (light-request.ts).
  if (method === 'GET' || method === 'HEAD') return lightRequest(url, method, new Headers(headers));
  const init: RequestInit & { duplex?: 'half' } = { method, headers };
  if (body !== null) {
    init.body = body;
    init.duplex = 'half';
  }
  if (signal) init.signal = signal;
  return new Request(url, init);
}

/** Whether a request announces a body (RFC 9112 6.3: Transfer-Encoding, or Content-Length > 0). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const te = req.headers['transfer-encoding'];
  if (te !== undefined) return true;
  const cl = req.headers['content-length'];
  return cl !== undefined && cl !== '0';
}

/** The declared Content-Length, or null when absent or not a plain decimal. */
export function declaredLength(req: IncomingMessage): number | null {
  const cl = req.headers['content-length'];
  if (cl === undefined || !/^\d{1,16}$/.test(cl)) return null;
  return Number(cl);
}
