/**
 * Front-door benchmark: the reference front door against nginx `proxy_pass` (keep-alive upstream,
 * one worker) in front of the same bare node:https origin, in the same run (LIBRARIES.md measured
 * undici `dispatch` at ~0.6x nginx). Two numbers: throughput at 32 keep-alive connections (ratio
 * reference / nginx) and the p50 latency each proxy adds at one connection (the median of its time minus
 * the origin's, the legs taking turns: see `latency`).
 *
 * A third leg, the floor (bench/floor-proxy.ts), is the reference's own stack with none of its work: the
 * reference's ratio to it is what its routing, authentication, header rules and log cost.
 *
 * Processes: the origin in a child, the reference front door in another (its own main.ts, as the
 * harness launches it), the floor in a third, nginx in a fourth when the binary exists; the client and a
 * tiny directory here. Without nginx the run says so and measures the reference alone. Bounded: a few
 * seconds per leg, every start has a timeout.
 *
 * Run: `node bin/run-ts.js bench/frontdoor.ts [seconds per leg]`
 * Before and after: `FRONTDOOR_BENCH_REFERENCE_B=<another build's reference.mjs> FRONTDOOR_BENCH_ROUNDS=12`
 * adds that build as a leg and prints the median of the per-round differences (this build minus that one)
 * with a 90% bootstrap interval from the same rounds (bench/paired.ts).
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { descendants, readProcStat } from '../harness/load/proc-usage.ts';
import { freePort } from '../harness/lab/ports.ts';
import { contractToEnv, type FrontDoorContract } from '../harness/topology/contract.ts';
import { selfSignedCert } from '../mocks/http/test-support.ts';
import { referenceArgs } from '../harness/frontdoor/reference-bundle.ts';
import { bundled } from '../bin/bundle.js';
import { median, pairedDifference } from './paired.ts';

export interface FrontDoorBenchLeg {
  name: 'origin' | 'reference' | 'reference-b' | 'floor' | 'nginx';
  /** Best round at `connections` keep-alive connections. */
  reqPerSec: number;
  errors: number;
  /** p50 of one request at a time, microseconds. */
  p50Us: number;
  /** What the proxy adds at one connection: the median over turns of its time minus the origin's in the same turn, microseconds. */
  addedP50Us: number;
  /**
   * CPU of the leg's server process tree (utime+stime of it and its descendants, from /proc) per request
   * it answered, microseconds: the median of the throughput rounds; null where /proc is absent.
   */
  cpuUsPerRequest: number | null;
  /** The same over every round together (total CPU / total requests), microseconds. */
  cpuUsPerRequestAllRounds: number | null;
  /** The kernel-mode part of cpuUsPerRequest (its round's; system calls: sockets, the log), microseconds. */
  sysUsPerRequest: number | null;
  /** CPU per request of each throughput round, microseconds (in order). */
  cpuUsPerRequestByRound: number[];
  /** Requests answered over every throughput round (the divisor of cpuUsPerRequest). */
  requests: number;
}

export interface FrontDoorBenchResult {
  connections: number;
  legs: FrontDoorBenchLeg[];
  /** reference req/s / nginx req/s, or null without nginx. */
  ratio: number | null;
  /** reference CPU per request / nginx CPU per request (both process trees), or null. */
  cpuRatio: number | null;
  /** floor CPU per request / nginx's: what the reference's stack costs with none of its work (bench/floor-proxy.ts), or null. */
  floorCpuRatio: number | null;
  /** reference CPU per request / the floor's: the reference's own work on top of its stack, or null. */
  overFloor: number | null;
  nginx: 'measured' | 'not installed' | string;
}

const ORIGIN = 'origin.bench.lab';
const FRONT = 'mail.bench.lab';
const BODY = 'x'.repeat(1024);
const PATH = '/EWS/Exchange.asmx';
const USER = { samAccountName: 'bench', email: 'bench@bench.lab', password: 'Bench-P@ss1', name: 'Bench' };
const AUTH = `Basic ${Buffer.from(`BENCH\\bench:${USER.password}`).toString('base64')}`;

