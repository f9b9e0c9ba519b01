/**
 * A handler's Fetch `Response` turned into what goes on the wire, and the writing of it. The
 * pitfalls of LIBRARIES.md "msw handlers on real sockets" are handled here:
 * - the body is buffered and Content-Length set (`HttpResponse.html()/xml()` set none, and the answer
 *   would otherwise go chunked), unless the handler set Transfer-Encoding or a Content-Length over
 *   1 MiB itself: then it is streamed as given (RPC_OUT_DATA holds a response open for hours);
 * - every Set-Cookie stays a header of its own (`headers.getSetCookie()`), written with the flat-array
 *   form of `writeHead`;
 * - names get Exchange casing back (Fetch lower-cases them);
 * - the reason phrase follows ASP.NET (empty for EAS 451), see status-line.ts.
 */
import type { ServerResponse } from 'node:http';
import { HttpResponse } from 'msw';
import { reasonPhrase } from './status-line.ts';

/** What goes on the wire for one request: status line, headers, and a body buffered or streamed. */
export interface Answer {
  status: number;
  reason: string;
  /** Wire names and values, in order; Set-Cookie repeated. */
  headers: [string, string][];
  /** The whole body (buffered answers), or null with `stream` set. */
  body: Buffer | null;
  stream: ReadableStream<Uint8Array> | null;
}

const EMPTY = Buffer.alloc(0);
/** An explicit Content-Length up to this is buffered; above it (RPC_OUT_DATA announces ~1 GB) the body is streamed. */
export const BUFFER_DECLARED_MAX = 1024 * 1024;

/** Statuses that carry no body and no Content-Length of ours (RFC 9110 8.6: 1xx, 204, 304). */
function bodiless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

const BUFFERED = new WeakMap<Response, Buffer>();

/**
 * A Response whose body goes on the wire from `body` as it is. A Fetch Response wraps any body in a
 * ReadableStream (made transferable on Node 20) that toAnswer then reads back: for the answers a mock
 * gives most (the 401 of every health check and every first authentication leg, OWA's logon redirect)
 * that was about 1 s of a full run's suite-worker CPU. The Response itself carries no body: only
 * toAnswer reads it, so it is for answers a handler returns as they are, never for one another handler
 * reads or rewraps (msw clones a Response only for generator resolvers, which the lab has none of).
 * @example
 * return bufferedResponse(IIS_401_PAGE, { status: 401, headers });
 */
export function bufferedResponse(body: Buffer, init: ResponseInit): Response {
  const r = new HttpResponse(null, init);
  BUFFERED.set(r, body);
  return r;
}

/** Build an {@link Answer} from a handler's Response; `defaults` are added when the handler set no header of that name. */
export async function toAnswer(
  response: Response,
  wireName: (lower: string) => string,
  defaults: readonly [string, string][] = [],
): Promise<Answer> {
  const headers: [string, string][] = [];
  let explicitLength = false;
  let explicitEncoding = false;
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') continue;
    if (name === 'content-length') explicitLength = true;
    else if (name === 'transfer-encoding') explicitEncoding = true;
    headers.push([wireName(name), value]);
  }
  for (const cookie of response.headers.getSetCookie()) headers.push([wireName('set-cookie'), cookie]);
  for (const [name, value] of defaults) if (!response.headers.has(name)) headers.push([wireName(name.toLowerCase()), value]);
  const status = response.status;
  const reason = reasonPhrase(status, response.statusText);
  // Stream what the handler framed itself as a long answer; buffer the rest, so the answer leaves
  // in one write (one TLS record) like IIS's, and msw's text()/json() (which set Content-Length) stay cheap.
  const buffered = BUFFERED.get(response);
  if (buffered === undefined && (explicitEncoding || (explicitLength && !(Number(response.headers.get('content-length')) <= BUFFER_DECLARED_MAX))))
    return { status, reason, headers, body: null, stream: response.body };
  const body = buffered ?? (response.body ? Buffer.from(await response.arrayBuffer()) : EMPTY);
  if (!explicitLength && !bodiless(status)) headers.push([wireName('content-length'), String(body.length)]);
  return { status, reason, headers, body, stream: null };
}

/** An answer the listener writes itself (404, 413, 500). */
export function plainAnswer(
  status: number,
  html: string,
  wireName: (lower: string) => string,
  extra: [string, string][] = [],
): Answer {
  const body = Buffer.from(html, 'latin1');
  return {
    status,
    reason: reasonPhrase(status, ''),
    headers: [[wireName('content-type'), 'text/html'], ...extra, [wireName('content-length'), String(body.length)]],
    body,
    stream: null,
  };
}

function flat(headers: [string, string][]): string[] {
  const out: string[] = [];
  for (const [n, v] of headers) out.push(n, v);
  return out;
}

/**
 * Write an answer. HEAD gets headers only (Node drops the body of a HEAD response and keeps our
 * Content-Length, which is the GET body's). Resolves when the answer is out or the client is gone.
 */
export async function writeAnswer(res: ServerResponse, answer: Answer, headOnly: boolean): Promise<void> {
  // writeHead with a string reason sets statusMessage as given, '' included (EAS 451).
  res.writeHead(answer.status, answer.reason, flat(answer.headers));
  if (answer.stream === null) {
    res.end(headOnly ? undefined : (answer.body ?? undefined));
    return;
  }
  if (headOnly) {
    await answer.stream.cancel().catch(() => undefined);
    res.end();
    return;
  }
  await pump(answer.stream, res);
}

async function pump(stream: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = stream.getReader();
  let gone = false;
  const onClose = () => {
    gone = true;
    reader.cancel().catch(() => undefined);
  };
  res.once('close', onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || gone) break;
      if (!res.write(value)) await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
    }
    if (!gone) res.end();
  } catch {
    // The handler's stream failed mid-answer: the status is out already, so cut the connection
    // (as IIS does when a module fails after sending headers).
    res.destroy();
  } finally {
    res.off('close', onClose);
  }
}
