/**
 * `cas-conformance run [--front-door reference|command:"…"|url:…|nginx…] [--profile exchange2013|exchange2010|exchange2007 --build B]
 *   [--hardened] [--topology F] [--out DIR] [--baseline F] [--waivers F] [--fail-on warn] [--rule ID] [--list] [--repeat N]
 *   [--realtime] [--defect NAME]`
 * Runs the suites (vitest underneath) against one candidate and writes report.json, junit.xml, report.html, summary.md.
 * Exit: 0 conformant, 1 not conformant (or a regression against --baseline), 2 harness error.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../../suites/rules.ts';
import { levelFor as levelOf } from '../../../reports/judge.ts';
import type { RunOptions } from '../../../suites/support/run-options.ts';
import { ConformanceReporter, writeReports, readWaivers, readReport, diffBaseline, baselineExitCode, renderBaselineMarkdown, evidenceText, mergeRepeatedReports, type ConformanceReport, type Waiver } from '../../../reports/index.ts';
import { renderTable } from '../table.ts';
import { ProgressReporter } from '../progress-reporter.ts';
import { defaultBuildFor, type ProfileName } from '../../frontdoor/profile-topology.ts';
import { profileDefaultTopology, topologyDigest, writeResolvedTopology } from '../../topology/index.ts';
import { LabError } from '../../errors.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Which suite file holds each area's rules (suites/, one file per area). */
const AREA_FILES: Record<string, string> = {
  AUTH: 'suites/auth.test.ts', TLS: 'suites/tls.test.ts', AUTOD: 'suites/autodiscover.test.ts', OA: 'suites/outlook-anywhere.test.ts',
  OWA: 'suites/owa.test.ts', EAS: 'suites/eas.test.ts', EWS: 'suites/ews.test.ts', OAB: 'suites/oab.test.ts', HC: 'suites/health.test.ts',
  MAIL: 'suites/mail.test.ts', COOK: 'suites/cookies.test.ts', VER: 'suites/versions.test.ts', SEC: 'suites/security.test.ts',
};

export const runArgs = {
  'front-door': { type: 'string' },
  profile: { type: 'string' },
  build: { type: 'string' },
  hardened: { type: 'boolean' },
  topology: { type: 'string' },
  out: { type: 'string' },
  baseline: { type: 'string' },
  waivers: { type: 'string' },
  'fail-on': { type: 'string' },
  rule: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  repeat: { type: 'string' },
  realtime: { type: 'boolean' },
  /** Multiply every client and case timeout (slow CI runners). */
  slow: { type: 'string' },
  defect: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  /** `i/N`: run one shard of the rules and write a vitest blob (merge with `cas-conformance merge`). */
  shard: { type: 'string' },
  /** Test aid (negative controls): a JSON file { "RULE-ID": ["defect", …] } — each rule runs against its own defects. */
  'rule-defects': { type: 'string' },
} as const;

export interface RunRequest {
  frontDoor: string;
  profile: ProfileName;
  build?: string;
  hardened: boolean;
  topology?: string;
  outDir: string;
  waivers: Waiver[];
  failOn: 'fail' | 'warn';
  rules: string[];
  repeat: number;
  realtime: boolean;
  /** `--slow FACTOR` (>= 1): every client and case timeout is multiplied by it. */
  slow: number;
  defects: string[];
  quiet: boolean;
  shard?: string;
  ruleDefects?: Record<string, string[]>;
  /** Merge vitest blob reports from this directory instead of running (sharded CI). */
  mergeFrom?: string;
}

function profileOf(v: string | undefined): ProfileName {
  const p = v ?? 'exchange2013';
  if (p !== 'exchange2013' && p !== 'exchange2010' && p !== 'exchange2007') throw new LabError(`--profile must be exchange2013, exchange2010 or exchange2007 (got "${p}")`);
  return p;
}

