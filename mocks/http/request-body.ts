/**
 * A Node request body as a bounded web ReadableStream, for the Fetch Request a handler reads.
 * Streamed, not buffered: Outlook Anywhere announces RPC_IN_DATA bodies of up to 1 GB and a handler
 * may answer (401, 451) before reading any of it. Bounded: past `limit` bytes the stream fails with
 * {@link BodyTooLargeError} and the listener answers 413. After the answer, whatever the handler did
 * not read is drained (still counted against the limit) so the keep-alive connection can go on.
 */
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './errors.ts';

/** A request body being streamed to a handler, with its bound. */
export interface BodyTap {
  stream: ReadableStream<Uint8Array>;
  /** Set when more than `limit` bytes arrived. */
  readonly tooLarge: BodyTooLargeError | null;
  /** The answer is out: discard the rest of the body (destroy the socket past the limit). */
  drain(): void;
}

/** Wrap `req`'s body. Call once, before anything else reads `req`. */
export function tapRequestBody(req: IncomingMessage, limit: number): BodyTap {
  let seen = 0;
  let mode: 'stream' | 'discard' = 'stream';
  let tooLarge: BodyTooLargeError | null = null;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let settled = false;
  const fail = (e: Error) => {
    if (settled) return;
    settled = true;
    try {
      controller.error(e);
    } catch {
      /* already closed by the reader */
    }
  };

  const onData = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limit) {
      if (!tooLarge) tooLarge = new BodyTooLargeError(limit);
      fail(tooLarge);
      // Stop reading: the 413 goes out with Connection: close (or, once answered, the socket closes).
      req.pause();
      if (mode === 'discard') req.socket.destroy();
      return;
    }
    if (mode === 'discard' || settled) return;
    controller.enqueue(chunk);
    if ((controller.desiredSize ?? 1) <= 0) req.pause();
  };
  req.on('data', onData);
  req.on('end', () => {
    if (settled) return;
    settled = true;
    try {
      controller.close();
    } catch {
      /* cancelled */
    }
  });
  req.on('error', (e) => fail(e));
  req.on('close', () => {
    if (!req.complete) fail(new Error('client closed the connection before the request body was complete'));
  });

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      pull() {
        if (mode === 'stream' && !tooLarge) req.resume();
      },
      cancel() {
        // The handler gave up reading: the rest is discarded but still counted.
        settled = true;
        mode = 'discard';
        req.resume();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 16 * 1024 }),
  );

  return {
    stream,
    get tooLarge() {
      return tooLarge;
    },
    drain() {
      mode = 'discard';
      if (!req.complete && !tooLarge) req.resume();
    },
  };
}
