/**
 * A small line connection for the mail probes: connect (implicit TLS or plaintext), read CRLF lines
 * with a bound on each wait and on line length, upgrade in place after STARTTLS/STLS. Kept apart
 * from the suite's LineSocket (harness/clients/line-socket.ts) because a probe of a real 2007/2010
 * server must accept TLS 1.0 and an unverified certificate (it records both; transport.ts).
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { legacyTlsOptions, type ProbeTls } from './transport.ts';

export class MailLine {
  #socket!: Socket;
  #buf = '';
  #closed = false;
  #wake: (() => void) | null = null;
  tls: { protocol: string | null; authorized: boolean; authorizationError: string | null } | null = null;

  constructor(readonly host: string, readonly port: number, readonly tlsOpts: ProbeTls, readonly timeoutMs: number) {}

  get #servername(): string | undefined {
    return isIP(this.host) ? undefined : this.host;
  }

  /** Open the connection (with a TLS handshake first when `implicitTls`). */
  async open(implicitTls: boolean): Promise<void> {
    const s = implicitTls
      ? tlsConnect({ host: this.host, port: this.port, servername: this.#servername, ...legacyTlsOptions(this.tlsOpts) })
      : netConnect({ host: this.host, port: this.port, ...(this.tlsOpts.lookup ? { lookup: this.tlsOpts.lookup } : {}) });
    await this.#settle(s, implicitTls ? 'secureConnect' : 'connect');
    this.#attach(s);
    if (implicitTls) this.#noteTls(s as TLSSocket);
  }

  /** TLS on the open connection, after the server's go-ahead. */
  async upgrade(): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    this.#buf = '';
    // The socket exists: no name to resolve.
    const { lookup: _resolved, ...opts } = legacyTlsOptions(this.tlsOpts);
    const s = tlsConnect({ socket: plain, servername: this.#servername, ...opts });
    await this.#settle(s, 'secureConnect');
    this.#attach(s);
    this.#noteTls(s);
  }

  write(line: string): void {
    this.#socket.write(`${line}\r\n`);
  }

  /** The next line without CRLF; rejects on timeout, close, or a line over 8 KiB. */
  async readLine(): Promise<string> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const nl = this.#buf.indexOf('\n');
      if (nl >= 0) {
        const line = this.#buf.slice(0, nl).replace(/\r$/, '');
        this.#buf = this.#buf.slice(nl + 1);
        return line;
      }
      if (this.#buf.length > 8192) throw new Error('line too long');
      if (this.#closed) throw Object.assign(new Error('connection closed'), { code: 'closed' });
      const left = deadline - Date.now();
      if (left <= 0) throw Object.assign(new Error('timeout'), { code: 'timeout' });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.#socket?.destroy();
  }

  #noteTls(s: TLSSocket): void {
    const e = s.authorizationError as unknown as { code?: string } | null;
    this.tls = { protocol: s.getProtocol() ?? null, authorized: s.authorized, authorizationError: e ? String(e.code ?? e) : null };
  }

  #settle(s: Socket, event: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        s.destroy();
        reject(Object.assign(new Error('timeout'), { code: 'timeout' }));
      }, this.timeoutMs);
      s.once('error', (err) => {
        clearTimeout(timer);
        s.destroy();
        reject(err);
      });
      s.once(event, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #attach(s: Socket): void {
    this.#socket = s;
    s.removeAllListeners('error');
    s.on('error', () => {
      this.#closed = true;
      this.#poke();
    });
    s.on('data', (d: Buffer) => {
      this.#buf += d.toString('latin1');
      this.#poke();
    });
    s.on('close', () => {
      this.#closed = true;
      this.#poke();
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }
}
