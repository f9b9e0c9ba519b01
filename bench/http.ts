/**
 * HTTP hot-path benchmark: msw handlers behind mocks/http/listener.ts against a bare node:https
 * server, keep-alive, same small body (LIBRARIES.md "msw on the hot path" measured the ideas).
 *
 * Legs: `bare` (node:https answering directly), `dynamic` (an msw handler run per request, with 40
 * other handlers registered like a real CAS), `static` (a staticResponse handler, replayed from its
 * snapshot). The servers run in a child process and the undici client here, so on a 2-core machine
 * each side has a core. Goals: dynamic >= 0.10x bare, static >= 0.5x bare.
 *
 * Run: `node bin/run-ts.js bench/http.ts [seconds per leg]`
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:https';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, HttpResponse, type HttpHandler } from 'msw';
import { Pool } from 'undici';
import { HandlerSet } from '../mocks/http/handler-set.ts';
import { listenHttp } from '../mocks/http/listener.ts';
import { requestContext } from '../mocks/http/request-context.ts';
import { staticResponse } from '../mocks/http/static.ts';
import { selfSignedCert } from '../mocks/http/test-support.ts';

export interface HttpBenchLeg {
  name: 'bare' | 'dynamic' | 'static';
  requests: number;
  errors: number;
  /** Length of the best round. */
  seconds: number;
  reqPerSec: number;
  /** Server CPU (user + system) per answered request, microseconds: the cost independent of the client. */
  serverCpuUsPerReq: number;
}

export interface HttpBenchResult {
  connections: number;
  legs: HttpBenchLeg[];
  ratios: { dynamic: number; static: number };
  goals: { dynamic: number; static: number };
  pass: boolean;
}

const FQDN = 'cas01.site1.contoso.lab';
const BODY = 'hello world';
const DYNAMIC_PATH = '/owa/auth/dynamic.aspx';
const STATIC_PATH = '/owa/14.2.247.5/themes/resources/logon.css';

/** ~40 handlers shaped like a CAS's vdirs (paths of PROTOCOL-FACTS), none matching the bench paths. */
function casLikeHandlers(): HttpHandler[] {
  const ok = () => HttpResponse.text('x');
  const vdirs = ['/owa', '/ews', '/Microsoft-Server-ActiveSync', '/Autodiscover', '/OAB', '/ecp', '/PowerShell', '/rpc'];
  const out: HttpHandler[] = [];
  for (const v of vdirs) {
    out.push(http.get(`${v}/healthcheck.htm`, ok), http.post(`${v}/service.svc`, ok), http.get(`${v}/:id/info`, ok), http.options(`${v}/`, ok));
  }
  out.push(
    http.get('/owa/auth/logon.aspx', ok), http.post('/owa/auth.owa', ok), http.post('/owa/auth/owaauth.dll', ok),
    http.get('/owa/auth/logoff.aspx', ok), http.get('/autodiscover/autodiscover.xml', ok), http.post('/autodiscover/autodiscover.xml', ok),
    http.post('/EWS/Exchange.asmx', ok), http.get('/EWS/Services.wsdl', ok),
  );
  return out;
}

async function serve(): Promise<void> {
  const cert = selfSignedCert([FQDN]);
  const bare = createServer({ key: cert.key, cert: cert.cert }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(BODY) });
    res.end(BODY);
  });
  bare.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const handlers = new HandlerSet([
    ...casLikeHandlers(),
    // Written as the vdirs write theirs (new HttpResponse + headers). HttpResponse.text() would add
    // a Blob per answer just to count bytes, which Node 20 makes costly (~20 us here).
    http.get(DYNAMIC_PATH, ({ request }) => {
      requestContext(request).note.decision = 'served';
      return new HttpResponse(BODY, { headers: { 'Content-Type': 'text/plain' } });
    }),
    staticResponse(http.get(STATIC_PATH, () => new HttpResponse(BODY, { headers: { 'Content-Type': 'text/css' } }))),
    ...casLikeHandlers(),
  ]);
  let journaled = 0;
  const mock = await listenHttp({ host: '127.0.0.1', port: 0, server: FQDN, tls: cert, handlers, onAnswer: () => void journaled++ });
  const port = (bare.address() as { port: number }).port;
  process.send!({ cert: cert.cert, bare: port, mock: mock.port, handlers: handlers.list().length });
  // 'cpu' -> the server's CPU time so far (the parent turns it into us per request); anything else -> exit.
  process.on('message', (m) => (m === 'cpu' ? process.send!({ cpu: process.cpuUsage() }) : process.exit(0)));
  process.on('disconnect', () => process.exit(0));
}

function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench server did not report its CPU')), 5_000);
    const on = (m: unknown) => {
      const cpu = (m as { cpu?: { user: number; system: number } }).cpu;
      if (!cpu) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(cpu.user + cpu.system);
    };
    child.on('message', on);
    child.send('cpu');
  });
}

