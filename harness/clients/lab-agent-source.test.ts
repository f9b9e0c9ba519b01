/** Each simulated user connects from its own loopback address (issue 10): the agent's localAddress reaches the socket. */
import { test, expect } from 'vitest';
import { createServer } from 'node:http';
import { request } from 'undici';
import { createLabAgent } from './lab-agent.ts';
test('connections come from the agent\'s localAddress', async () => {
  let seen = '';
  const s = createServer((req, res) => { seen = req.socket.remoteAddress ?? ''; res.end('x'); });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  const a = createLabAgent({ hosts: [{ name: 'x.lab', address: '127.0.0.1' }], localAddress: '127.0.250.9' });
  const r = await request(`http://x.lab:${port}/`, { dispatcher: a });
  await r.body.text();
  await a.close(); s.close();
  expect(seen).toBe('127.0.250.9');
});
