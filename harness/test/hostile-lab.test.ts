/**
 * The lab under 10^5 hostile inputs stays within its memory bound (issue 15: `GET /journal?since=0` once
 * answered 103 MB and concurrent calls took the lab to 3.2 GB RSS). Bounded in count and time, loopback only:
 * - 30,000 requests to a mock CAS over pipelined TLS connections, with hostile request targets (8 KB
 *   paths, broken percent-encoding, control bytes escaped) and long header values: each one answered
 *   and journaled (the journal cuts long values and keeps a byte budget);
 * - 40,000 calls to the control API: broken percent-encoding, bodies that are not JSON or too large,
 *   junk faults and OWA folder changes, unknown routes, and 20 journal pages of up to 10,000 events
 *   (4 MiB) among calls made 16 at a time (at most 4 pages are served at once, the rest get 429);
 * - 30,000 calls to the directory: broken percent-encoding, unknown and hostile user names, junk logins.
 * RSS is sampled throughout (the lab runs in this process, clients too, and under npm test the modules
 * of the worker's earlier files: the figure is an upper bound) and must stay at or below 500 MB;
 * afterwards every service still answers a good request.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { Pool } from 'undici';
import { prng } from '../../test/support/prng.ts';
import { startLab, type Lab } from '../lab/lab.ts';

const RSS_LIMIT_MB = 500;
let lab: Lab;
let peakRss = 0;
let sampler: NodeJS.Timeout;

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
}, 60_000);
afterAll(async () => {
  clearInterval(sampler);
  await lab?.stop();
  console.log(`hostile-lab: peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB (limit ${RSS_LIMIT_MB} MB)`);
});

const rnd = prng(15);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const HOSTILE_SEGMENTS = ['%zz', '%E0%A4%A', '%00', '..%2f..%2f', '%C0%AF', 'a'.repeat(8000), '%25%25%25', '%F0%9F%98%80', "'%22%3C%3E", '%0d%0aX-Injected:%201', '~!$&()*+,;=:@'];

let context: SecureContext | undefined;
/** One client TLS context for every connection: built per connection (the lab's CA bundle parsed again), it cost about 0.4 s of this test's CPU. */
const clientContext = () => (context ??= createSecureContext({ ca: lab.trustBundle() }));

/**
 * Send `n` requests pipelined over TLS, `window` in flight, opening a new connection whenever the
 * server closes one (a bounded number of times); resolves with the count of answers.
 */
async function pipelined(host: string, port: number, servername: string, n: number, make: (i: number) => string, window = 64): Promise<number> {
  let answered = 0;
  let sent = 0;
  const deadline = Date.now() + 90_000;
  for (let conn = 0; conn < 1000 && sent < n && Date.now() < deadline; conn++) {
    const socket: TLSSocket = await new Promise((resolve, reject) => {
      const s = tlsConnect({ host, port, servername, secureContext: clientContext() }, () => resolve(s));
      s.once('error', reject);
    });
    let here = 0;
    let sentHere = 0;
    let tail = '';
    let wake: (() => void) | undefined;
    socket.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      here += (text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length;
      tail = text.slice(-16);
      wake?.();
    });
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    while (sent - sentHere + here < n && !socket.destroyed && Date.now() < deadline) {
      const batch = Math.min(window - (sentHere - here), n - sent);
      if (batch > 0) {
        socket.write(Array.from({ length: batch }, (_, k) => make(sent + k)).join(''));
        sent += batch;
        sentHere += batch;
      }
      if (here >= sentHere && sent >= n) break;
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => (wake = r)), closed, new Promise((r) => (bound = setTimeout(r, 5000)))]);
      clearTimeout(bound);
    }
    socket.destroy();
    answered += here;
    // Requests lost with a closed connection are sent again on the next one.
    sent -= sentHere - here;
  }
  return answered;
}

