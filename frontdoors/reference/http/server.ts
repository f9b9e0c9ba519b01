/**
 * The front door's HTTPS listener: TLS with its own certificate (CAS_CERT_FILE/CAS_KEY_FILE), then
 * Node's HTTP/1.1 server for every request, except connections that open with Outlook Anywhere's
 * RPC_IN_DATA/RPC_OUT_DATA (raw-rpc.ts). Bad input never takes it down: malformed requests (including
 * a Content-Length with a Transfer-Encoding, RULES.md SEC-02) get 400 and a closed connection, slow
 * heads 408, oversized heads 431; TLS garbage is dropped; everyone else keeps being served.
 *
 * The HTTP server never listens itself: the TLS listener hands it each connection. Node runs the check
 * that enforces `headersTimeout` (ConnectionsList + a `connectionsCheckingInterval` timer) only from
 * the HTTP server's own 'listening' event (_http_server.js setupConnectionsTracking), so without help
 * a slow head would never get its 408 (found by SEC-04). The listener emits 'listening' on the inner
 * server once the TLS socket listens; `http.close()` clears that timer again.
 */
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Limits } from '../options.ts';
import type { Logger } from '../log.ts';
import { RAW_METHOD, serveRaw } from './raw-rpc.ts';
import { ClientIdle, KEEP_ALIVE_MS } from './client-idle.ts';
import { NOT_FIELD_VALUE } from '../wire/grammar.ts';
import { sendText, type FrontRequest, type FrontResponse } from './front-types.ts';

export interface HttpsListenerOptions {
  host: string;
  port: number;
  key: string;
  cert: string;
  handler: (req: FrontRequest, res: FrontResponse) => void;
  limits: Limits;
  log: Logger;
}

export interface RunningListener {
  port: number;
  close(): Promise<void>;
}

