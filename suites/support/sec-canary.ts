/**
 * A canary for the open-proxy check (SEC-01): a TCP listener on 127.0.0.1 at an ephemeral port that
 * no topology names. A front door that forwards an absolute-form request or a CONNECT there is an open
 * proxy; the canary counts every connection it gets (and answers nothing), so the rule has positive
 * evidence while no packet leaves loopback.
 * @example
 * const canary = await startCanary();
 * // ... GET http://127.0.0.1:${canary.port}/ through the front door
 * check(canary.hits === 0, 'nothing reached the canary', `${canary.hits} connection(s)`);
 * await canary.close();
 */
import { createServer, type Socket } from 'node:net';

export interface Canary {
  readonly port: number;
  /** Connections accepted so far. */
  readonly hits: number;
  /** First bytes each connection sent (at most 200 chars each). */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const sockets = new Set<Socket>();
  const seen: string[] = [];
  let hits = 0;
  const server = createServer((s) => {
    hits++;
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', (d: Buffer) => void (seen.length < 20 && seen.push(d.toString('latin1', 0, 200))));
    s.once('close', () => sockets.delete(s));
    // Never answer: a request that got here already proves the point; the proxy's wait is its own.
    s.setTimeout(10_000, () => s.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get hits() {
      return hits;
    },
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
