/**
 * `npm run soak -- --runs 5 --hog 8 [--parallel 2] [--profile exchange2013] [--out DIR]`: the full suite
 * against the reference, N times, while a bounded load runs the whole time (busy loops, and with
 * `--parallel` several full runs at once — the scheduling latency under which issue 10's false alarms
 * were seen). Prints, per rule, how the runs ended (flakes first) and the harness lag the rules measured.
 * A benchmark of the verdicts, not part of `npm test`; docs/validity.md records its figures.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHogs } from './hog.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** One full run may take this long before the soak gives up on it. */
const RUN_TIMEOUT_MS = 15 * 60_000;

interface RuleOutcome {
  id: string;
  outcome: string;
  reason?: string;
  evidence?: { lag?: { maxMs: number } };
}

const { values } = parseArgs({ options: { runs: { type: 'string' }, hog: { type: 'string' }, parallel: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' }, 'front-door': { type: 'string' } } });
const runs = Number(values.runs ?? 5);
const hog = Number(values.hog ?? 0);
const parallel = Number(values.parallel ?? 1);
for (const [name, v, max] of [['--runs', runs, 50], ['--hog', hog, 64], ['--parallel', parallel, 8]] as const) {
  if (!Number.isInteger(v) || v < 0 || v > max || (name !== '--hog' && v < 1)) {
    console.error(`soak: ${name} must be an integer up to ${max}`);
    process.exit(2);
  }
}
const profile = values.profile ?? 'exchange2013';
const frontDoor = values['front-door'] ?? 'reference';
const out = values.out ?? mkdtempSync(join(tmpdir(), 'cas-soak-'));

function oneRun(dir: string): Promise<{ code: number; rules: RuleOutcome[]; wallMs: number; output: string }> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'run', '--quiet', '--profile', profile, '--front-door', frontDoor, '--out', dir], { cwd: ROOT, timeout: RUN_TIMEOUT_MS, env: { ...process.env, CAS_RUN_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      let rules: RuleOutcome[] = [];
      try {
        rules = (JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { rules: RuleOutcome[] }).rules;
      } catch {
        // no report: counted as a run without verdicts
      }
      done({ code: err ? Number((err as { code?: number }).code ?? 2) : 0, rules, wallMs: Date.now() - started, output: `${stdout}${stderr}`.slice(-2000) });
    });
  });
}

const hogs = startHogs(hog, runs * RUN_TIMEOUT_MS);
const perRule = new Map<string, { outcomes: string[]; lag: number; reasons: string[] }>();
const load: number[] = [];
const sampler = setInterval(() => load.push(loadavg()[0]!), 5000);
const t0 = Date.now();
console.log(`soak: ${runs} round(s) x ${parallel} parallel full ${profile} run(s) against ${frontDoor}, ${hog} busy loop(s), ${cpus().length} cores; reports under ${out}`);
try {
  for (let round = 1; round <= runs; round++) {
    const results = await Promise.all(Array.from({ length: parallel }, (_, i) => oneRun(join(out, `r${round}-${i + 1}`))));
    for (const [i, r] of results.entries()) {
      const tally: Record<string, number> = {};
      for (const x of r.rules) tally[x.outcome] = (tally[x.outcome] ?? 0) + 1;
      console.log(`round ${round}.${i + 1}: exit ${r.code} in ${(r.wallMs / 1000).toFixed(1)} s; ${Object.entries(tally).map(([k, v]) => `${v} ${k}`).join(', ') || `no report: ${r.output}`}`);
      for (const x of r.rules) {
        const e = perRule.get(x.id) ?? { outcomes: [], lag: 0, reasons: [] };
        e.outcomes.push(x.outcome);
        e.lag = Math.max(e.lag, x.evidence?.lag?.maxMs ?? 0);
        if ((x.outcome === 'fail' || x.outcome === 'error' || x.outcome === 'warn') && x.reason) e.reasons.push(x.reason.split('\n')[0]!.slice(0, 200));
        perRule.set(x.id, e);
      }
    }
  }
} finally {
  clearInterval(sampler);
  await hogs.stop();
}
const rows = [...perRule.entries()].map(([id, e]) => ({ id, ...e, flaky: new Set(e.outcomes).size > 1, bad: e.outcomes.filter((o) => o === 'fail' || o === 'warn').length, errors: e.outcomes.filter((o) => o === 'error').length }));
rows.sort((a, b) => b.bad - a.bad || b.errors - a.errors || Number(b.flaky) - Number(a.flaky) || b.lag - a.lag);
console.log(`\nrule      fail/warn  error  flaky  max lag (ms)  outcomes`);
for (const r of rows) if (r.bad || r.errors || r.flaky || r.lag > 200) console.log(`${r.id.padEnd(9)} ${String(r.bad).padStart(9)}  ${String(r.errors).padStart(5)}  ${r.flaky ? '  yes' : '   no'}  ${String(r.lag).padStart(12)}  ${r.outcomes.join(' ')}${r.reasons.length ? `\n          ${r.reasons[0]}` : ''}`);
const fails = rows.reduce((n, r) => n + r.bad, 0);
const errors = rows.reduce((n, r) => n + r.errors, 0);
const maxLag = rows.reduce((m, r) => Math.max(m, r.lag), 0);
console.log(`\n${runs * parallel} run(s) in ${((Date.now() - t0) / 1000).toFixed(0)} s; load average ${load.length ? `${Math.min(...load).toFixed(1)}..${Math.max(...load).toFixed(1)}` : 'n/a'}; fail/warn ${fails}, error ${errors}, worst harness lag ${maxLag} ms`);
if (!values.out) rmSync(out, { recursive: true, force: true });
process.exit(fails ? 1 : 0);
