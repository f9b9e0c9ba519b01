/**
 * How long a client connection may stay quiet, for every HTTPS connection at once from one timer.
 *
 * Between requests: KEEP_ALIVE_MS (as IIS's 120 s connection timeout; Node's `keepAliveTimeout` did
 * this before). While a request is in flight: the caller's busy limit (the server gives the idle limit
 * of an hour and a bit plus a minute, so EAS Ping and Sync can hang on the CAS and the hop's own
 * timeouts answer first). A connection over its limit is destroyed, as Node's timers did.
 *
 * Why not Node's timers: `keepAliveTimeout` re-arms the socket's timer twice per request (a new Timeout
 * and a bound function each time), and a socket timeout refreshes its timer on every read and write.
 * Here a request costs nothing: once a second the sweep looks at each connection's byte counters and
 * whether a response is in flight (issue 14: with the hop's own sweep, wire/inactivity.ts, 2-5 us of CPU
 * per proxied request in paired rounds; bench/RESULTS.md).
 *
 * The limits are checked to within SWEEP_MS; nothing in the front door asks for finer.
 */
import type { Socket } from 'node:net';

export const KEEP_ALIVE_MS = 120_000;
export const SWEEP_MS = 1_000;

interface Watched {
  /** bytesRead + bytesWritten at the last sweep that saw them change. */
  bytes: number;
  /** When the sweep last saw bytes move (or the connection start), ms since the epoch. */
  since: number;
}

/** A response is in flight on the socket (Node's http server sets `_httpMessage` from request to finish). */
function busy(socket: Socket): boolean {
  return (socket as unknown as { _httpMessage?: unknown })._httpMessage != null;
}

export class ClientIdle {
  readonly #sockets = new Map<Socket, Watched>();
  #timer: NodeJS.Timeout | null = null;

  /** @param busyLimitMs how long a connection with a request in flight may stay quiet. */
  constructor(private readonly busyLimitMs: number, private readonly idleLimitMs = KEEP_ALIVE_MS) {}

  watch(socket: Socket): void {
    this.#sockets.set(socket, { bytes: 0, since: Date.now() });
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
      const bytes = socket.bytesRead + socket.bytesWritten;
      if (bytes !== w.bytes) {
        w.bytes = bytes;
        w.since = now;
        continue;
      }
      if (now - w.since >= (busy(socket) ? this.busyLimitMs : this.idleLimitMs)) {
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
