/**
 * The front door's HTTPS listener: TLS with its own certificate (CAS_CERT_FILE/CAS_KEY_FILE), then the
 * front door's own HTTP/1.1 reader on each connection (client-connection.ts; Node's HTTP server until
 * the twelfth session, see there why). Bad input never takes it down: malformed requests (including a
 * Content-Length with a Transfer-Encoding, RULES.md SEC-02) get 400 and a closed connection, slow heads
 * 408, oversized heads 431; TLS garbage is dropped; everyone else keeps being served.
 */
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { Limits } from '../options.ts';
import type { Logger } from '../log.ts';
import { ClientIdle } from './client-idle.ts';
import { ClientConnection } from './client-connection.ts';
import { adoptOwnReads } from '../wire/own-reads.ts';
import type { FrontRequest, FrontResponse } from './front-types.ts';

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

export async function listenHttps(o: HttpsListenerOptions): Promise<RunningListener> {
  const sockets = new Set<Socket>();
  // Quiet connections and slow heads are found by one sweep a second (client-idle.ts), not per-request timers.
  const idle = new ClientIdle();
  const tls = createTlsServer({ key: o.key, cert: o.cert }, (socket: TLSSocket) => {
    socket.on('error', () => socket.destroy());
    // As Node's HTTP server did: an answer's last segment is not held back for the client's ACK.
    socket.setNoDelay(true);
    // Its reads into a buffer of its own (wire/own-reads.ts); ClientConnection copies what it keeps.
    adoptOwnReads(socket);
    idle.watch(socket, new ClientConnection(socket, { handler: o.handler, limits: o.limits, log: o.log }));
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
  const address = tls.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: () =>
      new Promise<void>((resolve) => {
        tls.close(() => resolve());
        idle.close();
        for (const s of sockets) s.destroy();
      }),
  };
}
