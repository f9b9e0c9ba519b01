/**
 * Server side of TLS on an accepted TCP socket, used for implicit TLS (993/995) and for
 * STARTTLS/STLS (RFC 2595) alike, so both paths report handshakes the same way.
 */
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Socket } from 'node:net';

export interface TlsResult {
  socket: TLSSocket;
  /** SNI the client sent, or null. */
  sni: string | null;
  protocol: string | null;
  /** Subject CN of the certificate we presented. */
  certificate: string | null;
}

/**
 * Wrap `raw` as a TLS server socket and resolve once the handshake completes. Bytes the client
 * sent that are still buffered on `raw` are handed to TLS by Node (tls initRead), so a ClientHello
 * that races the STARTTLS answer is not lost. Rejects with the handshake error.
 */
export function acceptTls(raw: Socket, secureContext: SecureContext): { socket: TLSSocket; done: Promise<TlsResult> } {
  const socket = new TLSSocket(raw, { isServer: true, secureContext, requestCert: false, rejectUnauthorized: false });
  const done = new Promise<TlsResult>((resolve, reject) => {
    const onError = (err: Error) => {
      socket.removeListener('secure', onSecure);
      reject(err);
    };
    const onClose = () => {
      socket.removeListener('secure', onSecure);
      reject(Object.assign(new Error('connection closed during the TLS handshake'), { code: 'ECONNRESET' }));
    };
    const onSecure = () => {
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
      const cert = socket.getCertificate();
      const cn = cert && 'subject' in cert && cert.subject ? cert.subject.CN : undefined;
      const sni = (socket as TLSSocket & { servername?: string | false }).servername;
      resolve({
        socket,
        sni: typeof sni === 'string' && sni !== '' ? sni : null,
        protocol: socket.getProtocol() ?? null,
        certificate: typeof cn === 'string' ? cn : Array.isArray(cn) ? (cn[0] ?? null) : null,
      });
    };
    socket.once('secure', onSecure);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
  return { socket, done };
}

/** A short label for a handshake error: its OpenSSL/Node code, else its message. */
export function tlsErrorLabel(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code === 'string' && e.code !== '') return e.code;
  return typeof e?.message === 'string' ? e.message.slice(0, 120) : 'unknown';
}
