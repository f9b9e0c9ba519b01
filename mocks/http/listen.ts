/**
 * An HTTPS (or plain HTTP) server on a loopback address serving one mock's handlers. Bad input
 * never takes it down: malformed HTTP gets HTTP.sys's `400 Bad Request` and a closed connection,
 * TLS garbage is reported and dropped, and the server keeps serving everyone else.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { HttpListenError, HttpListenerOptionError } from './errors.ts';
import { acceptExtensionMethods } from './extension-methods.ts';
import { rawHttpSysAnswer } from './iis-pages.ts';
import { createRequestListener, type ListenerOptions } from './request-listener.ts';

/** A TLS handshake that failed (garbage, wrong version, no shared cipher...). */
export interface TlsErrorInfo {
  server: string;
  localPort: number;
  remoteAddress: string;
  /** SNI of the ClientHello when the handshake got that far, else null. */
  sni: string | null;
  error: string;
}

/** Options of {@link listenHttp}: the listener's, plus where and how to listen. */
export interface ListenHttpOptions extends ListenerOptions {
  /** A loopback address (127.0.0.0/8): the lab never binds anything else. */
  host: string;
  /** 0 for an ephemeral port. */
  port: number;
  /** Key and certificate (PEM): HTTPS when given, plain HTTP otherwise. */
  tls?: { key: string; cert: string };
  onTlsError?(info: TlsErrorInfo): void;
  /** Idle keep-alive timeout; default 120 s, IIS's connectionTimeout (Node's own 5 s makes proxies race). */
  keepAliveTimeoutMs?: number;
}

/** A started server. */
export interface RunningHttp {
  server: Server;
  port: number;
  /** Stop listening and close every connection, idle or not. */
  close(): Promise<void>;
}

const LOOPBACK = /^127\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)\.(25[0-5]|2[0-4]\d|1?\d?\d)$/;

/**
 * Start an HTTPS (tls given) or HTTP server on host:port serving opts; returns the bound port.
 * @example
 * const web = await listenHttp({ host: '127.0.1.1', port: 0, server: 'cas01.site1.contoso.lab', tls: { key, cert },
 *   handlers, onAnswer: (ctx, info) => journal.record(toHttpEvent(ctx, info)) });
 * // ... https://cas01.site1.contoso.lab:${web.port}/owa/
 * await web.close();
 */
export async function listenHttp(opts: ListenHttpOptions): Promise<RunningHttp> {
  if (!LOOPBACK.test(opts.host)) throw new HttpListenerOptionError(`host must be a loopback address (127.0.0.0/8), got ${JSON.stringify(opts.host)}`);
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new HttpListenerOptionError(`port must be 0..65535, got ${opts.port}`);
  const listener = createRequestListener(opts);
  let server: Server;
  try {
    server = opts.tls ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : createHttpServer(listener);
  } catch (e) {
    throw new HttpListenError(`${opts.server}: cannot create the server (${(e as Error).message})`, { cause: e });
  }
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 120_000;
  // Every raw connection, handshaking or not: close() must not wait for a client that never spoke
  // (Node's closeAllConnections only knows connections that reached HTTP).
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  // Outlook Anywhere's RPC_IN_DATA / RPC_OUT_DATA: Node's parser refuses methods it does not know.
  acceptExtensionMethods(server, opts.tls ? 'secureConnection' : 'connection');

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => onClientError(opts, err, socket as TLSSocket));
  if (opts.tls) {
    server.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      const sni = (socket as TLSSocket & { servername?: string | false }).servername || null;
      safeCall(() => opts.onTlsError?.({ server: opts.server, localPort: socket.localPort ?? 0, remoteAddress: socket.remoteAddress ?? '', sni, error: describe(err) }));
      socket.destroy();
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => reject(new HttpListenError(`${opts.server}: cannot listen on ${opts.host}:${opts.port} (${e.message})`, { cause: e }));
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  // A late server error (e.g. EMFILE on accept) must not crash the lab: report it as a client error.
  server.on('error', (e) => safeCall(() => opts.onClientError?.({ server: opts.server, localPort: 0, remoteAddress: '', error: describe(e) })));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Node's parser refused the bytes: answer as HTTP.sys does (400, or 408 on a header timeout) and close. */
function onClientError(opts: ListenHttpOptions, err: NodeJS.ErrnoException, socket: TLSSocket): void {
  safeCall(() => opts.onClientError?.({ server: opts.server, localPort: socket.localPort ?? 0, remoteAddress: socket.remoteAddress ?? '', error: describe(err) }));
  // Write only when no answer is in flight on this connection (Node's own default does the same check).
  const inFlight = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
  const answer =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? rawHttpSysAnswer(408, 'Request Timeout', 'HTTP Error 408. The request timed out.')
      : rawHttpSysAnswer(400, 'Bad Request', 'HTTP Error 400. The request is badly formed.');
  socket.end(answer);
  // Bounded: a peer that never reads must not keep the socket forever.
  setTimeout(() => socket.destroy(), 2_000).unref();
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code}: ${err.message}` : String(err?.message ?? e);
}

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    process.emitWarning(`listener callback failed: ${(e as Error)?.stack ?? String(e)}`, 'CasLabListenerWarning');
  }
}
