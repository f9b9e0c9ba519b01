/**
 * The hop's reads into a buffer of each connection's own (net.Socket's `onread`, which tls.connect
 * takes): no Buffer, ArrayBuffer and malloc'd backing store per read for the GC to sweep later, and no
 * trip through the socket's Readable ('data' events, a read-more tick per read). Paired in the front-door
 * bench: -8 us of CPU a proxied request, 90% interval [-15, -2] (issue 14; bench/RESULTS.md).
 *
 * The price is ownership: the bytes are the connection's buffer, which the next read overwrites. A
 * reader must be done with them when it returns and copy whatever it keeps (WireConnection hands its
 * handlers copies only). Each connection reads into its own buffer, so no read of one connection can
 * overwrite another's; a connection's next read comes from the event loop after this one returns (its
 * TLS layer reads again within a call only on an empty write, which the hop never makes).
 *
 * A socket opened with `hopReads` (net/connector.ts) but read by nobody (it talked before it was asked)
 * is destroyed: the hop has no use for bytes it did not ask for.
 * @example
 * buildConnector({ ...opts, onread: hopReads });   // then, once connected:
 * readInto(socket, (bytes) => parser.execute(bytes));
 */
import type { Socket } from 'node:net';

/** Bytes a connection's buffer holds: TLS hands over at most one 16 KiB record's clear text per read. */
export const READ_BUFFER_BYTES = 16 * 1024;

const READER = Symbol('hopReader');
/** `lent`: the bytes are the connection's buffer, valid only until the reader returns. */
export type Reader = (bytes: Buffer, lent: boolean) => void;
type OwnReadSocket = Socket & { [READER]?: Reader };

/**
 * The buffer a connection just read into, handed back to that connection by `buffer`, which Node calls
 * right after each read for the next one. A new connection (Node calls `buffer` when it opens) finds it
 * empty and gets a new buffer.
 */
let handBack: Buffer | null = null;

/** net.Socket's `onread` for the hop's connections. */
export const hopReads = {
  buffer(): Buffer {
    const b = handBack ?? Buffer.allocUnsafe(READ_BUFFER_BYTES);
    handBack = null;
    return b;
  },
  callback(this: OwnReadSocket, nread: number, buf: Buffer): boolean {
    const reader = this[READER];
    if (reader === undefined) this.destroy();
    else {
      try {
        reader(buf.subarray(0, nread), true);
      } catch (err) {
        // Node does not ask for the next buffer then: the connection keeps its own, no other gets it.
        handBack = null;
        throw err;
      }
    }
    handBack = buf;
    return true;
  },
};

/** Read `socket`'s bytes with `reader`: lent, when it was opened with `hopReads`; from its 'data' events otherwise. */
export function readInto(socket: Socket, reader: Reader): void {
  (socket as OwnReadSocket)[READER] = reader;
  // A socket opened without `hopReads` (a test's connector) emits 'data'; one opened with it never does.
  socket.on('data', (b: Buffer) => reader(b, false));
}