function plainAnswer(status: number, text: string): string {
  const body = `${text}\r\n`;
  return `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * Detach Node's HTTP parser from a socket the way Node itself does for an Upgrade (_http_server.js
 * onParserExecuteCommon): drop its listeners, give the socket's reads back to JavaScript, free the
 * parser from the server's connection tracking. False when the internals are not as expected.
 */
function adopt(socket: Socket): boolean {
  try {
    const parser = (socket as unknown as { parser?: { unconsume?: () => void; remove?: () => void; finish?: () => void } | null }).parser;
    for (const ev of ['data', 'end', 'drain', 'timeout'] as const) socket.removeAllListeners(ev);
    if (parser) {
      parser.unconsume?.();
      parser.remove?.();
      (socket as unknown as { parser: unknown }).parser = null;
    }
    return true;
  } catch {
    return false;
  }
}


/**
 * Under the defect `lenient-framing` Node's lenient parser (llhttp's lenient flags, all or nothing) also
 * lets control characters through in header values; refuse those here as the strict parser would, so
 * the defect stays about message framing (SEC-02) and does not also break SEC-04's malformed heads.
 */
function refuseBadValues(handler: HttpsListenerOptions['handler']): HttpsListenerOptions['handler'] {
  return (req, res) => {
    for (let i = 1; i < req.rawHeaders.length; i += 2) {
      if (NOT_FIELD_VALUE.test(req.rawHeaders[i]!)) {
        req.resume();
        return sendText(res, 400, 'Bad Request', ['Connection', 'close']);
      }
    }
    handler(req, res);
  };
}

export async function listenHttps(o: HttpsListenerOptions): Promise<RunningListener> {
  const sockets = new Set<Socket>();
  const handle = o.limits.lenientFraming ? refuseBadValues(o.handler) : o.handler;
  // Quiet connections are closed by one sweep (client-idle.ts), not by Node's per-request timers:
  // keepAliveTimeout is 0 and the TLS socket of an HTTP connection has no timeout of its own.
  // A request in flight is the hop's to time out (its head and body limits answer 504 before this): the
  // sweep is only the backstop there, a minute later.
  const idle = new ClientIdle(o.limits.idleTimeoutMs + 60_000);
  const http = createHttpServer(
    {
      maxHeaderSize: o.limits.maxHeaderBytes, headersTimeout: o.limits.headersTimeoutMs, requestTimeout: 0, keepAliveTimeout: 0, connectionsCheckingInterval: 1_000,
      // Defect `lenient-framing` only (SEC-02): llhttp's lenient flags accept Content-Length with Transfer-Encoding.
      ...(o.limits.lenientFraming ? { insecureHTTPParser: true } : {}),
    },
    (req, res) => {
      // Clients are still told how long an idle connection is kept (Node writes `Keep-Alive: timeout=120`
      // from this field, which it sets from keepAliveTimeout; 0 would drop the hint).
      (res as unknown as { _keepAliveTimeout: number })._keepAliveTimeout = KEEP_ALIVE_MS;
      handle(req, res as unknown as FrontResponse);
    },
  );
  http.on('clientError', (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => {
    // An RPC_IN_DATA/RPC_OUT_DATA on a connection Node's parser already serves: take the connection over.
    if (err.code === 'HPE_INVALID_METHOD' && err.rawPacket && RAW_METHOD.test(err.rawPacket.toString('latin1', 0, 16)) && adopt(socket)) {
      idle.unwatch(socket);
      socket.setTimeout(o.limits.idleTimeoutMs, () => socket.destroy());
      return serveRaw(socket, err.rawPacket, o.handler, o.limits);
    }
    o.log.write({ kind: 'client-error', error: `${err.code ?? ''} ${err.message}`, client: socket.remoteAddress });
    const inFlight = (socket as unknown as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
    const answer =
      err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? plainAnswer(408, 'Request Timeout')
      : err.code === 'HPE_HEADER_OVERFLOW' ? plainAnswer(431, 'Request Header Fields Too Large')
      : plainAnswer(400, 'Bad Request');
    socket.end(answer);
    setTimeout(() => socket.destroy(), 2_000).unref();
  });

  const tls = createTlsServer({ key: o.key, cert: o.cert }, (socket: TLSSocket) => {
    idle.watch(socket);
    socket.on('error', () => socket.destroy());
    // Peek at the first bytes: Outlook Anywhere's methods go to the raw reader (see raw-rpc.ts).
    const peekTimer = o.limits.headersTimeoutMs > 0 ? setTimeout(() => socket.destroy(), o.limits.headersTimeoutMs) : undefined;
    peekTimer?.unref();
    socket.once('close', () => clearTimeout(peekTimer));
    socket.once('readable', () => {
      clearTimeout(peekTimer);
      const first = socket.read() as Buffer | null;
      if (!first) return void socket.destroy();
      if (RAW_METHOD.test(first.toString('latin1', 0, 16))) {
        // An Outlook Anywhere channel: quiet for long stretches by design, bounded by the idle limit only.
        idle.unwatch(socket);
        socket.setTimeout(o.limits.idleTimeoutMs, () => socket.destroy());
        return serveRaw(socket, first, o.handler, o.limits);
      }
      socket.unshift(first);
      http.emit('connection', socket);
    });
  });
  tls.maxConnections = o.limits.maxConnections;
  tls.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  tls.on('tlsClientError', (err: Error, socket: TLSSocket) => {
    o.log.write({ kind: 'tls-error', error: err.message, client: socket.remoteAddress });
    socket.destroy();
  });
  tls.on('error', (err) => o.log.write({ kind: 'listener-error', error: err.message }));

  await new Promise<void>((resolve, reject) => {
    tls.once('error', reject);
    tls.listen(o.port, o.host, () => {
      tls.off('error', reject);
      resolve();
    });
  });
  // Start Node's head-timeout check on the inner server (see the file comment): slow heads get 408.
  http.emit('listening');
  const address = tls.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        tls.close(() => resolve());
        http.close();
        idle.close();
        for (const s of sockets) s.destroy();
      }),
  };
}
