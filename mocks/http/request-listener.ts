/**
 * Node request -> Fetch Request -> the shortlist's handlers (execute.ts: msw's getResponse without its
 * per-request extras) -> journal -> the answer on the wire. msw stays the one definition of every vdir
 * (STYLE.md "Mocks: msw's shape on real sockets") and of what matches (`matchRequestUrl` in handler-set.ts). Every pitfall of LIBRARIES.md "msw handlers on real
 * sockets" is handled in this file, answer.ts or fetch-request.ts, and tested beside them.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { HttpHandler } from 'msw';
import { execute } from './execute.ts';
import type { Shortlist } from './handler-set.ts';
import { plainAnswer, toAnswer, writeAnswer, type Answer } from './answer.ts';
import { BodyTooLargeError, HttpListenerOptionError } from './errors.ts';
import { originalMethod } from './extension-methods.ts';
import { buildFetchRequest, declaredLength, hasRequestBody } from './fetch-request.ts';
import type { HandlerSet } from './handler-set.ts';
import { headerNamer } from './header-case.ts';
import { NOT_FOUND_PAGE, SERVER_ERROR_PAGE, TOO_LARGE_PAGE } from './iis-pages.ts';
import { tapRequestBody, type BodyTap } from './request-body.ts';
import { CONTEXT_HEADER, registerContext, releaseContext, type RequestContext } from './request-context.ts';
import { isStaticResponse, SnapshotStore, type Snapshot } from './static.ts';
import { parseTarget, type Target } from './target.ts';

/** What the listener tells the journal about an answer, besides the request context. */
export interface AnswerInfo {
  /** The method as received (HEAD even when the GET handler answered). */
  method: string;
  path: string;
  /** Query string without the leading `?` ('' when none), as IIS logs cs-uri-query. */
  query: string;
  status: number;
  /** What the client sent (Node's parsed headers; the internal context header is never among them). */
  requestHeaders: IncomingHttpHeaders;
  /** What goes on the wire, names in wire casing (Node adds Date and Connection on top). Do not mutate. */
  responseHeaders: [string, string][];
  durationMs: number;
}

/** Options of {@link createRequestListener} (and of listenHttp, which adds the socket ones). */
export interface ListenerOptions {
  /** FQDN of the mock: the host of the origin handlers are matched against. */
  server: string;
  handlers: HandlerSet;
  /** Called with the decision BEFORE the answer is written (journal first, as cache-tests' origin). */
  onAnswer(ctx: RequestContext, info: AnswerInfo): void;
  onClientError?(info: { server: string; localPort: number; remoteAddress: string; error: string }): void;
  /** Lower-case name -> wire casing, over the defaults of header-case.ts. */
  headerCase?: Record<string, string>;
  /** Largest request body read (default 10 MiB); a larger one is answered 413. */
  maxBodyBytes?: number;
  /** Headers added to every answer whose handler did not set them (e.g. `Server: Microsoft-IIS/7.5`). */
  defaultHeaders?: Record<string, string>;
}

/** Default bound on a request body the listener reads (10 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Resolution result: an answer, and a snapshot to keep when a static handler gave it. */
interface Resolved {
  answer: Answer;
  keep?: { handler: HttpHandler; headOk: boolean };
}

/**
 * A `(req, res)` listener serving `opts.handlers` for one mock server (use with http(s).createServer,
 * or through {@link listenHttp}).
 * @example
 * const handlers = new HandlerSet(owaHandlers(ctx));
 * const server = https.createServer({ key, cert }, createRequestListener({
 *   server: 'cas01.site1.contoso.lab', handlers,
 *   onAnswer: (ctx, info) => journal.record({ kind: 'http', server: ctx.server, ...ctx.note, ...info }),
 * }));
 */