async function serveOrigin(): Promise<void> {
  const cert = JSON.parse(process.env.FRONTDOOR_BENCH_CERT ?? '{}') as { key: string; cert: string };
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BODY.length });
    res.end(BODY);
  });
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.send!({ port: (server.address() as { port: number }).port });
  process.on('disconnect', () => process.exit(0));
}

/** The directory the reference reads: one 2010 CAS (the origin) in Site1, one user, Basic on EWS. */
async function startDirectory(originPort: number): Promise<{ url: string; server: Server }> {
  const vdir = (path: string) => ({ internalUrl: `https://${ORIGIN}${path}`, externalUrl: null, labInternalUrl: `https://${ORIGIN}:${originPort}${path}`, labExternalUrl: null, auth: ['basic'], webDistributionPoint: true });
  const mail = { enabled: false, loginType: 'SecureLogin', internalConnectionSettings: [] };
  const server = {
    fqdn: ORIGIN, site: 'Site1', build: '2010-sp2-ru1', buildNumber: '14.2.283.3', product: 2010, address: '127.0.0.1', aliases: [], namespaces: [],
    certificate: 'self-signed', isOutOfService: false, ports: { https: originPort, http: 0 },
    vdirs: { owa: vdir('/owa'), eas: vdir('/Microsoft-Server-ActiveSync'), ews: vdir('/EWS/Exchange.asmx'), autodiscover: vdir('/Autodiscover/Autodiscover.xml'), oab: vdir('/OAB'), rpc: { enabled: true, externalHostname: null, auth: ['basic'] } },
    imap4: mail, pop3: mail,
  };
  const user = { ...USER, upn: USER.email, logon: 'BENCH\\bench', mailboxServer: 'mbx.bench.lab', mailboxBuild: '2010-sp2-ru1', mailboxBuildNumber: '14.2.283.3', mailboxVersion: 2010, site: 'Site1', devices: [] };
  const http = createHttpServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = req.url ?? '/';
    if (url === '/servers') return send(200, [server]);
    if (url === '/sites') return send(200, [{ name: 'Site1', internetFacing: true }]);
    if (url === '/organisation') return send(200, { name: 'bench', domain: 'bench.lab', eas451DeviceTypes: [], netbiosDomain: 'BENCH' });
    if (url.startsWith('/users/')) return send(200, user);
    if (url === '/auth' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const b = JSON.parse(body || '{}') as { password?: string };
        return b.password === USER.password ? send(200, { ok: true, user }) : send(401, { ok: false });
      });
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(http.address() as { port: number }).port}`, server: http };
}

function waitForLine(child: ChildProcess, re: RegExp, ms: number, what: string): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms: ${out.slice(-500)}`)), ms);
    const on = (d: Buffer) => {
      out += d.toString();
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', on);
        resolveLine(m[0]);
      }
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${out.slice(-500)}`));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (let i = 0; Date.now() < deadline && i < 200; i++) {
    const ok = await new Promise<boolean>((r) => {
      const pool = new Pool(`https://127.0.0.1:${port}`, { connect: { rejectUnauthorized: false } });
      pool.request({ path: '/', method: 'GET' }).then((res) => res.body.dump().then(() => r(true)), () => r(false)).finally(() => void pool.close());
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port} after ${ms} ms`);
}

/** SIGTERM, then SIGKILL after `ms`; resolves once the process has exited. */
function stopChild(c: ChildProcess, ms: number): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const hard = setTimeout(() => c.kill('SIGKILL'), ms);
    // A process that never started emits no 'exit': give up waiting a second after the SIGKILL.
    const giveUp = setTimeout(done, ms + 1_000);
    function done() {
      clearTimeout(hard);
      clearTimeout(giveUp);
      resolveStop();
    }
    c.once('exit', done);
    c.kill('SIGTERM');
  });
}

/** Is there an nginx binary (and which)? */
function nginxBinary(): string | null {
  const r = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return r.error ? null : 'nginx';
}

function nginxConf(dir: string, listen: number, originPort: number): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream origin { server 127.0.0.1:${originPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${listen} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass https://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${ORIGIN};
      proxy_ssl_server_name on;
      proxy_ssl_name ${ORIGIN};
      proxy_ssl_session_reuse on;
    }
  }
}
`;
}

