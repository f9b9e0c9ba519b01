/**
 * Reads into a buffer of each connection's own, on both legs of the front door: net.Socket's `onread`,
 * which tls.connect takes for the hop's connections (net/connector.ts) and which `adoptOwnReads` gives
 * the client connections the TLS server accepts (http/server.ts). No Buffer, ArrayBuffer and malloc'd
 * backing store per read for the GC to sweep later, and no trip through the socket's Readable ('data'
 * events, a read-more tick per read). Paired in the front-door bench: the hop's, -8 us of CPU a proxied
 * request, 90% interval [-15, -2]; the client leg's, -2 us [-8, -1] (issue 14; bench/RESULTS.md).
 *
 * The price is ownership: the bytes are the connection's buffer, which the next read overwrites. A
 * reader must be done with them when it returns and copy whatever it keeps (WireConnection hands its
 * handlers copies only; ClientConnection copies the body pieces it hands on and the bytes it holds, and
 * the request reader copies a head that arrives in pieces). Each connection reads into its own buffer,
 * so no read of one connection can overwrite another's; a connection's next read comes after this one
 * returns (its TLS layer reads again within a call only on an empty write, which neither leg makes).
 *
 * A socket given `ownReads` but read by nobody (a hop connection that talked before it was asked) is
 * destroyed: the front door has no use for bytes it did not ask for.
 * @example
 * buildConnector({ ...opts, onread: ownReads });   // or, for an accepted socket: adoptOwnReads(socket)
 * readInto(socket, (bytes, lent) => parser.execute(bytes));
 */
import { Socket } from 'node:net';

/** Bytes a connection's buffer holds: TLS hands over at most one 16 KiB record's clear text per read. */
export const READ_BUFFER_BYTES = 16 * 1024;

const READER = Symbol('ownReader');
/** `lent`: the bytes are the connection's buffer, valid only until the reader returns. */
export type Reader = (bytes: Buffer, lent: boolean) => void;
type OwnReadSocket = Socket & { [READER]?: Reader };

/**
 * The buffer a connection just read into, handed back to that connection by `buffer`, which Node calls
 * right after each read for the next one. A new connection (Node calls `buffer` when it opens) finds it
 * empty and gets a new buffer.
 */
let handBack: Buffer | null = null;

/** net.Socket's `onread` for the front door's connections. */
export const ownReads = {
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

/** Read `socket`'s bytes with `reader`: lent, when it was opened with `ownReads`; from its 'data' events otherwise. */
export function readInto(socket: Socket, reader: Reader): void {
  (socket as OwnReadSocket)[READER] = reader;
  // A socket without `ownReads` (a test's connector, or one `adoptOwnReads` left as it was) emits 'data';
  // one with them never does.
  socket.on('data', (b: Buffer) => reader(b, false));
}

/**
 * Where net.Socket keeps the `onread` it was given (Node's own symbols, read off a socket made with one,
 * by their names), or null when this Node keeps it elsewhere.
 */
const ONREAD_KEYS = ((): { buffer: symbol; callback: symbol; next: symbol } | null => {
  // @types/node lists `onread` for net.connect only; net.Socket's constructor is where Node reads it.
  const probe = new Socket({ onread: { buffer: () => Buffer.alloc(0), callback: () => true } } as ConstructorParameters<typeof Socket>[0]);
  const byName = new Map(Object.getOwnPropertySymbols(probe).map((s) => [s.description, s]));
  probe.destroy();
  const buffer = byName.get('kBuffer');
  const callback = byName.get('kBufferCb');
  const next = byName.get('kBufferGen');
  return buffer && callback && next ? { buffer, callback, next } : null;
})();

/**
 * Give a connected socket that was made without `onread` the reads of `ownReads`, from its next read on.
 * Node's TLS server passes none to the sockets it accepts (only tls.connect takes one), so the client
 * leg sets what net.Socket's constructor would have set for it, and hands the socket's handle its first
 * buffer as net.Socket does when its handle opens (`useUserBuffer`, a method of every stream handle).
 * False, and nothing changed, where this Node does not keep `onread` so, or when the socket holds bytes
 * it read before and nobody took yet (they would be emitted after reads into the new buffer): the socket
 * then reads 'data' as before. Call before `readInto`.
 */
export function adoptOwnReads(socket: Socket): boolean {
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: (b: Buffer) => void } })._handle;
  const k = ONREAD_KEYS;
  if (k === null || !handle || typeof handle.useUserBuffer !== 'function') return false;
  const s = socket as unknown as Record<symbol, unknown>;
  if (s[k.buffer] !== null && s[k.buffer] !== undefined) return false; // it has an onread already
  if (socket.readableLength > 0) return false;
  const buf = ownReads.buffer();
  s[k.buffer] = buf;
  s[k.next] = ownReads.buffer;
  s[k.callback] = ownReads.callback;
  handle.useUserBuffer(buf);
  return true;
}