export function parseRunArgs(args: string[]): RunRequest & { list: boolean; baseline?: string } {
  const { values } = parseArgs({ args, options: runArgs, allowPositionals: false });
  const failOn = values['fail-on'] ?? 'fail';
  if (failOn !== 'fail' && failOn !== 'warn') throw new LabError(`--fail-on must be fail or warn (got "${failOn}")`);
  const repeat = Number(values.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) throw new LabError('--repeat must be an integer from 1 to 50');
  const slow = Number(values.slow ?? 1);
  if (!Number.isFinite(slow) || slow < 1 || slow > 20) throw new LabError(`--slow must be a number from 1 to 20 (got "${values.slow}")`);
  const ruleDefects = values['rule-defects'] ? (JSON.parse(readFileSync(values['rule-defects'], 'utf8')) as Record<string, string[]>) : undefined;
  const rules = [...new Set([...(values.rule ?? []), ...Object.keys(ruleDefects ?? {})])];
  for (const id of rules) if (!RULES.some((r) => r.id === id)) throw new LabError(`--rule ${id}: no such rule in RULES.md`);
  return {
    frontDoor: values['front-door'] ?? 'reference',
    profile: profileOf(values.profile),
    ...(values.build ? { build: values.build } : {}),
    hardened: values.hardened ?? false,
    ...(values.topology ? { topology: values.topology } : {}),
    outDir: resolve(values.out ?? 'conformance-report'),
    waivers: values.waivers ? readWaivers(values.waivers) : [],
    failOn,
    rules,
    repeat,
    realtime: values.realtime ?? false,
    slow,
    defects: values.defect ?? [],
    quiet: values.quiet ?? false,
    ...(values.shard ? { shard: values.shard } : {}),
    ...(ruleDefects ? { ruleDefects } : {}),
    list: values.list ?? false,
    ...(values.baseline ? { baseline: values.baseline } : {}),
  };
}

function listRules(r: RunRequest): void {
  console.log(renderTable(['rule', 'level', 'title'], RULES.map((m) => [m.id, levelOf(m, r.profile, r.hardened), m.title.length > 90 ? `${m.title.slice(0, 87)}...` : m.title])));
  const judged = RULES.filter((m) => levelOf(m, r.profile, r.hardened) !== '-').length;
  console.log(`\n${RULES.length} rules; ${judged} judged in ${r.profile}${r.hardened ? ' + hardened' : ''}`);
}