interface Leg {
  name: FrontDoorBenchLeg['name'];
  port: number;
  /** The server's process (its tree is what the CPU figure counts). */
  pid: number | undefined;
  best: number;
  errors: number;
  p50Us: number;
  /** Median over turns of this leg's time minus the origin's (see latency). */
  addedP50Us: number;
  /** Clock ticks used by the tree during throughput rounds, and the requests answered then. */
  ticks: number;
  sysTicks: number;
  /** CPU per request of each round (all, kernel part), microseconds. */
  rounds: { us: number; sysUs: number }[];
  requests: number;
  /** False once a /proc read failed: the CPU figure is then not reported. */
  cpuKnown: boolean;
}

/** Requests that end the first round's warm-up early (unless warmupMs ends it first). */
const WARMUP_REQUESTS = 20_000;
const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts in 1/100 s on every architecture Node runs on.

/** Kernel-mode ticks (stime + cstime) of one process, or 0 when it is gone. */
function sysTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[15 - 3]) + Number(rest[17 - 3]);
  } catch {
    return 0;
  }
}

/** Ticks (self + reaped children) of `pid` and every descendant now, and the kernel-mode part; null without /proc. */
function treeTicks(pid: number | undefined): { all: number; sys: number } | null {
  if (!pid) return null;
  const root = readProcStat(pid);
  if (!root) return null;
  const tree = descendants(pid);
  return { all: tree.reduce((n, s) => n + s.ticks, root.ticks), sys: tree.reduce((n, s) => n + sysTicks(s.pid), sysTicks(pid)) };
}

async function throughput(leg: Leg, connections: number, ms: number, warmupMs: number): Promise<void> {
  const pool = new Pool(`https://127.0.0.1:${leg.port}`, { connections, pipelining: 1, connect: { rejectUnauthorized: false, servername: leg.name === 'origin' ? ORIGIN : FRONT } });
  const headers = { host: leg.name === 'origin' ? ORIGIN : FRONT, authorization: AUTH };
  const count = { ok: 0, bad: 0 };
  const hit = async () => {
    const res = await pool.request({ path: PATH, method: 'GET', headers });
    const text = await res.body.text();
    return res.statusCode === 200 && text.length === BODY.length;
  };
  const loop = async (until: number) => {
    while (performance.now() < until) (await hit().catch(() => false)) ? count.ok++ : count.bad++;
  };
  // Warm-up, not measured: connections, TLS, caches; before the first round also the JIT: warmupMs or
  // WARMUP_REQUESTS answered, whichever comes first (the same for every leg; V8 tiers up by call counts).
  const warmEnd = performance.now() + Math.max(200, warmupMs);
  const warmLoop = async () => {
    while (performance.now() < warmEnd && (warmupMs <= 0 || count.ok < WARMUP_REQUESTS)) (await hit().catch(() => false)) ? count.ok++ : count.bad++;
  };
  await Promise.all(Array.from({ length: connections }, () => warmLoop()));
  count.ok = count.bad = 0;
  const cpu0 = treeTicks(leg.pid);
  const t0 = performance.now();
  await Promise.all(Array.from({ length: connections }, () => loop(t0 + ms)));
  const rps = count.ok / ((performance.now() - t0) / 1000);
  const cpu1 = treeTicks(leg.pid);
  if (cpu0 === null || cpu1 === null) leg.cpuKnown = false;
  else {
    leg.ticks += cpu1.all - cpu0.all;
    leg.sysTicks += cpu1.sys - cpu0.sys;
    if (count.ok) leg.rounds.push({ us: (((cpu1.all - cpu0.all) / CLK_TCK) * 1e6) / count.ok, sysUs: (((cpu1.sys - cpu0.sys) / CLK_TCK) * 1e6) / count.ok });
  }
  leg.requests += count.ok;
  leg.errors += count.bad;
  leg.best = Math.max(leg.best, rps);
  await pool.close();
}

/**
 * One request at a time, the legs in turn (origin, reference, floor, nginx, origin, ...), each on its own
 * connection: a leg's p50 is the median of its times, and what a proxy adds is the median of its time
 * minus the origin's in the same turn. Legs measured one after another (before the tenth session) took
 * whatever the machine did in their own second: nginx's added p50 read 53-105 us between runs.
 */