export function createRequestListener(opts: ListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  checkOptions(opts);
  const { handlers, server } = opts;
  const wire = headerNamer(opts.headerCase);
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const defaults = Object.entries(opts.defaultHeaders ?? {});
  const snapshots = new SnapshotStore(handlers);
  const origins = new Map<string, string>();
  const connections = new WeakMap<object, number>();
  let accepted = 0;
  const connectionOf = (socket: object): number => {
    let n = connections.get(socket);
    if (n === undefined) connections.set(socket, (n = ++accepted));
    return n;
  };

  const originOf = (scheme: string, port: number): string => {
    const key = `${scheme}:${port}`;
    let o = origins.get(key);
    if (o === undefined) origins.set(key, (o = new URL(`${scheme}://${server}:${port}`).origin));
    return o;
  };

  const journal = (ctx: RequestContext, req: IncomingMessage, t: { path: string; query: string }, a: { status: number; headers: [string, string][] }) => {
    try {
      opts.onAnswer(ctx, {
        method: ctx.method, path: t.path, query: t.query, status: a.status,
        requestHeaders: req.headers, responseHeaders: a.headers, durationMs: performance.now() - ctx.receivedAt,
      });
    } catch (e) {
      // A broken journal is a lab bug: say so loudly, but still answer the client.
      process.emitWarning(`onAnswer failed for ${server}: ${(e as Error)?.stack ?? String(e)}`, 'CasLabListenerWarning');
    }
  };

  const resolve = async (req: IncomingMessage, res: ServerResponse, ctx: RequestContext, target: Target, origin: string, tap: BodyTap | null): Promise<Resolved> => {
    const rc = { baseUrl: origin, quiet: true };
    const head = ctx.method === 'HEAD';
    let method = ctx.method;
    let list = handlers.shortlist(method, target.path, origin);
    // LIBRARIES.md: http.get() does not match HEAD; health probes send HEAD (PROTOCOL-FACTS, the 2013 probe).
    if (head && list.list.length === 0) list = handlers.shortlist((method = 'GET'), target.path, origin);
    if (list.list.length === 0) return { answer: notFound(ctx) };
    const id = registerContext(ctx);
    // Requests with a body (EAS Ping, SOAP, RPC) get a signal that aborts when the client goes away,
    // so a handler holding a long answer can stop; light GET/HEAD requests carry a signal that never aborts.
    const signal = tap ? abortOnClose(res) : undefined;
    try {
      let ran = await run(list, buildFetchRequest(target.href, method, req, id, tap?.stream ?? null, signal), rc);
      if (!ran.response && head && method === 'HEAD') {
        list = handlers.shortlist((method = 'GET'), target.path, origin);
        if (list.list.length > 0) ran = await run(list, buildFetchRequest(target.href, 'GET', req, id, null), rc);
      }
      if (tap?.tooLarge) throw tap.tooLarge;
      if (!ran.response) return { answer: notFound(ctx) };
      const answer = await toAnswer(ran.response, wire, defaults);
      if (!ran.static || answer.stream !== null) return { answer };
      // A later HEAD may replay this GET answer only if no HEAD handler could claim the path.
      return { answer, keep: { handler: ran.static, headOk: handlers.candidates('HEAD', target.path, origin).length === 0 } };
    } finally {
      releaseContext(id);
    }
  };

  const notFound = (ctx: RequestContext): Answer => {
    ctx.note.decision = 'no-handler';
    return plainAnswer(404, NOT_FOUND_PAGE, wire);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const ctx = contextOf(req, server, connectionOf(req.socket));
    const rawUrl = req.url ?? '/';
    const head = ctx.method === 'HEAD';
    // Keyed by port too: one listener may serve HTTPS and HTTP, and absolute handler URLs tell them apart.
    const snapKey = `${ctx.localPort} ${rawUrl}`;
    if (ctx.method === 'GET' || head) {
      const snap = snapshots.get(snapKey);
      if (snap !== undefined && (!head || snap.headOk)) return replay(snap, ctx, req, res, head);
    }
    const origin = originOf(ctx.scheme, ctx.localPort);
    const target = parseTarget(rawUrl, origin);
    const declared = declaredLength(req);
    if (declared !== null && declared > maxBody) return tooLarge(ctx, req, res, target);
    const tap = ctx.method !== 'GET' && !head && hasRequestBody(req) ? tapRequestBody(req, maxBody) : null;
    const version = handlers.version;
    let resolved: Resolved;
    try {
      resolved = await resolve(req, res, ctx, target, origin, tap);
    } catch (e) {
      if (e instanceof BodyTooLargeError || tap?.tooLarge) return tooLarge(ctx, req, res, target);
      ctx.note.decision = 'handler-error';
      ctx.note.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      resolved = { answer: plainAnswer(500, SERVER_ERROR_PAGE, wire) };
    }
    const { answer, keep } = resolved;
    markServedUser(answer, ctx.note.user, wire);
    journal(ctx, req, target, answer);
    if (keep && answer.body) {
      snapshots.set(snapKey, {
        status: answer.status, reason: answer.reason, headers: answer.headers, flatHeaders: answer.headers.flat(),
        body: answer.body, note: { ...ctx.note }, path: target.path, query: target.query, headOk: keep.headOk,
      } satisfies Snapshot, version);
    }
    await writeAnswer(res, answer, head);
    tap?.drain();
  };

  const replay = (snap: Snapshot, ctx: RequestContext, req: IncomingMessage, res: ServerResponse, head: boolean): void => {
    Object.assign(ctx.note, snap.note);
    journal(ctx, req, snap, snap);
    res.writeHead(snap.status, snap.reason, snap.flatHeaders);
    res.end(head ? undefined : snap.body);
  };

  const tooLarge = (ctx: RequestContext, req: IncomingMessage, res: ServerResponse, target: Target): void => {
    ctx.note.decision = 'too-large';
    // Connection: close: the rest of the body is never read, so the connection cannot be reused.
    const answer = plainAnswer(413, TOO_LARGE_PAGE, wire, [[wire('connection'), 'close']]);
    journal(ctx, req, target, answer);
    if (res.headersSent) return void res.destroy();
    res.writeHead(answer.status, answer.reason, answer.headers.flat());
    res.end(answer.body, () => req.socket.destroySoon?.());
  };

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Last resort (a bug of ours, or a write on a dead socket): never an unhandled rejection.
      process.emitWarning(`listener failed for ${server}: ${(e as Error)?.stack ?? String(e)}`, 'CasLabListenerWarning');
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, 'Internal Server Error', ['Content-Length', '0']);
        res.end();
      } else res.destroy();
    });
  };
}

