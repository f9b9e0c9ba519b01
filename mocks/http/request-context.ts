/**
 * What a handler knows about the connection behind a request: which mock serves it, the socket
 * (NTLM binds the identity to the TCP connection, as IIS does), SNI, the Host as received. msw
 * handlers only see a Fetch `Request`, so the listener puts an internal header on the Request it
 * builds (`x-cas-lab-context: <id>`) and keeps `id -> context` here until the answer is written.
 * Keyed by header, not by object identity: msw clones requests while matching.
 */
import { Socket } from 'node:net';

/** What a handler decided; the listener hands it to the journal with the answer. */
export interface RequestNote {
  vdir?: string;
  decision?: string;
  target?: string;
  user?: string | null;
  authScheme?: string | null;
  formFields?: string[];
  [k: string]: unknown;
}

/** The connection-side facts of one request, for handlers (via {@link requestContext}) and the journal. */
export interface RequestContext {
  /** FQDN of the mock serving (`in-process` outside a listener). */
  server: string;
  scheme: 'https' | 'http';
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  /** TLS SNI sent by the client, or null (plain HTTP, or no SNI). */
  sni: string | null;
  /** The TCP/TLS socket the request came on. */
  socket: Socket;
  /**
   * Ordinal of that connection among those this listener accepted (1, 2, ...; 0 outside a listener):
   * the journal names the upstream connection a request came on, so evidence can show one connection
   * authenticated as one user serving another client's request (NTLM binds to the connection).
   */
  connection: number;
  /** Host header as received (front doors send various ones). */
  host: string;
  /** Node's rawHeaders: names in the client's casing, in order, as flat [name, value, ...]. */
  rawHeaders: string[];
  /** The method as received: `HEAD` even while the GET handler answers it. */
  method: string;
  /** performance.now() when the listener took the request. */
  receivedAt: number;
  /** Handlers write their decision here; the listener journals it. */
  note: RequestNote;
}

/** Name of the internal header (lower case). Stripped from client input; never journaled. */
export const CONTEXT_HEADER = 'x-cas-lab-context';

const live = new Map<string, RequestContext>();
// A per-process prefix so ids from another lab process forwarded by a front door never collide.
const prefix = Math.random().toString(36).slice(2, 8);
let counter = 0;

/** Register a context for a request being handled; returns the id to put in {@link CONTEXT_HEADER}. */
export function registerContext(ctx: RequestContext): string {
  const id = `${prefix}.${(++counter).toString(36)}`;
  live.set(id, ctx);
  return id;
}

/** Forget a context (the answer has been written). */
export function releaseContext(id: string): void {
  live.delete(id);
}

/** How many contexts are live (tests check nothing leaks). */
export function liveContextCount(): number {
  return live.size;
}

const inProcess = new WeakMap<Request, RequestContext>();

/** A context for in-process use (msw's setupServer, unit tests): no listener, no real socket. */
export function defaultContext(host = ''): RequestContext {
  return {
    server: 'in-process',
    scheme: 'http',
    localAddress: '',
    localPort: 0,
    remoteAddress: '',
    sni: null,
    // An unconnected socket: a distinct identity per request, nothing opened.
    socket: new Socket(),
    connection: 0,
    host,
    rawHeaders: [],
    method: '',
    receivedAt: performance.now(),
    note: {},
  };
}

/**
 * The context of a request being handled by a listener; in-process use (msw setupServer, no
 * socket) gets a default context with server `in-process` (the same one for the same Request).
 * @example
 * http.get('/owa/', ({ request }) => {
 *   const ctx = requestContext(request);
 *   ctx.note.vdir = 'owa';
 *   ctx.note.decision = 'redirect';
 *   return HttpResponse.text('', { status: 302, headers: { location: `https://${ctx.host}/owa/auth/logon.aspx` } });
 * });
 */
export function requestContext(request: Request): RequestContext {
  const id = request.headers.get(CONTEXT_HEADER);
  const found = id === null ? undefined : live.get(id);
  if (found) return found;
  let ctx = inProcess.get(request);
  if (!ctx) {
    ctx = defaultContext(request.headers.get('host') ?? safeHost(request.url));
    ctx.method = request.method;
    // In process, the request's own URL says whether it was meant for https (as a browser would see it).
    if (request.url.startsWith('https:')) ctx.scheme = 'https';
    inProcess.set(request, ctx);
  }
  return ctx;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
