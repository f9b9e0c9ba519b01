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
    http.get(DYNAMIC_PATH, ({ request }) => {
      requestContext(request).note.decision = 'served';
      return HttpResponse.text(BODY);
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

async function leg(child: ChildProcess, name: HttpBenchLeg['name'], port: number, path: string, ca: string, connections: number, ms: number): Promise<HttpBenchLeg> {
  const pool = new Pool(`https://127.0.0.1:${port}`, { connections, pipelining: 1, connect: { ca, servername: FQDN } });
  const hit = async () => {
    const res = await pool.request({ path, method: 'GET', headers: { host: FQDN } });
    const text = await res.body.text();
    return res.statusCode === 200 && text === BODY;
  };
  const loop = async (until: number, count: { ok: number; bad: number }) => {
    // Bounded by time (and by the pool: each loop keeps one request in flight).
    while (performance.now() < until) (await hit().catch(() => false)) ? count.ok++ : count.bad++;
  };
  const warm = { ok: 0, bad: 0 };
  const warmUntil = performance.now() + Math.min(500, ms / 4);
  await Promise.all(Array.from({ length: connections }, () => loop(warmUntil, warm)));
  const count = { ok: 0, bad: 0 };
  const cpu0 = await serverCpu(child);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, () => loop(t0 + ms, count)));
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await serverCpu(child);
  await pool.close();
  const serverCpuUsPerReq = Math.round((cpu1 - cpu0) / Math.max(1, count.ok));
  return { name, requests: count.ok, errors: count.bad, seconds, reqPerSec: Math.round(count.ok / seconds), serverCpuUsPerReq };
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
    const ms = seconds * 1000;
    const legs = [
      await leg(child, 'bare', info.bare, '/', info.cert, connections, ms),
      await leg(child, 'dynamic', info.mock, DYNAMIC_PATH, info.cert, connections, ms),
      await leg(child, 'static', info.mock, STATIC_PATH, info.cert, connections, ms),
    ];
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
  console.log(`http bench: ${r.connections} keep-alive connections, ${r.legs[0]!.seconds.toFixed(1)} s per leg`);
  for (const l of r.legs)
    console.log(`  ${l.name.padEnd(8)} ${String(l.reqPerSec).padStart(7)} req/s  server ${String(l.serverCpuUsPerReq).padStart(4)} us CPU/req  (${l.requests} ok, ${l.errors} errors)`);
  console.log(`  dynamic/bare ${r.ratios.dynamic}x (goal >= ${r.goals.dynamic}x)   static/bare ${r.ratios.static}x (goal >= ${r.goals.static}x)   ${r.pass ? 'PASS' : 'BELOW GOAL'}`);
}
