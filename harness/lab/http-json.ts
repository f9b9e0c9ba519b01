/**
 * A tiny JSON-over-HTTP router for the lab's own loopback services (directory, control API).
 * Bounded request bodies, JSON errors with the reason (a malformed path is a 400, never a 500), large
 * answers streamed with backpressure (JsonStream) under a deadline, never throws at the socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A streamed JSON answer: its text comes in chunks, written as the client reads. */
export class JsonStream {
  /** `done` runs once the answer is written or abandoned (a slot to give back). */
  constructor(readonly status: number, readonly chunks: () => Iterable<string> | AsyncIterable<string>, readonly done: () => void = () => {}) {}
}

export type JsonHandler = (req: IncomingMessage, params: Record<string, string>, body: unknown, url: URL) => Promise<[number, unknown] | JsonStream> | [number, unknown] | JsonStream;
export interface Route {
  method: string;
  /** `/users/:login` style pattern. */
  path: string;
  handler: JsonHandler;
}

export class HttpJsonError extends Error {
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** A streamed answer that the client does not read within this time is cut (it would hold its slot forever). */
const STREAM_DEADLINE_MS = 30_000;
/** Characters of a path quoted back in an error (paths can be long). */
const QUOTE_MAX = 120;

function quote(s: string): string {
  return JSON.stringify(s.length > QUOTE_MAX ? `${s.slice(0, QUOTE_MAX)}...` : s);
}

function decodeSegment(raw: string, name: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    // decodeURIComponent says only "URI malformed": name the segment and the reason.
    throw new HttpJsonError(400, `path segment :${name} ${quote(raw)} has bad percent-encoding (each % must start a valid UTF-8 %XX sequence)`);
  }
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = a[i]!;
    else if (p[i] !== a[i]) return undefined;
  }
  // Decode only once the route matched, so a bad segment is reported against the right route.
  for (const [k, v] of Object.entries(params)) params[k] = decodeSegment(v, k);
  return params;
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    // The rest of the body is not read: answer and close (a client still sending gets the answer first).
    if (size > limit) throw new HttpJsonError(413, `request body over ${limit} bytes`, { Connection: 'close' });
    chunks.push(c as Buffer);
  }
  if (!size) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpJsonError(400, 'request body is not JSON');
  }
}

/** Resolve on the next 'drain' or 'close', leaving no listener behind (a page writes many chunks). */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Write a streamed answer with backpressure; cut it when the client stops reading past the deadline. */
async function writeStream(res: ServerResponse, s: JsonStream): Promise<void> {
  const deadline = setTimeout(() => res.destroy(), STREAM_DEADLINE_MS);
  try {
    res.writeHead(s.status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    for await (const chunk of s.chunks()) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end();
  } finally {
    clearTimeout(deadline);
    s.done();
  }
}

/** Start a JSON service on host:port; `guard` may refuse a request (e.g. a missing bearer token). */
export async function startJsonService(opts: {
  host: string;
  port: number;
  routes: Route[];
  guard?: (req: IncomingMessage) => [number, string] | undefined;
}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify(data, null, 1);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    try {
      const refusal = opts.guard?.(req);
      if (refusal) return send(refusal[0], { error: refusal[1] });
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://lab');
      } catch {
        throw new HttpJsonError(400, `request target ${quote(req.url ?? '')} is not a path`);
      }
      for (const r of opts.routes) {
        if (r.method !== req.method) continue;
        const params = match(r.path, url.pathname);
        if (!params) continue;
        const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req, 1 << 20);
        const answer = await r.handler(req, params, body, url);
        if (answer instanceof JsonStream) return await writeStream(res, answer);
        return send(answer[0], answer[1]);
      }
      send(404, { error: `no route ${req.method} ${quote(url.pathname)}` });
    } catch (err) {
      // `Connection: close` (413): Node closes the socket once the answer is written.
      if (err instanceof HttpJsonError) send(err.status, { error: err.message }, err.headers);
      else send(500, { error: (err as Error).message });
    }
  });
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address() as { port: number };
  return {
    server,
    url: `http://${opts.host}:${addr.port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
