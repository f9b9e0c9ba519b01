/**
 * How long a client connection may stay quiet, for every HTTPS connection at once from one timer.
 *
 * Each connection says how long it may be quiet now (client-connection.ts): between requests
 * KEEP_ALIVE_MS (as IIS's 120 s connection timeout); with a request in flight the idle limit of an hour
 * and a bit plus a minute, so EAS Ping and Sync can hang on the CAS and the hop's own timeouts answer
 * first; an Outlook Anywhere channel the idle limit. A connection over its limit is destroyed. The same
 * sweep gives each connection a look at the clock (its head timeout, 408).
 *
 * Why not Node's timers: a socket timeout re-arms on every read and write, and a per-request timer costs
 * a Timeout each time. Here a request costs nothing: once a second the sweep looks at each connection's
 * byte counters (issue 14: with the hop's own sweep, wire/inactivity.ts, 2-5 us of CPU per proxied
 * request in paired rounds; bench/RESULTS.md).
 *
 * The limits are checked to within SWEEP_MS; nothing in the front door asks for finer (Node's own head
 * timeout check ran once a second too).
 */
import type { Socket } from 'node:net';

export const KEEP_ALIVE_MS = 120_000;
export const SWEEP_MS = 1_000;

/** What the sweep asks of a client connection (wire/inactivity.ts's TimedConnection is the hop's, a different question). */
export interface SweptConnection {
  /** How long the connection may stay quiet now, milliseconds. */
  quietLimitMs(): number;
  /** The sweep's look at the clock (ms since the epoch), before it looks at the bytes. */
  tick(now: number): void;
}

interface Watched {
  quiet: SweptConnection;
  /** bytesRead + bytesWritten at the last sweep that saw them change. */
  bytes: number;
  /** When the sweep last saw bytes move (or the connection start), ms since the epoch. */
  since: number;
}

export class ClientIdle {
  readonly #sockets = new Map<Socket, Watched>();
  #timer: NodeJS.Timeout | null = null;

  watch(socket: Socket, quiet: SweptConnection): void {
    this.#sockets.set(socket, { quiet, bytes: 0, since: Date.now() });
    socket.once('close', () => this.unwatch(socket));
    this.#timer ??= setInterval(() => this.sweep(Date.now()), SWEEP_MS).unref();
  }

  unwatch(socket: Socket): void {
    this.#sockets.delete(socket);
    if (this.#sockets.size === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  /** One sweep at `now`: connections quiet for longer than their limit are destroyed. */
  sweep(now: number): void {
    for (const [socket, w] of this.#sockets) {
      w.quiet.tick(now);
      if (socket.destroyed) continue;
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (bytes !== w.bytes) {
        w.bytes = bytes;
        w.since = now;
        continue;
      }
      if (now - w.since >= w.quiet.quietLimitMs()) {
        this.unwatch(socket);
        socket.destroy();
      }
    }
  }

  close(): void {
    this.#sockets.clear();
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
