/**
 * A client socket that reads CRLF lines with a bound on every wait and on every line, and can be
 * upgraded to TLS in place (STLS/STARTTLS: `tls.connect({ socket, servername, ca })`). Used by the
 * POP3 client; kept apart so the protocol file reads like the protocol.
 */
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';
import { withSharedContext } from './tls-context.ts';

/** Failures of the protocol clients, each with a literal code. */
export class MailClientError extends Error {
  constructor(
    readonly code: 'MAIL_CLIENT_TIMEOUT' | 'MAIL_CLIENT_CLOSED' | 'MAIL_CLIENT_TLS' | 'MAIL_CLIENT_PROTOCOL' | 'MAIL_CLIENT_NEGATIVE' | 'MAIL_CLIENT_CONNECT',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MailClientError';
  }
}

export interface LineSocketOptions {
  host: string;
  port: number;
  /** Implicit TLS from the first byte. */
  secure: boolean;
  servername?: string;
  ca?: string | string[];
  /** Default true: a client of the suite checks certificates unless told otherwise. */
  rejectUnauthorized?: boolean;
  lookup?: LookupFunction;
  /** Bound on connect, on the TLS handshake and on every read. */
  timeoutMs: number;
  maxLineBytes: number;
}

export interface TlsInfo {
  protocol: string | null;
  authorized: boolean;
  authorizationError: string | null;
  peerSubject: string | null;
}

export class LineSocket {
  #socket!: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #ended = false;
  #error: Error | null = null;
  #wake: (() => void) | null = null;
  tls: TlsInfo | null = null;

  constructor(readonly opts: LineSocketOptions) {}

  get servername(): string | undefined {
    return this.opts.servername ?? (isIP(this.opts.host) ? undefined : this.opts.host);
  }

  async connect(): Promise<void> {
    const o = this.opts;
    const socket = o.secure
      ? tlsConnect(withSharedContext({ host: o.host, port: o.port, servername: this.servername, ca: o.ca, rejectUnauthorized: o.rejectUnauthorized ?? true, lookup: o.lookup }))
      : netConnect({ host: o.host, port: o.port, lookup: o.lookup });
    socket.on('error', () => {}); // errors are read through #error
    await this.#settle(socket, o.secure ? 'secureConnect' : 'connect', 'MAIL_CLIENT_CONNECT');
    this.#attach(socket);
    if (o.secure) this.tls = tlsInfo(socket as TLSSocket);
  }

  /** Wrap the connection in TLS (after the server's go-ahead); refuses if the server already sent more. */
  async upgrade(): Promise<void> {
    if (this.#buf.length > 0) throw new MailClientError('MAIL_CLIENT_PROTOCOL', 'server sent data after the STARTTLS/STLS answer, before the TLS handshake');
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('end');
    plain.removeAllListeners('close');
    const o = this.opts;
    const socket = tlsConnect(withSharedContext({ socket: plain, host: o.host, servername: this.servername, ca: o.ca, rejectUnauthorized: o.rejectUnauthorized ?? true }));
    socket.on('error', () => {});
    await this.#settle(socket, 'secureConnect', 'MAIL_CLIENT_TLS');
    this.#attach(socket);
    this.tls = tlsInfo(socket);
  }

  #settle(socket: Socket, event: string, code: 'MAIL_CLIENT_CONNECT' | 'MAIL_CLIENT_TLS'): Promise<void> {
    const what = code === 'MAIL_CLIENT_TLS' ? 'TLS handshake' : 'connect';
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error, timedOut = false) => {
        clearTimeout(timer);
        socket.destroy();
        reject(new MailClientError(timedOut ? 'MAIL_CLIENT_TIMEOUT' : code, `${what} to ${this.opts.host}:${this.opts.port} failed: ${err.message}`, { cause: err }));
      };
      const timer = setTimeout(() => fail(new Error(`no ${event} within ${this.opts.timeoutMs} ms`), true), this.opts.timeoutMs);
      const onError = (err: Error) => fail(err);
      const onClose = () => fail(new Error('connection closed'));
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.once(event, () => {
        clearTimeout(timer);
        socket.removeListener('error', onError);
        socket.removeListener('close', onClose);
        resolve();
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
      this.#poke();
    });
    socket.on('error', (err) => {
      this.#error ??= err;
      this.#poke();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#poke();
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  write(text: string): void {
    this.#socket.write(text);
  }

  /** The next line without its CRLF (as latin1, byte for byte). */
  async readLine(): Promise<string> {
    const deadline = Date.now() + this.opts.timeoutMs;
    for (;;) {
      const nl = this.#buf.indexOf(0x0a);
      if (nl >= 0) {
        const line = this.#buf.subarray(0, nl > 0 && this.#buf[nl - 1] === 0x0d ? nl - 1 : nl).toString('latin1');
        this.#buf = this.#buf.subarray(nl + 1);
        return line;
      }
      if (this.#buf.length > this.opts.maxLineBytes) {
        this.destroy();
        throw new MailClientError('MAIL_CLIENT_PROTOCOL', `server line longer than ${this.opts.maxLineBytes} bytes`);
      }
      if (this.#error) throw new MailClientError('MAIL_CLIENT_CLOSED', `connection error: ${this.#error.message}`, { cause: this.#error });
      if (this.#ended) throw new MailClientError('MAIL_CLIENT_CLOSED', 'server closed the connection');
      const left = deadline - Date.now();
      if (left <= 0) {
        this.destroy();
        throw new MailClientError('MAIL_CLIENT_TIMEOUT', `no answer within ${this.opts.timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** True once the server closed (or the socket failed). */
  get closed(): boolean {
    return this.#ended || this.#error !== null;
  }

  destroy(): void {
    this.#socket?.destroy();
  }
}

function tlsInfo(s: TLSSocket): TlsInfo {
  const peer: PeerCertificate | undefined = s.getPeerCertificate();
  const cn = peer?.subject?.CN;
  return {
    protocol: s.getProtocol() ?? null,
    authorized: s.authorized,
    authorizationError: s.authorizationError ? String(s.authorizationError) : null,
    peerSubject: typeof cn === 'string' ? cn : Array.isArray(cn) ? (cn[0] ?? null) : null,
  };
}
