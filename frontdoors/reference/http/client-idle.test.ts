/**
 * The client connections' one idle sweep (client-idle.ts), on real loopback connections, with the
 * sweep's clock given by the test: a connection goes after the limit it gives for now (between requests
 * the keep-alive limit, with a request in flight the longer one), not before; bytes moving restart the
 * count; every sweep shows each connection the clock first (its head timeout).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientIdle, KEEP_ALIVE_MS, type SweptConnection } from './client-idle.ts';

const BUSY = 3_700_000;
let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = client = undefined;
});

/** A connection's answers to the sweep: busy or not, as the test sets it; the clock it was shown. */
class Conn implements SweptConnection {
  busy = false;
  ticks: number[] = [];
  quietLimitMs(): number {
    return this.busy ? BUSY : KEEP_ALIVE_MS;
  }
  tick(now: number): void {
    this.ticks.push(now);
  }
}

/** A server echoing what it reads, its one connection watched by `idle`. */
async function serve(idle: ClientIdle, conn: Conn): Promise<{ socket: Promise<Socket>; say: (text: string) => Promise<void> }> {
  let gotSocket: (s: Socket) => void = () => undefined;
  const socket = new Promise<Socket>((r) => (gotSocket = r));
  server = createServer((s) => {
    s.on('data', (d) => s.write(d));
    idle.watch(s, conn);
    gotSocket(s);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  client = connect(port, '127.0.0.1');
  const say = (text: string) =>
    new Promise<void>((r) => {
      client!.once('data', () => r());
      client!.write(text);
    });
  return { socket, say };
}

describe('client idle sweep', () => {
  it('closes a connection quiet between requests after the keep-alive limit, not before; bytes restart the count', async () => {
    const idle = new ClientIdle();
    const conn = new Conn();
    const s = await serve(idle, conn);
    await s.say('GET / HTTP/1.1\r\n\r\n');
    const socket = await s.socket;
    const t0 = Date.now();
    idle.sweep(t0); // sees the bytes of the exchange
    idle.sweep(t0 + KEEP_ALIVE_MS - 1_000);
    expect(socket.destroyed).toBe(false);
    await s.say('GET / HTTP/1.1\r\n\r\n');
    idle.sweep(t0 + KEEP_ALIVE_MS); // bytes moved since: counted from here
    idle.sweep(t0 + 2 * KEEP_ALIVE_MS - 1_000);
    expect(socket.destroyed).toBe(false);
    idle.sweep(t0 + 2 * KEEP_ALIVE_MS);
    expect(socket.destroyed).toBe(true);
    expect(conn.ticks).toEqual([t0, t0 + KEEP_ALIVE_MS - 1_000, t0 + KEEP_ALIVE_MS, t0 + 2 * KEEP_ALIVE_MS - 1_000, t0 + 2 * KEEP_ALIVE_MS]);
    idle.close();
  });

  it('holds a connection with a request in flight (a long poll) to the longer limit', async () => {
    const idle = new ClientIdle();
    const conn = new Conn();
    const s = await serve(idle, conn);
    await s.say('POST /hold HTTP/1.1\r\n\r\n');
    conn.busy = true;
    const socket = await s.socket;
    const t0 = Date.now();
    idle.sweep(t0);
    idle.sweep(t0 + KEEP_ALIVE_MS * 2);
    expect(socket.destroyed).toBe(false);
    idle.sweep(t0 + BUSY);
    expect(socket.destroyed).toBe(true);
    idle.close();
  });
});