function abortOnClose(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort(new Error('the client closed the connection'));
  });
  return ac.signal;
}

/** Run the shortlist; a static handler in first place runs alone so we know it gave the answer. */
async function run(s: Shortlist, request: Request, rc: { baseUrl: string; quiet: boolean }): Promise<{ response?: Response; static?: HttpHandler }> {
  const first = s.list[0]!;
  if (isStaticResponse(first)) {
    const response = await execute({ list: [first], params: s.params.slice(0, 1) }, request, rc);
    if (response) return { response, static: first };
    if (s.list.length === 1) return {};
    return { response: await execute({ list: s.list.slice(1), params: s.params.slice(1) }, request, rc) };
  }
  return { response: await execute(s, request, rc) };
}

/**
 * Lab-only ground truth (docs/legacy-behaviour.md "Served user"): every answer given for an
 * authenticated user names that user in `X-Lab-Served-User`, so a client can see whose data came
 * back, whatever a proxy did with the connection. A proxied answer carries the target's header; the
 * answering mock's own identity replaces it. No real Exchange server sends it.
 */
export const SERVED_USER_HEADER = 'x-lab-served-user';

function markServedUser(answer: Answer, user: string | null | undefined, wire: (lower: string) => string): void {
  answer.headers = answer.headers.filter(([k]) => k.toLowerCase() !== SERVED_USER_HEADER);
  if (user) answer.headers.push([wire(SERVED_USER_HEADER), user]);
}

function contextOf(req: IncomingMessage, server: string, connection: number): RequestContext {
  const socket = req.socket as TLSSocket;
  if (req.headers[CONTEXT_HEADER] !== undefined) dropContextHeader(req);
  // RPC_IN_DATA and other extension methods reach Node under a placeholder (extension-methods.ts).
  const method = originalMethod(req);
  req.method = method;
  return {
    server,
    scheme: socket.encrypted ? 'https' : 'http',
    localAddress: socket.localAddress ?? '',
    localPort: socket.localPort ?? 0,
    remoteAddress: socket.remoteAddress ?? '',
    sni: (socket.encrypted && socket.servername) || null,
    socket,
    connection,
    host: req.headers.host ?? '',
    rawHeaders: req.rawHeaders,
    method,
    receivedAt: performance.now(),
    note: {},
  };
}

function checkOptions(opts: ListenerOptions): void {
  if (typeof opts?.server !== 'string' || !/^[A-Za-z0-9.-]+$/.test(opts.server))
    throw new HttpListenerOptionError(`server must be a host name (FQDN), got ${JSON.stringify(opts?.server)}`);
  if (typeof opts.handlers?.candidates !== 'function') throw new HttpListenerOptionError('handlers must be a HandlerSet');
  if (typeof opts.onAnswer !== 'function') throw new HttpListenerOptionError('onAnswer must be a function');
  if (opts.maxBodyBytes !== undefined && !(Number.isSafeInteger(opts.maxBodyBytes) && opts.maxBodyBytes >= 0))
    throw new HttpListenerOptionError('maxBodyBytes must be a non-negative integer');
}

/**
 * A client (or a mock's CAS-CAS hop copying its request headers) sent our internal header: drop it
 * from what the journal and the handlers see, so it is never mistaken for this listener's own.
 */
function dropContextHeader(req: IncomingMessage): void {
  delete req.headers[CONTEXT_HEADER];
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== CONTEXT_HEADER) raw.push(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  }
  req.rawHeaders = raw;
}
