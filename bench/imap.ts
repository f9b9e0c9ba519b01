/**
 * IMAP sessions per second over implicit TLS against the mock IMAP4 listener (connect, LOGIN,
 * SELECT INBOX, FETCH 1 BODY.PEEK[], LOGOUT), beside a bare TLS line server (greeting, one command,
 * reply, close) in the same run, with the same scripted client. Goal: ratio >= 0.5 (the TLS
 * handshake should dominate, not the mock).
 *
 * Run: node bin/run-ts.js bench/imap.ts [durationMs] [concurrency]
 */
import { resolve } from 'node:path';
import { createServer } from 'node:tls';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Journal } from '../harness/journal/journal.ts';
import { startMailListener } from '../mocks/mail/index.ts';
import { makeTestPki, testLogin } from '../mocks/mail/test-support.ts';

type Step = { send?: string; expect: string };

const MOCK_SCRIPT: Step[] = [
  { expect: '^\\* OK .*\\r\\n' },
  { send: 'a1 LOGIN red@contoso.lab Red-P@ss1\r\n', expect: '^a1 OK .*\\r\\n' },
  { send: 'a2 SELECT INBOX\r\n', expect: '^a2 OK .*\\r\\n' },
  { send: 'a3 FETCH 1 (UID BODY.PEEK[])\r\n', expect: '^a3 OK .*\\r\\n' },
  { send: 'a4 LOGOUT\r\n', expect: '^a4 OK .*\\r\\n' },
];
const BARE_SCRIPT: Step[] = [
  { expect: '^\\* OK .*\\r\\n' },
  { send: 'a1 NOOP\r\n', expect: '^a1 OK .*\\r\\n' },
];

/**
 * The client side runs in a worker thread (plain JS, node:tls only) so that it does not share the
 * servers' event loop: the figure is the server's, not the client's.
 */
const CLIENT_JS = `
const { parentPort, workerData } = require('node:worker_threads');
const tls = require('node:tls');
const { port, ca, steps, durationMs, concurrency } = workerData;
const rx = steps.map((s) => new RegExp(s.expect, 'm'));
function session() {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'mail.test.lab' });
    let buf = '';
    let i = 0;
    const timer = setTimeout(() => { s.destroy(); reject(new Error('session step ' + i + ' timed out')); }, 5000);
    s.on('error', (err) => { clearTimeout(timer); s.destroy(); reject(err); });
    s.on('data', (d) => {
      buf += d.toString('latin1');
      while (i < steps.length && rx[i].test(buf)) {
        buf = '';
        i++;
        if (i < steps.length && steps[i].send) s.write(steps[i].send);
      }
      if (i === steps.length) s.end();
    });
    s.on('close', () => { clearTimeout(timer); i === steps.length ? resolve() : reject(new Error('closed at step ' + i)); });
  });
}
(async () => {
  const end = Date.now() + durationMs;
  let done = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end && done < 100000) { await session(); done++; }
  }));
  parentPort.postMessage({ rate: done / (Number(process.hrtime.bigint() - t0) / 1e9) });
})().catch((err) => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

/** Sessions per second with `concurrency` client loops for `durationMs` (also bounded by a session count). */
function measure(port: number, ca: string, steps: Step[], durationMs: number, concurrency: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const w = new Worker(CLIENT_JS, { eval: true, workerData: { port, ca, steps, durationMs, concurrency } });
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error('benchmark worker did not finish'));
    }, durationMs + 15_000);
    w.once('message', (m: { rate?: number; error?: string }) => {
      clearTimeout(timer);
      void w.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolvePromise(m.rate ?? 0);
    });
    w.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/**
 * Run both measurements and return sessions/s and the ratio mock/bare.
 * @example
 * const { mock, bare, ratio } = await runImapBench({ durationMs: 1000 });
 */
export async function runImapBench(o: { durationMs?: number; concurrency?: number } = {}): Promise<{ mock: number; bare: number; ratio: number }> {
  const durationMs = o.durationMs ?? 3000;
  const concurrency = o.concurrency ?? 8;
  const pki = makeTestPki(['mail.test.lab']);
  const journal = new Journal(10_000);
  const mock = await startMailListener({
    server: 'bench.test.lab', protocol: 'imap4', kind: 'ssl', host: '127.0.0.1', port: 0, secureContext: pki.secureContext,
    loginType: 'SecureLogin', login: testLogin, record: (e) => journal.record(e), limits: { maxConnections: 1000 },
  });
  const bare = createServer({ key: pki.key, cert: pki.cert }, (s) => {
    s.on('error', () => {});
    s.write('* OK ready\r\n');
    s.once('data', (d: Buffer) => {
      const tag = d.toString('latin1').split(' ')[0];
      s.end(`${tag} OK done\r\n`);
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const barePort = (bare.address() as { port: number }).port;
  try {
    // Warm up both (JIT, first handshakes) before measuring.
    await measure(mock.port, pki.ca, MOCK_SCRIPT, 200, 2);
    await measure(barePort, pki.ca, BARE_SCRIPT, 200, 2);
    const bareRate = await measure(barePort, pki.ca, BARE_SCRIPT, durationMs, concurrency);
    const mockRate = await measure(mock.port, pki.ca, MOCK_SCRIPT, durationMs, concurrency);
    return { mock: mockRate, bare: bareRate, ratio: mockRate / bareRate };
  } finally {
    await mock.close();
    await new Promise((r) => bare.close(r));
  }
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const durationMs = Number(process.argv[2]) || 3000;
  const concurrency = Number(process.argv[3]) || 8;
  const r = await runImapBench({ durationMs, concurrency });
  console.log(`imap mock (connect, LOGIN, SELECT, FETCH 1, LOGOUT over TLS): ${r.mock.toFixed(0)} sessions/s`);
  console.log(`bare TLS line server (greeting, one command, close):          ${r.bare.toFixed(0)} sessions/s`);
  console.log(`ratio: ${r.ratio.toFixed(2)} (goal >= 0.5)`);
}
