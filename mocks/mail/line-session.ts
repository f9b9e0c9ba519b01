/**
 * What an IMAP4 and a POP3 session share: greet, then take framed units off a bounded queue one at a
 * time (pausing the socket while a pipelining client is ahead by QUEUE_HIGH units), hang up on a TLS
 * ClientHello sent to a plaintext port, and drop what a client sent between STARTTLS/STLS and the
 * handshake (RFC 2595 3.1, 4). Each protocol's session supplies its framer and its dispatcher.
 */
import type { MailConnection } from './connection.ts';
import { greet, looksLikeTlsHello } from './greeting.ts';
import type { MailListenerOptions } from './types.ts';
import { UnitQueue } from './unit-queue.ts';

/** Queued units above which the socket is paused (a client pipelining without reading answers). */
const QUEUE_HIGH = 32;

export interface Framer {
  feed(chunk: Buffer): void;
  reset(): void;
}

export abstract class LineSession<Unit> {
  protected readonly queue = new UnitQueue<Unit>();
  protected abstract readonly framer: Framer;
  #paused = false;
  #sawInput = false;

  constructor(
    readonly conn: MailConnection,
    readonly opts: MailListenerOptions,
  ) {}

  /** The greeting line (with CRLF). */
  protected abstract greeting(): string;
  /** The line sent to a TLS client that reached a plaintext port, before hanging up. */
  protected abstract tlsOnPlaintextLine(): string;
  /** Answer one unit. */
  protected abstract handle(unit: Unit): Promise<void>;

  /** Greet, then serve commands until the session ends. Never rejects. */
  async run(): Promise<void> {
    try {
      if (!(await greet(this.conn, this.opts, this.greeting()))) return;
      for (;;) {
        const unit = await this.queue.next();
        if (unit === null || !this.conn.isOpen) return;
        await this.handle(unit);
        if (this.conn.congested) await this.conn.waitDrain();
        if (this.#paused && this.queue.length < QUEUE_HIGH / 4) {
          this.#paused = false;
          this.conn.resumeInput();
        }
      }
    } catch {
      this.conn.destroy('server-error');
    }
  }

  protected onData(chunk: Buffer): void {
    if (!this.#sawInput && !this.conn.secure && looksLikeTlsHello(chunk)) {
      // A TLS client on a plaintext port (say 993 settings pointed at 143): say so and hang up.
      this.conn.write(this.tlsOnPlaintextLine());
      this.conn.end('protocol-error: tls-on-plaintext-port');
      return;
    }
    this.#sawInput = true;
    this.framer.feed(chunk);
    if (!this.#paused && this.queue.length > QUEUE_HIGH) {
      this.#paused = true;
      this.conn.pauseInput();
    }
  }

  /** STARTTLS / STLS: lines sent after the command and before the handshake are not to be trusted. */
  protected startTls(): Promise<boolean> {
    this.framer.reset();
    this.queue.clear();
    this.#sawInput = true;
    this.#paused = false;
    return this.conn.startTls();
  }
}
