import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Agent, Client, buildConnector, request } from './undici.ts';

let server: Server;
let origin = '';
beforeAll(async () => {
  server = createServer((req, res) => res.end(`${req.method} ${req.url}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

test('the undici files the reference loads alone are where it looks for them', () => {
  expect(typeof Agent).toBe('function');
  expect(typeof Client).toBe('function');
  expect(typeof buildConnector).toBe('function');
});

test('request() goes through the given dispatcher, with path and query', async () => {
  const agent = new Agent();
  try {
    const res = await request(`${origin}/EWS?x=1`, { dispatcher: agent, method: 'POST', body: 'b' });
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('POST /EWS?x=1');
    const c = new Client(origin);
    const r2 = await c.request({ path: '/owa', method: 'GET' });
    expect(await r2.body.text()).toBe('GET /owa');
    await c.close();
  } finally {
    await agent.close();
  }
});
