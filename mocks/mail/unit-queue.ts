/**
 * A FIFO between the socket (which parses units as bytes arrive) and the session's command loop
 * (which handles one unit at a time, possibly awaiting a login). `next()` also serves commands
 * that read a continuation line (AUTHENTICATE, IDLE's DONE) in the middle of their run.
 */
export class UnitQueue<T> {
  #items: T[] = [];
  #waiter: ((v: T | null) => void) | null = null;
  #closed = false;

  get length(): number {
    return this.#items.length;
  }

  push(item: T): void {
    if (this.#closed) return;
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(item);
    } else this.#items.push(item);
  }

  /** Drop every queued unit (STARTTLS: bytes sent before the handshake are not to be trusted). */
  clear(): void {
    this.#items = [];
  }

  /** The next unit, or null once closed. */
  next(): Promise<T | null> {
    if (this.#items.length > 0) return Promise.resolve(this.#items.shift()!);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => (this.#waiter = resolve));
  }

  close(): void {
    this.#closed = true;
    this.#items = [];
    const w = this.#waiter;
    this.#waiter = null;
    w?.(null);
  }
}
