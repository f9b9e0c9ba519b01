/**
 * Reads CRLF lines (and, for IMAP literals, exact byte counts) from a socket that may be swapped for
 * its TLS wrapper mid-session (STARTTLS/STLS). Bounded: a line longer than `maxLine` is an error,
 * and the socket is paused while unread bytes pile up, so a client cannot make the front door hold
 * more than a line's worth of its bytes.
 */
import type { Socket } from 'node:net';

export class LineTooLongError extends Error {
  readonly code = 'FRONTDOOR_MAIL_LINE_TOO_LONG';
}

export class LineReader {
  #buf: Buffer = Buffer.alloc(0);
  #socket: Socket | undefined;
  #wake: (() => void) | undefined;
  #closed = false;
  readonly #onData = (chunk: Buffer) => {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    if (this.#buf.length > this.maxBuffered) this.#socket?.pause();
    this.#poke();
  };
  readonly #onEnd = () => {
    this.#closed = true;
    this.#poke();
  };

  constructor(socket: Socket, readonly maxLine = 8 * 1024, readonly maxBuffered = 64 * 1024) {
    this.attach(socket);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Read from this socket from now on (the TLS wrapper after an upgrade). */
  attach(socket: Socket): void {
    this.detach();
    this.#socket = socket;
    this.#closed = false;
    socket.on('data', this.#onData);
    socket.once('end', this.#onEnd);
    socket.once('close', this.#onEnd);
    socket.resume();
  }

  /** Stop reading (before a TLS upgrade, or a hand-over to the relay); buffered bytes stay. */
  detach(): void {
    const s = this.#socket;
    if (!s) return;
    s.off('data', this.#onData);
    s.off('end', this.#onEnd);
    s.off('close', this.#onEnd);
    s.pause();
    this.#socket = undefined;
  }

  /** The bytes read but not consumed (hand them to whoever reads next). */
  takeBuffered(): Buffer {
    const b = this.#buf;
    this.#buf = Buffer.alloc(0);
    return b;
  }

  /** The next line without its CRLF (a bare LF is accepted), or null when the peer closed. */
  async line(timeoutMs: number): Promise<string | null> {
    for (;;) {
      const i = this.#buf.indexOf(10);
      if (i >= 0) {
        if (i > this.maxLine) throw new LineTooLongError('line too long');
        const line = this.#buf.subarray(0, i).toString('utf8').replace(/\r$/, '');
        this.#buf = this.#buf.subarray(i + 1);
        this.#socket?.resume();
        return line;
      }
      if (this.#buf.length > this.maxLine) throw new LineTooLongError('line too long');
      if (this.#closed) return null;
      if (!(await this.#wait(timeoutMs))) return null;
    }
  }

  /** Exactly `n` bytes (an IMAP literal), or null when the peer closed first. */
  async bytes(n: number, timeoutMs: number): Promise<Buffer | null> {
    while (this.#buf.length < n) {
      if (this.#closed) return null;
      this.#socket?.resume();
      if (!(await this.#wait(timeoutMs))) return null;
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Resolve true when bytes (or the end) arrive, false on timeout. */
  #wait(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.#wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}
