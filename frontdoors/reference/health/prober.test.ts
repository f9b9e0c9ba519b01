/**
 * The prober's stop does not wait for a CAS that never answers: its probes are abandoned, unreported
 * (a front door stopping would otherwise hang for the whole probe timeout, 5 s in Exchange 2013's code).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Agent } from '../net/undici.ts';
import { HealthTable } from './health-table.ts';
import { Prober } from './prober.ts';
import { contosoView } from '../test-support/contoso-view.ts';

let hung: Server;
let port = 0;
const held: Socket[] = [];
beforeAll(async () => {
  // Accepts and never answers: every probe hangs until its timeout.
  hung = createServer((s) => void held.push(s.on('error', () => {})));
  hung.listen(0, '127.0.0.1');
  await once(hung, 'listening');
  port = (hung.address() as { port: number }).port;
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise<void>((r) => hung.close(() => r()));
});

test('stop() returns with probes still out, and reports none of them', { timeout: 10_000 }, async () => {
  const { view } = contosoView();
  const server = { ...view.servers[0]!, ports: { ...view.servers[0]!.ports, https: port } };
  // Plain TCP to the hung listener whatever the URL says: the probe's request is written, never answered.
  const dispatcher = new Agent({ connect: (_o, cb) => { const s = connect(port, '127.0.0.1'); s.once('connect', () => cb(null, s)).once('error', (e) => cb(e, null)); } });
  const table = new HealthTable();
  const prober = new Prober({ table, servers: () => [server], dispatcher, intervalMs: 60_000, timeoutMs: 60_000 });
  const connected = once(hung, 'connection');
  prober.start();
  await connected;
  await prober.stop();
  await dispatcher.close();
  expect(table.isUp(server.fqdn, 'ews')).toBe(true);
});