/** `n` calls through a keep-alive pool, `parallel` at a time; counts answers by status class. */
async function hammer(pool: Pool, n: number, parallel: number, make: (i: number) => { method: 'GET' | 'POST' | 'DELETE'; path: string; body?: string; headers?: Record<string, string> }): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const r = make(i);
      try {
        const res = await pool.request({ method: r.method, path: r.path, body: r.body, headers: r.headers, headersTimeout: 30_000, bodyTimeout: 30_000 });
        await res.body.dump({ limit: 64 * 1024 * 1024 });
        const k = String(res.statusCode);
        counts[k] = (counts[k] ?? 0) + 1;
      } catch (err) {
        const k = (err as { code?: string }).code ?? 'error';
        counts[k] = (counts[k] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return counts;
}

describe('hostile inputs to the whole lab', () => {
  test('10^5 hostile inputs (mock CAS, control API with the journal, directory): RSS stays <= 500 MB and every service still answers', async () => {
    const fqdn = 'cas2010.site1.contoso.lab';
    const address = lab.bindAddress(lab.topology.servers.find((s) => s.fqdn === fqdn)!.address);
    const port = lab.ports.get(fqdn, 443);
    const auth = `Bearer ${lab.controlToken}`;

    // 1. 30,000 hostile requests to a mock CAS, 6 pipelined connections.
    const perConn = 5000;
    const httpRequest = (i: number) => {
      const seg = pick(HOSTILE_SEGMENTS);
      const path = pick(['/owa/', '/EWS/', '/Microsoft-Server-ActiveSync', '/Autodiscover/', '/OAB/', '/nowhere/']) + seg + (i % 7 === 0 ? `?q=${seg}` : '');
      const long = i % 11 === 0 ? `X-Forwarded-For: ${'1.2.3.4, '.repeat(500)}\r\nVia: ${'v'.repeat(4000)}\r\n` : '';
      return `${i % 5 === 0 ? 'HEAD' : 'GET'} ${path} HTTP/1.1\r\nHost: ${fqdn}\r\nCookie: sessionid=${'c'.repeat(i % 3 === 0 ? 3000 : 10)}\r\n${long}\r\n`;
    };
    const t0 = Date.now();
    const phase = (what: string) => console.log(`hostile-lab: ${what} done at ${((Date.now() - t0) / 1000).toFixed(1)} s, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    const answers = await Promise.all(Array.from({ length: 6 }, () => pipelined(address, port, fqdn, perConn, httpRequest)));
    const httpAnswered = answers.reduce((a, b) => a + b, 0);
    phase(`mock CAS (${httpAnswered} answers)`);

    // 2. 40,000 calls to the control API, 16 at a time; every 100th reads a full journal page.
    const ctl = new Pool(lab.controlUrl, { connections: 16, pipelining: 1 });
    const ctlCounts = await hammer(ctl, 40_000, 16, (i) => {
      const h = { authorization: auth, 'content-type': 'application/json' };
      switch (i % 10) {
        case 0: return i % 2000 === 0 ? { method: 'GET', path: '/journal?since=0&limit=10000', headers: h } : { method: 'GET', path: `/journal?since=${i}&limit=${pick(['0', 'abc', '10001', '-5', '1e9'])}`, headers: h };
        case 1: return { method: 'DELETE', path: `/faults/${pick(HOSTILE_SEGMENTS)}`, headers: h };
        case 2: return { method: 'POST', path: '/faults', body: pick(['{', '[]', '{"server":5}', JSON.stringify({ server: fqdn, endpoint: 'nope', kind: 'status' }), 'null']), headers: h };
        case 3: return { method: 'POST', path: `/servers/${pick([fqdn, 'nope', '%zz'])}/owa-folders`, body: pick(['{"add":"abc"}', '{"add":5}', '{"remove":[1]}', '{"x":1}', '{']), headers: h };
        case 4: return { method: 'GET', path: `/${pick(HOSTILE_SEGMENTS)}`, headers: h };
        case 5: return { method: 'GET', path: '/journal', headers: { authorization: 'Bearer wrong' } };
        case 6: return i % 400 === 6 ? { method: 'POST', path: '/faults', body: 'x'.repeat(2 * 1024 * 1024), headers: h } : { method: 'GET', path: '/events?since=0&limit=50', headers: h };
        case 7: return { method: 'GET', path: `/journal?kind=${encodeURIComponent(pick(HOSTILE_SEGMENTS))}&limit=100`, headers: h };
        case 8: return i % 1000 === 8 ? { method: 'POST', path: '/reset', headers: h } : { method: 'POST', path: pick(['/journal', '/topology', '/faults/x/y']), body: '{}', headers: h };
        default: return { method: 'GET', path: '/faults', headers: h };
      }
    });
    await ctl.close();
    phase('control API');

    // 3. 30,000 calls to the directory.
    const dir = new Pool(lab.directoryUrl, { connections: 8, pipelining: 1 });
    const dirCounts = await hammer(dir, 30_000, 8, (i) => {
      switch (i % 4) {
        case 0: return { method: 'GET', path: `/users/${pick(HOSTILE_SEGMENTS)}` };
        case 1: return { method: 'GET', path: `/servers/${pick(HOSTILE_SEGMENTS)}` };
        case 2: return { method: 'POST', path: '/auth', body: pick(['{', '{"user":1}', JSON.stringify({ user: 'red', password: 'x'.repeat(5000) }), '[]']), headers: { 'content-type': 'application/json' } };
        default: return { method: 'GET', path: `/${pick(HOSTILE_SEGMENTS)}/${pick(HOSTILE_SEGMENTS)}` };
      }
    });
    await dir.close();
    phase('directory');

    const total = 6 * perConn + 40_000 + 30_000;
    expect(total).toBe(100_000);
    console.log(`hostile-lab: mock CAS answered ${httpAnswered} of ${6 * perConn}; control API ${JSON.stringify(ctlCounts)}; directory ${JSON.stringify(dirCounts)}`);
    // Nobody got a 500: bad input is refused with the reason.
    expect(ctlCounts['500'] ?? 0).toBe(0);
    expect(dirCounts['500'] ?? 0).toBe(0);
    expect(ctlCounts['429'] ?? 0).toBeGreaterThanOrEqual(0);
    expect(httpAnswered).toBeGreaterThan(6 * perConn * 0.9);

    // Afterwards every service answers a good request, and the journal still pages.
    const ok = await fetch(`${lab.controlUrl}/journal?since=0&limit=5`, { headers: { authorization: auth } });
    expect(ok.status).toBe(200);
    const page = (await ok.json()) as { events: unknown[]; more: boolean };
    expect(page.events).toHaveLength(5);
    expect((await fetch(`${lab.directoryUrl}/users/red`)).status).toBe(200);
    expect(await pipelined(address, port, fqdn, 1, () => `GET /owa/ HTTP/1.1\r\nHost: ${fqdn}\r\n\r\n`)).toBe(1);

    expect(peakRss / 2 ** 20).toBeLessThanOrEqual(RSS_LIMIT_MB);
  }, 240_000);
});
