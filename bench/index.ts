/**
 * `npm run bench`: every benchmark in one run, each printed as figures and a ratio against a baseline
 * measured in the same run (performance is measured here, never in timed tests).
 *
 * 1. Lab start for `contoso`: cold (fresh PKI cache) and warm (cached) — goals cold <= 5 s, warm <= 1 s.
 * 2. Mock HTTP throughput vs bare node:https (bench/http.ts) — dynamic >= 0.10x, static >= 0.5x.
 * 3. IMAP sessions/s vs a bare TLS line server (bench/imap.ts) — >= 0.5x.
 * 4. Reference front door vs nginx proxy_pass (bench/frontdoor.ts), TLS and keep-alive on both legs of both:
 *    CPU per proxied request of each process tree (/proc) <= 2x nginx's, p50 added latency at 1 connection
 *    <= 2x nginx's, throughput at 32 connections >= 0.5x (informative: client and origin share the cores).
 *    Informative: the floor (bench/floor-proxy.ts, the reference's stack with none of its work) against
 *    nginx, and the reference against the floor: how much of the gap is the platform's; and the CPU ratio
 *    as the median of per-round ratios with a 90% bootstrap interval (bench/paired.ts): whether 2x lies
 *    inside this run's noise.
 * 5. A full conformance run against the reference (exchange2013) — wall time and rules/s; <= 25 s (goal 20 s).
 * Pass `--only lab,http,imap,frontdoor,run` to pick some.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLab } from '../harness/lab/lab.ts';
import { pairedRatio } from './paired.ts';

// `--only a,b` or `--only=a,b`; without it every benchmark runs (indexOf is -1 then: never read argv[0]).
const onlyAt = process.argv.indexOf('--only');
const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? (onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined) ?? '').split(',').filter(Boolean);
const want = (name: string) => !only.length || only.includes(name);
const line = (label: string, value: string, goal: string, ok: boolean) => console.log(`${label.padEnd(46)} ${value.padEnd(28)} goal ${goal.padEnd(15)} ${ok ? 'ok' : 'MISSED'}`);

async function labStart(): Promise<void> {
  const cache = mkdtempSync(join(tmpdir(), 'cas-bench-pki-'));
  try {
    let t = performance.now();
    const cold = await startLab({ topology: 'contoso', cacheDir: cache });
    const coldMs = performance.now() - t;
    await cold.stop();
    t = performance.now();
    const warm = await startLab({ topology: 'contoso', cacheDir: cache });
    const warmMs = performance.now() - t;
    await warm.stop();
    line('lab start, contoso, cold (new PKI)', `${(coldMs / 1000).toFixed(2)} s`, '<= 5 s', coldMs <= 5000);
    line('lab start, contoso, warm (cached PKI)', `${(warmMs / 1000).toFixed(2)} s (${(coldMs / warmMs).toFixed(1)}x faster)`, '<= 1 s', warmMs <= 1000);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

async function httpBench(): Promise<void> {
  const { runHttpBench } = await import('./http.ts');
  const r = await runHttpBench({ seconds: 2 });
  const leg = (n: string) => r.legs.find((l: { name: string }) => l.name === n)!;
  const bare = leg('bare').reqPerSec;
  line('mock HTTP: bare node:https', `${bare.toFixed(0)} req/s`, 'baseline', true);
  line('mock HTTP: dynamic vdir (msw per request)', `${leg('dynamic').reqPerSec.toFixed(0)} req/s = ${(leg('dynamic').reqPerSec / bare).toFixed(2)}x`, '>= 0.10x', leg('dynamic').reqPerSec / bare >= 0.1);
  line('mock HTTP: static resource (snapshot)', `${leg('static').reqPerSec.toFixed(0)} req/s = ${(leg('static').reqPerSec / bare).toFixed(2)}x`, '>= 0.5x', leg('static').reqPerSec / bare >= 0.5);
}

async function imapBench(): Promise<void> {
  const { runImapBench } = await import('./imap.ts');
  const r = await runImapBench({ durationMs: 3000 });
  line('IMAP sessions/s: bare TLS line server', `${r.bare.toFixed(0)} /s`, 'baseline', true);
  line('IMAP sessions/s: mock (login, select, fetch)', `${r.mock.toFixed(0)} /s = ${r.ratio.toFixed(2)}x`, '>= 0.5x', r.ratio >= 0.5);
}

async function frontDoorBench(): Promise<void> {
  const { runFrontDoorBench } = await import('./frontdoor.ts');
  // Eight rounds, not five: the per-round ratios below need enough pairs for their interval to say something.
  const r = await runFrontDoorBench({ seconds: 6, rounds: 8, warmupMs: 4000 });
  const leg = (n: string) => r.legs.find((l) => l.name === n);
  const ref = leg('reference');
  const nginx = leg('nginx');
  const origin = leg('origin');
  const cpu = (l: { cpuUsPerRequest: number | null }) => (l.cpuUsPerRequest === null ? 'CPU not measured' : `${l.cpuUsPerRequest} us CPU/req`);
  // The origin does the same work every round: the spread of its CPU per request is this machine's noise now.
  const spread = origin && origin.cpuUsPerRequestByRound.length > 1 ? `rounds ${Math.min(...origin.cpuUsPerRequestByRound)}-${Math.max(...origin.cpuUsPerRequestByRound)} us` : '';
  line('front door: bare origin (32 connections)', `${origin?.reqPerSec.toFixed(0)} req/s, ${origin ? cpu(origin) : ''}`, 'baseline', true);
  if (spread) line('front door: bare origin, CPU/req by round', spread, 'info: noise', true);
  if (!ref) return console.log('front door bench: the reference did not run');
  if (!nginx) return line('front door: reference (nginx not installed)', `${ref.reqPerSec.toFixed(0)} req/s, ${cpu(ref)}, +${ref.addedP50Us} us p50`, 'n/a', true);
  line('front door: nginx proxy_pass (32 connections)', `${nginx.reqPerSec.toFixed(0)} req/s, ${cpu(nginx)}`, 'baseline', true);
  line('front door: nginx added p50 (1 connection)', `+${nginx.addedP50Us} us`, 'baseline', true);
  line('front door: reference throughput vs nginx', `${ref.reqPerSec.toFixed(0)} req/s = ${(ref.reqPerSec / nginx.reqPerSec).toFixed(2)}x`, '>= 0.5x', ref.reqPerSec / nginx.reqPerSec >= 0.5);
  line('front door: reference CPU per request vs nginx', r.cpuRatio === null ? 'not measured (no /proc)' : `${ref.cpuUsPerRequest} us = ${r.cpuRatio.toFixed(2)}x`, '<= 2x', r.cpuRatio !== null && r.cpuRatio <= 2);
  if (r.cpuRatio !== null && ref.cpuUsPerRequestByRound.length > 1) {
    // The same ratio round by round (each round of the reference beside nginx's in the same pass): how
    // sure this one run is of the figure above, on this machine, now (bench/paired.ts).
    const p = pairedRatio(ref.cpuUsPerRequestByRound, nginx.cpuUsPerRequestByRound);
    const verdict = p.high <= 2 ? 'below 2x' : p.low > 2 ? 'above 2x' : 'spans 2x';
    line('front door: the same, median of rounds', `${p.median.toFixed(2)}x (90%: ${p.low.toFixed(2)}-${p.high.toFixed(2)})`, `info: ${verdict}`, true);
  }
  if (r.floorCpuRatio !== null) line('front door: floor (its stack alone) vs nginx', `${leg('floor')?.cpuUsPerRequest} us = ${r.floorCpuRatio.toFixed(2)}x, +${leg('floor')?.addedP50Us} us p50`, 'info', true);
  if (r.overFloor !== null) line('front door: reference CPU per request vs floor', `${r.overFloor.toFixed(2)}x`, 'info', true);
  line('front door: reference added p50 vs nginx', `+${ref.addedP50Us} us = ${(ref.addedP50Us / Math.max(nginx.addedP50Us, 1)).toFixed(1)}x`, '<= 2x', ref.addedP50Us <= 2 * nginx.addedP50Us);
}

/** CPU seconds of this process and of its reaped children (their children included), from /proc (Linux). */
function treeCpuSeconds(): number | null {
  try {
    const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state is field 3, so utime..cstime (fields 14..17) are indexes 11..14.
    const ticks = [11, 12, 13, 14].reduce((n, i) => n + Number(f[i]), 0);
    return ticks / 100;
  } catch {
    return null;
  }
}

