/**
 * A tiny JSON-over-HTTP router for the lab's own loopback services (directory, control API).
 * Bounded request bodies, JSON errors, never throws at the socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type JsonHandler = (req: IncomingMessage, params: Record<string, string>, body: unknown, url: URL) => Promise<[number, unknown]> | [number, unknown];
export interface Route {
  method: string;
  /** `/users/:login` style pattern. */
  path: string;
  handler: JsonHandler;
}

export class HttpJsonError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/');
  const a = path.split('/');
  if (p.length !== a.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) params[p[i]!.slice(1)] = decodeURIComponent(a[i]!);
    else if (p[i] !== a[i]) return undefined;
  }
  return params;
}

async function readBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new HttpJsonError(413, `request body over ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  if (!size) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpJsonError(400, 'request body is not JSON');
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
    const send = (status: number, data: unknown) => {
      const body = JSON.stringify(data, null, 1);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      res.end(body);
    };
    try {
      const refusal = opts.guard?.(req);
      if (refusal) return send(refusal[0], { error: refusal[1] });
      const url = new URL(req.url ?? '/', 'http://lab');
      for (const r of opts.routes) {
        if (r.method !== req.method) continue;
        const params = match(r.path, url.pathname);
        if (!params) continue;
        const body = req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req, 1 << 20);
        const [status, data] = await r.handler(req, params, body, url);
        return send(status, data);
      }
      send(404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (err) {
      if (err instanceof HttpJsonError) send(err.status, { error: err.message });
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
