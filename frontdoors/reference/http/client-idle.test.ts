/**
 * The client connections' one idle sweep (client-idle.ts), on real loopback connections to a real HTTP
 * server, with the sweep's clock given by the test: a connection with no request in flight goes after the
 * keep-alive limit, not before; bytes moving restart the count; a request in flight (a long poll) is held
 * to the longer limit.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientIdle } from './client-idle.ts';

const IDLE = 120_000;
const BUSY = 3_700_000;
let server: Server | undefined;
let client: Socket | undefined;

afterEach(async () => {
  client?.destroy();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = client = undefined;
});

/** A server whose sockets `idle` watches; `/hold` keeps its response open until the test ends it. */
async function serve(idle: ClientIdle): Promise<{ port: number; socket: Promise<Socket>; held: Promise<ServerResponse> }> {
  let gotSocket: (s: Socket) => void = () => undefined;
  let gotHeld: (r: ServerResponse) => void = () => undefined;
  const socket = new Promise<Socket>((r) => (gotSocket = r));
  const held = new Promise<ServerResponse>((r) => (gotHeld = r));
  server = createServer({ keepAliveTimeout: 0 }, (req, res) => {
    if (req.url === '/hold') return gotHeld(res);
    res.end('ok');
  });
  server.on('connection', (s: Socket) => {
    idle.watch(s);
    gotSocket(s);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, socket, held };
}

/** Send one request and wait for its answer's first bytes. */
function ask(port: number, path: string, wantAnswer: boolean): Promise<void> {
  client ??= connect(port, '127.0.0.1');
  client.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  return wantAnswer ? new Promise((r) => client!.once('data', () => r())) : Promise.resolve();
}

describe('client idle sweep', () => {
  it('closes a connection quiet between requests after the keep-alive limit, not before; bytes restart the count', async () => {
    const idle = new ClientIdle(BUSY, IDLE);
    const s = await serve(idle);
    await ask(s.port, '/', true);
    const socket = await s.socket;
    const t0 = Date.now();
    idle.sweep(t0); // sees the bytes of the exchange
    idle.sweep(t0 + IDLE - 1_000);
    expect(socket.destroyed).toBe(false);
    await ask(s.port, '/', true);
    idle.sweep(t0 + IDLE); // bytes moved since: counted from here
    idle.sweep(t0 + IDLE + IDLE - 1_000);
    expect(socket.destroyed).toBe(false);
    idle.sweep(t0 + IDLE + IDLE);
    expect(socket.destroyed).toBe(true);
    idle.close();
  });

  it('holds a connection with a request in flight (a long poll) to the longer limit', async () => {
    const idle = new ClientIdle(BUSY, IDLE);
    const s = await serve(idle);
    await ask(s.port, '/hold', false);
    const res = await s.held;
    const socket = await s.socket;
    const t0 = Date.now();
    idle.sweep(t0);
    idle.sweep(t0 + IDLE * 2);
    expect(socket.destroyed).toBe(false);
    idle.sweep(t0 + BUSY);
    expect(socket.destroyed).toBe(true);
    res.destroy();
    idle.close();
  });
});
