/**
 * A Windows NLB stand-in: a TCP forwarder on the NLB name's address that spreads connections over the
 * servers of its array (003: "We recommend implementing round robin load balancing within the NLB
 * array"), skipping a member that refuses. It forwards bytes only (TLS passes through end to end).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface NlbMember {
  host: string;
  port: number;
}

export async function startNlb(host: string, port: number, members: () => NlbMember[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    const list = members();
    const tryMember = (attempt: number) => {
      if (attempt >= list.length) return client.destroy();
      const m = list[(next + attempt) % list.length]!;
      const upstream = connect(m.port, m.host);
      sockets.add(upstream);
      upstream.once('connect', () => {
        next = (next + attempt + 1) % Math.max(list.length, 1);
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        sockets.delete(upstream);
        if (!upstream.readyState || upstream.connecting) tryMember(attempt + 1);
      });
      upstream.on('close', () => {
        sockets.delete(upstream);
        client.destroy();
      });
    };
    tryMember(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