async function fullRun(): Promise<void> {
  const { runSuites, parseRunArgs } = await import('../harness/cli/commands/run.ts');
  const out = mkdtempSync(join(tmpdir(), 'cas-bench-run-'));
  try {
    const cpu0 = treeCpuSeconds();
    const t = performance.now();
    const report = await runSuites(parseRunArgs(['--out', out, '--quiet']));
    const s = (performance.now() - t) / 1000;
    const cpu1 = treeCpuSeconds();
    const judged = report.rules.filter((r) => r.outcome !== 'n/a').length;
    const cpu = cpu0 !== null && cpu1 !== null ? `, CPU ${(cpu1 - cpu0).toFixed(1)} s (${((cpu1 - cpu0) / s).toFixed(2)} cores)` : '';
    // Issue 14's acceptance is 25 s; its goal, 20 s.
    line('full run, reference, exchange2013 (fast health)', `${s.toFixed(1)} s${cpu}, ${(judged / s).toFixed(2)} rules/s, ${report.summary.conformant ? 'conformant' : 'NOT conformant'}`, '<= 25 s', s <= 25 && report.summary.conformant);
    line('full run: the goal beyond the acceptance', `${s.toFixed(1)} s`, '<= 20 s', s <= 20 && report.summary.conformant);
    // A figure of a run that was not clean says little without why: name what was not a pass.
    for (const r of report.rules.filter((x) => x.outcome === 'fail' || x.outcome === 'error' || x.outcome === 'warn')) console.log(`  ${r.outcome} ${r.id}: ${(r.reason ?? '').split('\n')[0]!.slice(0, 300)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The 1-minute load average and the CPU time counters of the whole machine (Linux), or null. */
function machineNow(): { load: number; steal: number; total: number } | null {
  try {
    // cpu user nice system idle iowait irq softirq steal ...
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { load: loadavg()[0]!, steal: f[7]!, total };
  } catch {
    return null;
  }
}

// The machine is shared: every figure says how loaded it was (RESULTS.md keeps them). A ratio taken while
// other work ran, or while the host took the CPU away (steal), is an upper bound, not a result.
const cores = availableParallelism();
const before = machineNow();
const benches: [string, () => Promise<void>][] = [['lab', labStart], ['http', httpBench], ['imap', imapBench], ['frontdoor', frontDoorBench], ['run', fullRun]];
for (const [name, fn] of benches) {
  if (!want(name)) continue;
  try {
    await fn();
  } catch (err) {
    console.log(`${name}: could not run: ${(err as Error).message}`);
  }
}
const after = machineNow();
if (before && after) {
  const ticks = after.total - before.total;
  const steal = ticks > 0 ? (100 * (after.steal - before.steal)) / ticks : 0;
  // Neighbours on the host can slow this machine without load or steal showing it: the origin's spread
  // above (the same work each round) shows that kind.
  const loaded = before.load > cores || steal >= 2;
  console.log(`machine: ${cores} cores; load average ${before.load.toFixed(2)} at the start, ${after.load.toFixed(2)} at the end; CPU taken by the host (steal) ${steal.toFixed(1)}%${loaded ? '; LOADED: read every figure above as an upper bound' : ''}`);
}