interface Target {
  name: HttpBenchLeg['name'];
  pool: Pool;
  path: string;
  best: { reqPerSec: number; requests: number; seconds: number; cpuUs: number } | null;
  errors: number;
}

/** One timed run of a leg: `connections` loops, each with one request in flight. */
async function measure(child: ChildProcess, t: Target, connections: number, ms: number): Promise<void> {
  const hit = async () => {
    const res = await t.pool.request({ path: t.path, method: 'GET', headers: { host: FQDN } });
    const text = await res.body.text();
    return res.statusCode === 200 && text === BODY;
  };
  const count = { ok: 0, bad: 0 };
  // Bounded by time; each loop keeps one request in flight.
  const loop = async (until: number) => {
    while (performance.now() < until) (await hit().catch(() => false)) ? count.ok++ : count.bad++;
  };
  await Promise.all(Array.from({ length: connections }, () => loop(performance.now() + Math.min(200, ms / 4))));
  count.ok = count.bad = 0;
  const cpu0 = await serverCpu(child);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, () => loop(t0 + ms)));
  const seconds = (performance.now() - t0) / 1000;
  const cpuUs = ((await serverCpu(child)) - cpu0) / Math.max(1, count.ok);
  t.errors += count.bad;
  const reqPerSec = count.ok / seconds;
  if (!t.best || reqPerSec > t.best.reqPerSec) t.best = { reqPerSec, requests: count.ok, seconds, cpuUs };
}

/**
 * Run the three legs (bare, dynamic, static) and return req/s and ratios.
 * @example
 * const r = await runHttpBench({ seconds: 2 });
 * console.log(r.ratios.dynamic >= r.goals.dynamic);
 */
export async function runHttpBench(opts: { seconds?: number; connections?: number } = {}): Promise<HttpBenchResult> {
  const seconds = opts.seconds ?? 2.5;
  const connections = opts.connections ?? 8;
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const child: ChildProcess = fork(runTs, [fileURLToPath(import.meta.url)], { env: { ...process.env, HTTP_BENCH_ROLE: 'server' }, stdio: 'inherit' });
  try {
    const info = await new Promise<{ cert: string; bare: number; mock: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bench server did not start within 30 s')), 30_000);
      child.once('message', (m) => (clearTimeout(timer), resolve(m as { cert: string; bare: number; mock: number })));
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`bench server exited (${code})`))));
    });
    // Interleaved rounds, best of each leg: other processes on a shared 2-core host come and go,
    // and a leg that ran during a burst would otherwise decide the ratio.
    const rounds = 3;
    const ms = (seconds * 1000) / rounds;
    const pool = (port: number) => new Pool(`https://127.0.0.1:${port}`, { connections, pipelining: 1, connect: { ca: info.cert, servername: FQDN } });
    const targets: Target[] = [
      { name: 'bare', pool: pool(info.bare), path: '/', best: null, errors: 0 },
      { name: 'dynamic', pool: pool(info.mock), path: DYNAMIC_PATH, best: null, errors: 0 },
      { name: 'static', pool: pool(info.mock), path: STATIC_PATH, best: null, errors: 0 },
    ];
    for (let r = 0; r < rounds; r++) for (const t of targets) await measure(child, t, connections, ms);
    await Promise.all(targets.map((t) => t.pool.close()));
    const legs: HttpBenchLeg[] = targets.map((t) => ({
      name: t.name, requests: t.best!.requests, errors: t.errors, seconds: t.best!.seconds,
      reqPerSec: Math.round(t.best!.reqPerSec), serverCpuUsPerReq: Math.round(t.best!.cpuUs),
    }));
    const bare = legs[0]!.reqPerSec || 1;
    const ratios = { dynamic: round(legs[1]!.reqPerSec / bare), static: round(legs[2]!.reqPerSec / bare) };
    const goals = { dynamic: 0.1, static: 0.5 };
    return { connections, legs, ratios, goals, pass: ratios.dynamic >= goals.dynamic && ratios.static >= goals.static };
  } finally {
    child.kill();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain && process.env.HTTP_BENCH_ROLE === 'server') {
  await serve();
} else if (isMain) {
  const seconds = Number(process.argv[2] ?? 2.5);
  const r = await runHttpBench({ seconds: Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 30) : 2.5 });
  console.log(`http bench: ${r.connections} keep-alive connections, ${seconds} s per leg in 3 interleaved rounds (best round shown)`);
  for (const l of r.legs)
    console.log(`  ${l.name.padEnd(8)} ${String(l.reqPerSec).padStart(7)} req/s  server ${String(l.serverCpuUsPerReq).padStart(4)} us CPU/req  (${l.requests} ok, ${l.errors} errors)`);
  console.log(`  dynamic/bare ${r.ratios.dynamic}x (goal >= ${r.goals.dynamic}x)   static/bare ${r.ratios.static}x (goal >= ${r.goals.static}x)   ${r.pass ? 'PASS' : 'BELOW GOAL'}`);
}