async function latency(legs: Leg[], n: number): Promise<void> {
  const pools = legs.map((leg) => new Pool(`https://127.0.0.1:${leg.port}`, { connections: 1, connect: { rejectUnauthorized: false, servername: leg.name === 'origin' ? ORIGIN : FRONT } }));
  const times: number[][] = legs.map(() => []);
  try {
    for (let i = 0; i < n + 20; i++) {
      const turn: (number | null)[] = [];
      for (let k = 0; k < legs.length; k++) {
        const headers = { host: legs[k]!.name === 'origin' ? ORIGIN : FRONT, authorization: AUTH };
        const t0 = performance.now();
        const res = await pools[k]!.request({ path: PATH, method: 'GET', headers });
        await res.body.dump();
        turn.push(res.statusCode === 200 ? performance.now() - t0 : null);
      }
      if (i < 20) continue; // the first 20 turns warm up
      for (let k = 0; k < legs.length; k++) if (turn[k] != null && turn[0] != null) times[k]!.push(turn[k]!);
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  for (let k = 0; k < legs.length; k++) {
    const own = times[k]!;
    legs[k]!.p50Us = Math.round(median(own) * 1000);
    legs[k]!.addedP50Us = k === 0 ? 0 : Math.round(median(own.map((t, i) => t - times[0]![i]!)) * 1000);
  }
}

/**
 * Run the benchmark.
 * @example
 * const r = await runFrontDoorBench({ seconds: 2 });
 * console.log(r.ratio); // reference req/s divided by nginx req/s, or null without nginx
 */
export async function runFrontDoorBench(opts: { seconds?: number; connections?: number; latencyRequests?: number; rounds?: number; warmupMs?: number } = {}): Promise<FrontDoorBenchResult> {
  const seconds = Math.min(Math.max(opts.seconds ?? 2, 0.5), 20);
  const connections = opts.connections ?? 32;
  const runTs = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'frontdoor-bench-'));
  const cert = selfSignedCert([FRONT, ORIGIN]);
  const children: ChildProcess[] = [];
  let directory: Server | undefined;
  try {
    const origin = fork(runTs, [fileURLToPath(import.meta.url)], { env: { ...process.env, FRONTDOOR_BENCH_ROLE: 'origin', FRONTDOOR_BENCH_CERT: JSON.stringify(cert) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(origin);
    const originPort = await new Promise<number>((res, rej) => {
      const t = setTimeout(() => rej(new Error('the origin did not start within 30 s')), 30_000);
      origin.once('message', (m) => (clearTimeout(t), res((m as { port: number }).port)));
      origin.once('exit', (c) => (clearTimeout(t), rej(new Error(`the origin exited (${c})`))));
    });
    const dirSvc = await startDirectory(originPort);
    directory = dirSvc.server;
    writeFileSync(join(dir, 'cert.pem'), cert.cert);
    writeFileSync(join(dir, 'key.pem'), cert.key);
    writeFileSync(join(dir, 'hosts'), `127.0.0.1\t${ORIGIN}\n127.0.0.1\t${FRONT}\n`);
    writeFileSync(join(dir, 'topology.json'), JSON.stringify({
      name: 'bench', domain: 'bench.lab', organisation: { netbiosDomain: 'BENCH' }, namespaces: [],
      frontDoor: { site: 'Site1', address: '127.0.0.1', namespaces: [FRONT] },
      servers: [{ fqdn: ORIGIN, aliases: [], namespaces: [], certificate: 'self-signed' }], users: [USER],
    }));
    const contract: FrontDoorContract = {
      topologyFile: join(dir, 'topology.json'), directoryUrl: dirSvc.url, caFile: join(dir, 'cert.pem'), certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem'),
      hostsFile: join(dir, 'hosts'), listenAddress: '127.0.0.1', ports: { https: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0 }, profile: 'exchange2013', hardened: false,
      healthIntervalMs: 50_000, options: { defects: ['no-probes'] }, runDir: join(dir, 'reference'),
    };
    // FRONTDOOR_BENCH_PROFILE=<dir>: a CPU profile of the reference front door (NODE_OPTIONS refuses --cpu-prof).
    // FRONTDOOR_BENCH_NODE_ARGS: more node flags for the reference (e.g. --perf-basic-prof for `perf record -p`).
    const prof = [
      ...(process.env.FRONTDOOR_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FRONTDOOR_BENCH_PROFILE}`] : []),
      ...(process.env.FRONTDOOR_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    ];
    // Started as the lab starts it (harness/frontdoor/reference-bundle.ts): through tsx it cost about 10% more
    // CPU per request (2.55x nginx's against 2.31-2.33x, December 2026), which no run of the suites pays.
    // Every request's log line is written, as nginx writes its access log: the log's default cap (16 MiB)
    // would be reached within the bench's first 60 000 requests, after which the reference logs nothing.
    const referenceEnv = { ...process.env, CAS_FRONTDOOR_QUIET: '1', CAS_FRONTDOOR_LOG_MAX_BYTES: String(2 ** 30) };
    const reference = spawn(process.execPath, [...prof, ...(await referenceArgs())], { env: { ...referenceEnv, ...contractToEnv(contract) }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(reference);
    const ready = await waitForLine(reference, /READY https=(\d+)/, 30_000, 'the reference front door');
    const newLeg = (name: Leg['name'], port: number, pid: number | undefined): Leg => ({ name, port, pid, best: 0, errors: 0, p50Us: 0, addedP50Us: 0, ticks: 0, sysTicks: 0, rounds: [], requests: 0, cpuKnown: true });
    const legs: Leg[] = [newLeg('origin', originPort, origin.pid), newLeg('reference', Number(/https=(\d+)/.exec(ready)![1]), reference.pid)];
    // The floor: the reference's stack with none of its work (bench/floor-proxy.ts), from its bundle as the reference.
    const floorEnv = { ...process.env, CAS_KEY_FILE: contract.keyFile, CAS_CERT_FILE: contract.certFile, CAS_LISTEN_ADDRESS: '127.0.0.1', FLOOR_ORIGIN: `https://127.0.0.1:${originPort}`, FLOOR_HOST: ORIGIN };
    const floor = spawn(process.execPath, [await bundled('bench/floor-proxy.ts', 'bench-floor')], { env: floorEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(floor);
    // FRONTDOOR_BENCH_REFERENCE_B=<reference.mjs of another build>: a second reference leg in the same
    // rounds, for before/after figures paired round by round (the machine's drift between two runs was
    // as large as the changes measured).
    if (process.env.FRONTDOOR_BENCH_REFERENCE_B) {
      // FRONTDOOR_BENCH_NODE_ARGS_B: node flags for this leg alone (a flag's effect, paired: the same build as both legs).
      const argsB = (process.env.FRONTDOOR_BENCH_NODE_ARGS_B ?? '').split(' ').filter(Boolean);
      const b = spawn(process.execPath, [...prof, ...argsB, process.env.FRONTDOOR_BENCH_REFERENCE_B], { env: { ...referenceEnv, ...contractToEnv({ ...contract, runDir: join(dir, 'reference-b') }) }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(b);
      legs.push(newLeg('reference-b', Number(/https=(\d+)/.exec(await waitForLine(b, /READY https=(\d+)/, 30_000, 'reference B'))![1]), b.pid));
    }
    legs.push(newLeg('floor', Number(/https=(\d+)/.exec(await waitForLine(floor, /READY https=(\d+)/, 30_000, 'the floor proxy'))![1]), floor.pid));
    let nginx: FrontDoorBenchResult['nginx'] = 'not installed';
    const bin = nginxBinary();
    if (bin) {
      const port = await freePort('127.0.0.1');
      writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, port, originPort));
      const n = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(n);
      try {
        await waitForPort(port, 10_000);
        legs.push(newLeg('nginx', port, n.pid));
        nginx = 'measured';
      } catch (err) {
        nginx = `failed to start: ${(err as Error).message}`;
      }
    }
    // Interleaved rounds (best req/s, median CPU per request of each leg): a burst from another process
    // must not decide the ratio. Every leg first runs warmupMs unmeasured (the reference's JIT).
    const rounds = Math.min(Math.max(1, opts.rounds ?? (Number(process.env.FRONTDOOR_BENCH_ROUNDS) || 5)), 20);
    const warmupMs = Math.min(Math.max(0, opts.warmupMs ?? 4000), 10_000);
    for (let r = 0; r < rounds; r++) for (const leg of legs) await throughput(leg, connections, (seconds * 1000) / rounds, r === 0 ? warmupMs : 0);
    await latency(legs, opts.latencyRequests ?? 500);
    const out: FrontDoorBenchLeg[] = legs.map((l) => {
      const measured = l.cpuKnown && l.rounds.length > 0;
      return {
        name: l.name, reqPerSec: Math.round(l.best), errors: l.errors, p50Us: l.p50Us, addedP50Us: l.addedP50Us,
        cpuUsPerRequest: measured ? Math.round(median(l.rounds.map((x) => x.us))) : null, sysUsPerRequest: measured ? Math.round(median(l.rounds.map((x) => x.sysUs))) : null,
        cpuUsPerRequestAllRounds: l.cpuKnown && l.requests ? Math.round(((l.ticks / CLK_TCK) * 1e6) / l.requests) : null,
        requests: l.requests, cpuUsPerRequestByRound: l.rounds.map((x) => Math.round(x.us)),
      };
    });
    const ref = out.find((l) => l.name === 'reference')!;
    const ngx = out.find((l) => l.name === 'nginx');
    const flr = out.find((l) => l.name === 'floor');
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const cpuOver = (a: FrontDoorBenchLeg | undefined, b: FrontDoorBenchLeg | undefined) => (a?.cpuUsPerRequest != null && b?.cpuUsPerRequest ? r3(a.cpuUsPerRequest / b.cpuUsPerRequest) : null);
    return {
      connections, legs: out, nginx,
      ratio: ngx && ngx.reqPerSec ? r3(ref.reqPerSec / ngx.reqPerSec) : null,
      cpuRatio: cpuOver(ref, ngx),
      floorCpuRatio: cpuOver(flr, ngx),
      overFloor: cpuOver(ref, flr),
    };
  } finally {
    // Every child gone before its directory: nginx still shutting down left its `proxy` temp directory
    // behind in one run of three (found in the eleventh session). Bounded: SIGKILL after 5 s.
    await Promise.all(children.map((c) => stopChild(c, 5_000)));
    directory?.close();
    directory?.closeAllConnections();
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain && process.env.FRONTDOOR_BENCH_ROLE === 'origin') {
  await serveOrigin();
} else if (isMain) {
  const seconds = Number(process.argv[2] ?? 2);
  const r = await runFrontDoorBench({ seconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 2 });
  console.log(`front-door bench: ${r.connections} keep-alive connections, GET ${PATH} (1 KiB); req/s best round, CPU/req median over the rounds; nginx: ${r.nginx}`);
  for (const l of r.legs) {
    console.log(`  ${l.name.padEnd(10)} ${String(l.reqPerSec).padStart(7)} req/s  CPU ${String(l.cpuUsPerRequest ?? '?').padStart(5)} us/req (sys ${String(l.sysUsPerRequest ?? '?').padStart(4)})  p50 ${String(l.p50Us).padStart(6)} us  added ${String(l.addedP50Us).padStart(6)} us  (${l.requests} requests measured, ${l.errors} errors; CPU us/req by round ${l.cpuUsPerRequestByRound.join(' ')})`);
  }
  console.log(r.ratio === null ? '  reference/nginx: n/a (nginx is not installed: the reference was measured alone)' : `  reference/nginx throughput: ${r.ratio}x, CPU per request: ${r.cpuRatio ?? 'n/a'}x`);
  console.log(`  floor/nginx CPU per request: ${r.floorCpuRatio ?? 'n/a'}x; reference/floor: ${r.overFloor ?? 'n/a'}x (the floor: the reference's stack with none of its work)`);
  const b = r.legs.find((l) => l.name === 'reference-b');
  const a = r.legs.find((l) => l.name === 'reference')!;
  if (b) {
    // Rounds of the two builds alternate (reference, reference-b, ...): a round's difference shares its
    // moment. The interval comes from this run's rounds: a median inside it is this run's noise.
    const p = pairedDifference(a.cpuUsPerRequestByRound, b.cpuUsPerRequestByRound);
    console.log(`  reference - reference-b, paired by round: median ${p.median} us, 90% interval [${p.low}, ${p.high}] us (sorted: ${p.sorted.join(' ')})`);
  }
}
