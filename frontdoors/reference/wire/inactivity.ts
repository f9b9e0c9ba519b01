/**
 * The hop connections' inactivity timeouts (head, body, idle), all from one timer.
 *
 * Why not the socket's own timer: each `socket.setTimeout(ms)` makes a new Timeout and a bound function,
 * and a connection changes its limit three times per request (head, body, idle); a socket with a timeout
 * also refreshes it (a clock read in C++ and a list move) on every read and write. Here a connection
 * notes the time of its last activity (`performance.now()`, a field write) and its current limit, and
 * one timer looks at every connection now and then (issue 14).
 *
 * Precision: a connection times out between `limitMs` and `limitMs * 9/8` (at most +1 s) after its
 * last activity; the timer ticks at an eighth of the smallest limit in force, 5 ms to 1 s.
 */

/** What the watch asks of a hop connection (named apart from client-idle.ts's SweptConnection: two different questions). */
export interface TimedConnection {
  /** performance.now() at the connection's last read, write or change of limit. */
  lastActive: number;
  /** How long it may stay quiet now, milliseconds (0: no limit). */
  limitMs: number;
  /** Called once when it stayed quiet for longer; it is no longer watched. */
  expired(): void;
}

const MIN_TICK_MS = 5;
const MAX_TICK_MS = 1_000;

function tickFor(limitMs: number): number {
  return Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, limitMs / 8));
}

export class InactivityWatch {
  readonly #watched = new Set<TimedConnection>();
  #timer: NodeJS.Timeout | null = null;
  /** The tick the timer is set for, milliseconds (Infinity: no timer). */
  #tick = Infinity;

  watch(q: TimedConnection): void {
    this.#watched.add(q);
    if (q.limitMs > 0) this.limitSet(q.limitMs);
  }

  unwatch(q: TimedConnection): void {
    this.#watched.delete(q);
    if (this.#watched.size === 0) this.#stop();
  }

  /** A watched connection's limit is now `limitMs`: make sure the timer ticks often enough for it. */
  limitSet(limitMs: number): void {
    if (limitMs > 0 && tickFor(limitMs) < this.#tick) this.#schedule(tickFor(limitMs));
  }

  /** The connections watched now (tests). */
  get size(): number {
    return this.#watched.size;
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#tick = ms;
    this.#timer = setTimeout(() => this.#sweep(), ms).unref();
  }

  #stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#tick = Infinity;
  }

  #sweep(): void {
    this.#timer = null;
    this.#tick = Infinity;
    const now = performance.now();
    let smallest = Infinity;
    const expired: TimedConnection[] = [];
    for (const q of this.#watched) {
      if (q.limitMs <= 0) continue;
      if (now - q.lastActive >= q.limitMs) expired.push(q);
      else smallest = Math.min(smallest, q.limitMs);
    }
    for (const q of expired) {
      this.#watched.delete(q);
      q.expired();
    }
    if (smallest !== Infinity && tickFor(smallest) < this.#tick) this.#schedule(tickFor(smallest));
  }
}

/** The one watch of every hop connection in the process. */
export const hopInactivity = new InactivityWatch();