/** Run the suites once; returns the report (written to outDir). */
export async function runSuites(r: RunRequest): Promise<ConformanceReport> {
  const { startVitest } = await import('vitest/node');
  const runDir = join(r.outDir, '.run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  // One topology path: --topology (a built-in name or a file) or the profile's default is resolved here,
  // once, and every worker reads the resolved file (suites/support/world.ts).
  const resolved = writeResolvedTopology(r.topology ?? profileDefaultTopology(r.profile), runDir);
  const opts: RunOptions = {
    profile: r.profile,
    ...(r.build ? { build: r.build } : {}),
    hardened: r.hardened,
    frontDoor: r.frontDoor,
    topology: resolved.file,
    realtime: r.realtime,
    defects: r.defects,
    ...(r.ruleDefects ? { ruleDefects: r.ruleDefects } : {}),
    runDir,
    caseTimeoutMs: r.realtime ? 240_000 : 30_000,
    slow: r.slow,
  };
  process.env.CAS_RUN_OPTIONS = JSON.stringify(opts);
  let report: ConformanceReport | undefined;
  const reporter = new ConformanceReporter({
    profile: r.profile,
    hardened: r.hardened,
    failOn: r.failOn,
    waivers: r.waivers,
    build: r.profile === 'exchange2013' ? null : (r.build ?? defaultBuildFor(r.profile)),
    candidate: { name: r.frontDoor, version: null, launcher: r.frontDoor.split(':')[0]!, configDigest: null, options: { defects: r.defects, realtime: r.realtime } },
    topology: { name: resolved.topology.name, digest: topologyDigest(resolved.topology) },
    outDir: null,
    onReport: (rep) => {
      report = rep;
    },
  });
  const filters = r.rules.length ? { testNamePattern: `(^| )(${r.rules.join("|")}) ` } : {};
  // --rule: only the area files that hold the chosen rules are collected (collecting all of them costs seconds).
  const files = r.rules.length ? [...new Set(r.rules.map((id) => AREA_FILES[id.split('-')[0]!]).filter((f): f is string => !!f))] : [];
  const blobFile = r.shard ? join(r.outDir, 'blob', `blob-${r.shard.replace('/', '-')}.json`) : null;
  const vitest = await startVitest('test', files, {
    config: join(ROOT, 'suites/vitest.config.ts'),
    root: ROOT,
    watch: false,
    reporters: blobFile ? [['blob', { outputFile: blobFile }], ...(r.quiet ? [] : [new ProgressReporter()])] : r.quiet ? [reporter] : [new ProgressReporter(), reporter],
    ...(r.shard ? { shard: r.shard } : {}),
    ...(r.mergeFrom ? { mergeReports: r.mergeFrom } : {}),
    ...filters,
  });
  if (blobFile) {
    await vitest?.close();
    throw new ShardWritten(blobFile);
  }
  await vitest?.close();
  if (!report) throw new LabError('the suite run produced no report (vitest did not start)');
  const idFile = join(runDir, 'candidate.json');
  if (existsSync(idFile)) {
    const id = JSON.parse(readFileSync(idFile, 'utf8')) as { name: string; version: string | null; launcher: string; configDigest: string | null };
    report.candidate = { ...report.candidate, name: id.name, version: id.version, launcher: id.launcher, configDigest: id.configDigest };
  }
  return report;
}

/** Thrown (and caught in runCommand) after a shard wrote its blob: there is no report to judge yet. */
class ShardWritten extends Error {
  constructor(readonly file: string) {
    super(`shard blob written: ${file}`);
  }
}

export async function runCommand(args: string[]): Promise<number> {
  const r = parseRunArgs(args);
  if (r.list) {
    listRules(r);
    return 0;
  }
  if (r.shard) {
    try {
      await runSuites(r);
    } catch (err) {
      if (err instanceof ShardWritten) {
        console.log(`${err.message}\nmerge with: cas-conformance merge ${join(r.outDir, 'blob')} --out DIR (same run options)`);
        return 0;
      }
      throw err;
    }
  }
  const reports: ConformanceReport[] = [];
  for (let i = 0; i < r.repeat; i++) reports.push(await runSuites(r));
  const report = reports.length > 1 ? mergeRepeatedReports(reports) : reports[0]!;
  const files = writeReports(report, r.outDir);
  const s = report.summary;
  console.log(`\n${report.candidate.name} (${report.profile.name}${report.profile.hardened ? ' + hardened' : ''}): ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.error} error, ${s['n/a']} n/a, ${s.info} info, ${s.waived} waived`);
  console.log(`reports: ${files.json}, ${files.junit}, ${files.html}, ${files.markdown}`);
  if (r.rules.length) for (const rr of report.rules) console.log(`\n${evidenceText(rr)}`);
  let exit: number = s.exitCode;
  if (r.baseline && 'baseline' in r) {
    const diff = diffBaseline(report, readReport(r.baseline));
    console.log(`\n${renderBaselineMarkdown(diff)}`);
    // --baseline fails only on regressions (a regression suite): harness errors still exit 2.
    exit = s.exitCode === 2 ? 2 : baselineExitCode(diff);
  }
  return finish(exit);
}

function finish(exit: number): number {
  console.log(exit === 0 ? 'conformant' : exit === 1 ? 'NOT conformant' : 'harness error: some rules could not be judged');
  return exit;
}

/** `cas-conformance merge BLOB_DIR [run options] --out DIR`: one conformance report from sharded runs. */
export async function mergeCommand(args: string[]): Promise<number> {
  const dir = args[0];
  if (!dir || dir.startsWith('--')) throw new LabError('usage: cas-conformance merge BLOB_DIR [run options] --out DIR');
  const r = { ...parseRunArgs(args.slice(1)), mergeFrom: resolve(dir) };
  const report = await runSuites(r);
  const files = writeReports(report, r.outDir);
  console.log(`merged: ${files.json}, ${files.junit}, ${files.html}, ${files.markdown}`);
  return finish(report.summary.exitCode);
}
