/**
 * `cas-conformance run [--front-door reference|command:"…"|url:…|nginx…] [--profile exchange2013|exchange2010|exchange2007 --build B]
 *   [--hardened] [--topology F] [--out DIR] [--baseline F] [--waivers F] [--fail-on warn] [--rule ID] [--list] [--repeat N]
 *   [--realtime] [--defect NAME]`
 * Runs the suites (vitest underneath) against one candidate and writes report.json, junit.xml, report.html, summary.md.
 * Exit: 0 conformant, 1 not conformant (or a regression against --baseline), 2 harness error.
 */
import type { parseArgs } from 'node:util';
import { chmodSync, existsSync, readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULES } from '../../../suites/rules.ts';
import { levelFor as levelOf } from '../../../reports/judge.ts';
import type { RunOptions } from '../../../suites/support/run-options.ts';
import { ConformanceReporter, writeReports, diffBaseline, baselineExitCode, renderBaselineMarkdown, evidenceText, mergeRepeatedReports, type ConformanceReport, type Waiver } from '../../../reports/index.ts';
import { renderTable } from '../table.ts';
import { parseCommand } from '../usage.ts';
import { checkBaseline, checkBuild, checkFrontDoor, checkRuleDefects, checkShard, checkWaivers } from '../run-checks.ts';
import { ownTempDir } from '../../lab/temp-dir.ts';
import { LEVEL_LEGEND, RUN_SPEC } from './run-spec.ts';
import { ProgressReporter } from '../progress-reporter.ts';
import { defaultBuildFor, type ProfileName } from '../../frontdoor/profile-topology.ts';
import { profileDefaultTopology, topologyDigest, writeResolvedTopology } from '../../topology/index.ts';
import { bundledSuiteFile, suiteBundle } from '../suite-bundle.ts';
import { LabError } from '../../errors.ts';
import { FAIL_ON, type FailOn, type Family } from '../../../reports/types.ts';
import { parseScope } from '../../frontdoor/scope.ts';
import { configTemplates } from '../../frontdoor/registry.ts';
import { parseIdentity } from '../../frontdoor/identity.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** Which suite file holds each area's rules (suites/, one file per area). */
const AREA_FILES: Record<string, string> = {
  AUTH: 'suites/auth.test.ts', TLS: 'suites/tls.test.ts', AUTOD: 'suites/autodiscover.test.ts', OA: 'suites/outlook-anywhere.test.ts',
  OWA: 'suites/owa.test.ts', EAS: 'suites/eas.test.ts', EWS: 'suites/ews.test.ts', OAB: 'suites/oab.test.ts', HC: 'suites/health.test.ts',
  MAIL: 'suites/mail.test.ts', COOK: 'suites/cookies.test.ts', VER: 'suites/versions.test.ts', SEC: 'suites/security.test.ts',
};
/** Rules that live outside their area's file: AUTH's identity rules have their own. */
const RULE_FILES: Record<string, string> = { 'AUTH-02': 'suites/identity.test.ts', 'AUTH-03': 'suites/identity.test.ts', 'AUTH-04': 'suites/identity.test.ts', 'AUTH-05': 'suites/identity.test.ts' };

/**
 * The suite file that defines a rule (undefined for an unknown ID). Exact: a --rule run of AUTH-02 once
 * also collected auth.test.ts, which cost a second suite worker about 2 s of CPU for no rule.
 */
export function suiteFileOf(id: string): string | undefined {
  return RULE_FILES[id] ?? AREA_FILES[id.split('-')[0]!];
}

/**
 * Options of `run` (also `merge` and `compare-run`): node:util parseArgs fields plus a one-line `help`
 * and the `value` name, printed by `run --help` (harness/cli/usage.ts). An option without help fails
 * harness/cli/cli.test.ts.
 */
export const runArgs = {
  'front-door': { type: 'string', value: 'NAME', help: 'the candidate: reference (default), nginx, haproxy, apache, caddy, dovecot, container, command:"CMD" (run in this folder) or url:https://HOST:PORT' },
  profile: { type: 'string', value: 'P', help: 'exchange2013 (default), exchange2010 or exchange2007: the Exchange the front door stands for' },
  build: { type: 'string', value: 'B', help: 'exchange2010/2007 only: the front door\'s build (default 2010-sp2-ru1 / 2007-sp3)' },
  hardened: { type: 'boolean', help: 'also judge the hardened add-on (SEC rules)' },
  topology: { type: 'string', value: 'NAME|FILE', help: 'built-in topology or your own JSON file, e.g. from `topology import` (any profile; default: the profile\'s contoso)' },
  out: { type: 'string', value: 'DIR', help: 'where report.json, junit.xml, report.html and summary.md go (default conformance-report)' },
  baseline: { type: 'string', value: 'FILE', help: 'an earlier report.json: exit 1 only for regressions against it' },
  waivers: { type: 'string', value: 'FILE', help: 'accepted failures until a date: {"waivers":[{"rule","reason","expires":"YYYY-MM-DD"}]}' },
  'fail-on': { type: 'string', value: 'GATE', help: 'fail (default): any R failure fails the run; warn: S failures (warnings) too; critical|major|minor: only R failures of that severity or worse' },
  scope: { type: 'string', value: 'http|mail|http,mail', help: 'what the candidate fronts (command/url candidates; narrows an adapter): rules of other families are n/a "out of scope"' },
  config: { type: 'string', multiple: true, value: 'FILE|PRODUCT=FILE', help: 'your own config template for nginx, haproxy, apache, caddy or dovecot ({{PLACEHOLDERS}}: see `frontdoor NAME --print-config`); PRODUCT=FILE for a composite such as nginx+dovecot' },
  name: { type: 'string', value: 'NAME', help: 'the candidate\'s name in the reports (default: the adapter\'s product, or the command\'s script)' },
  rule: { type: 'string', multiple: true, value: 'ID', help: 'run only this rule and print its evidence (repeatable)' },
  list: { type: 'boolean', help: 'list the rules with their level (R required, S recommended, I informational, - not judged) and exit' },
  repeat: { type: 'string', value: 'N', help: 'run every rule N times (1-50); rules whose outcomes differ are marked flaky' },
  realtime: { type: 'boolean', help: 'health rules at the topology\'s real probe interval (slow) instead of the fast one' },
  /** Multiply every client and case timeout (slow CI runners). */
  slow: { type: 'string', value: 'FACTOR', help: 'multiply every client and case timeout by FACTOR (1-20), for slow machines' },
  defect: { type: 'string', multiple: true, value: 'NAME', help: 'reference only: switch on a named defect (negative controls; repeatable)' },
  quiet: { type: 'boolean', help: 'no progress lines: only the totals and the verdict' },
  /** `i/N`: run one shard of the rules and write a vitest blob (merge with `cas-conformance merge`). */
  shard: { type: 'string', value: 'i/N', help: 'run shard i of N and write a vitest blob; join the shards with `merge`' },
  /** Test aid (negative controls): a JSON file { "RULE-ID": ["defect", …] } — each rule runs against its own defects. */
  'rule-defects': { type: 'string', value: 'FILE', help: 'test aid: {"RULE-ID":["defect",...]}, each rule against its own defects' },
  'keep-lab': { type: 'boolean', help: 'keep the labs\' temp folders (keys, state, candidate logs) after the run; the path is printed' },
} as const;

export interface RunRequest {
  frontDoor: string;
  profile: ProfileName;
  build?: string;
  hardened: boolean;
  topology?: string;
  outDir: string;
  waivers: Waiver[];
  failOn: FailOn;
  rules: string[];
  /** `--scope`: what a command/url candidate fronts, or an adapter narrowed. */
  scope?: Family[];
  /** `--config`: the user's config template per product (absolute paths). */
  config?: Record<string, string>;
  /** `--name`: the candidate's name in the reports. */
  name?: string;
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
  /** `--keep-lab`: leave the labs' temp folders in place (their path is printed). */
  keepLab?: boolean;
  /** `--baseline`, read and validated before the run. */
  baselineReport?: ConformanceReport;
}

function profileOf(v: string | undefined): ProfileName {
  const p = v ?? 'exchange2013';
  if (p !== 'exchange2013' && p !== 'exchange2010' && p !== 'exchange2007') throw new LabError(`--profile must be exchange2013, exchange2010 or exchange2007 (got "${p}")`);
  return p;
}

export function parseRunArgs(args: string[]): RunRequest & { list: boolean; baseline?: string } {
  const { values } = parseCommand(RUN_SPEC(), args, { positionals: false }) as unknown as ReturnType<typeof parseArgs<{ args: string[]; options: typeof runArgs }>>;
  const failOn = (values['fail-on'] ?? 'fail') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new LabError(`--fail-on must be ${FAIL_ON.join(', ')} (got "${failOn}")`);
  if (values.name !== undefined && !/^[\x21-\x7e][\x20-\x7e]{0,79}$/.test(values.name)) throw new LabError(`--name must be 1 to 80 printable ASCII characters (got ${JSON.stringify(values.name)})`);
  const repeat = Number(values.repeat ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) throw new LabError('--repeat must be an integer from 1 to 50');
  const slow = Number(values.slow ?? 1);
  if (!Number.isFinite(slow) || slow < 1 || slow > 20) throw new LabError(`--slow must be a number from 1 to 20 (got "${values.slow}")`);
  const ruleDefects = values['rule-defects'] ? checkRuleDefects(values['rule-defects']) : undefined;
  const rules = [...new Set([...(values.rule ?? []), ...Object.keys(ruleDefects ?? {})])];
  for (const id of rules) if (!RULES.some((r) => r.id === id)) throw new LabError(`--rule ${id}: no such rule in RULES.md`);
  return {
    frontDoor: values['front-door'] ?? 'reference',
    profile: profileOf(values.profile),
    ...(values.build ? { build: (checkBuild(profileOf(values.profile), values.build), values.build) } : {}),
    hardened: values.hardened ?? false,
    ...(values.topology ? { topology: values.topology } : {}),
    outDir: resolve(values.out ?? 'conformance-report'),
    waivers: values.waivers ? checkWaivers(values.waivers) : [],
    failOn,
    ...(values.scope ? { scope: parseScope(values.scope) } : {}),
    ...(values.config?.length ? { config: configTemplates(values['front-door'] ?? 'reference', values.config) } : {}),
    ...(values.name ? { name: values.name } : {}),
    rules,
    repeat,
    realtime: values.realtime ?? false,
    slow,
    defects: values.defect ?? [],
    quiet: values.quiet ?? false,
    ...(values.shard ? { shard: checkShard(values.shard) } : {}),
    keepLab: values['keep-lab'] ?? false,
    ...(ruleDefects ? { ruleDefects } : {}),
    list: values.list ?? false,
    // Read now, not after the run: a baseline that is not a report is bad input (exit 2 at once).
    ...(values.baseline ? { baseline: values.baseline, baselineReport: checkBaseline(values.baseline) } : {}),
  };
}

function listRules(r: RunRequest): void {
  console.log(renderTable(['rule', 'level', 'severity', 'scope', 'title'], RULES.map((m) => [m.id, levelOf(m, r.profile, r.hardened), m.severity ?? '', (m.scope ?? []).join('+'), m.title.length > 80 ? `${m.title.slice(0, 77)}...` : m.title])));
  const judged = RULES.filter((m) => levelOf(m, r.profile, r.hardened) !== '-').length;
  console.log(`\n${RULES.length} rules; ${judged} judged in ${r.profile}${r.hardened ? ' + hardened' : ''}`);
  console.log(LEVEL_LEGEND);
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
  // What the candidate fronts (its adapter's declaration, narrowed or declared by --scope): rules of other families are n/a.
  const scope = (await import('../../frontdoor/registry.ts')).candidateScope(r.frontDoor, r.scope);
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
    scope,
    ...(r.config ? { config: r.config } : {}),
  };
  process.env.CAS_RUN_OPTIONS = JSON.stringify(opts);
  let report: ConformanceReport | undefined;
  const reporter = new ConformanceReporter({
    profile: r.profile,
    hardened: r.hardened,
    failOn: r.failOn,
    waivers: r.waivers,
    build: r.profile === 'exchange2013' ? null : (r.build ?? defaultBuildFor(r.profile)),
    candidate: { name: r.name ?? r.frontDoor, version: null, launcher: r.frontDoor.split(':')[0]!, configDigest: null, options: { defects: r.defects, realtime: r.realtime }, scope },
    topology: { name: resolved.topology.name, digest: topologyDigest(resolved.topology) },
    outDir: null,
    onReport: (rep) => {
      report = rep;
    },
  });
  const filters = r.rules.length ? { testNamePattern: `(^| )(${r.rules.join("|")}) ` } : {};
  // Labs made by the suite workers go under one folder of this run, removed at the end even when a
  // worker died before its own exit hook ran (--keep-lab keeps it). command: candidates run from here.
  const labTmp = ownTempDir(mkdtempSync(join(tmpdir(), 'cas-run-')), r.keepLab ?? false);
  // Traversable, not listable: a candidate that drops to its own account (Dovecot's auth process) reaches
  // the folder its adapter made for it here; each lab's own folder (keys, state) stays 0700.
  chmodSync(labTmp.path, 0o711);
  process.env.CAS_LAB_TMP = labTmp.path;
  process.env.CAS_USER_CWD ??= process.cwd();
  if (r.keepLab) process.env.CAS_KEEP_LAB = '1';
  const progress = r.quiet ? [] : [new ProgressReporter({ total: r.shard || r.mergeFrom ? undefined : (r.rules.length || RULES.length), profile: r.profile, hardened: r.hardened, waivers: r.waivers, candidate: r.frontDoor })];
  if (!r.quiet && !r.mergeFrom) console.log(startLine(r));
  // The suites from their bundle when it can be built (harness/cli/suite-bundle.ts), else from the sources.
  const bundle = await suiteBundle();
  if (bundle) process.env.CAS_SUITE_BUNDLE = bundle;
  else delete process.env.CAS_SUITE_BUNDLE;
  // --rule: only the area files that hold the chosen rules are collected (collecting all of them costs seconds).
  const files = r.rules.length ? [...new Set(r.rules.flatMap((id) => suiteFileOf(id) ?? []))].map((f) => (bundle ? bundledSuiteFile(bundle, f) : f)) : [];
  const blobFile = r.shard ? join(r.outDir, 'blob', `blob-${r.shard.replace('/', '-')}.json`) : null;
  const vitest = await startVitest('test', files, {
    config: join(ROOT, 'suites/vitest.config.ts'),
    root: ROOT,
    watch: false,
    reporters: blobFile ? [['blob', { outputFile: blobFile }], ...progress] : [...progress, reporter],
    ...(r.shard ? { shard: r.shard } : {}),
    ...(r.mergeFrom ? { mergeReports: r.mergeFrom } : {}),
    ...filters,
  });
  try {
    await vitest?.close();
  } finally {
    labTmp.remove();
    if (r.keepLab) console.log(`lab folders kept in ${labTmp.path}`);
  }
  if (blobFile) throw new ShardWritten(blobFile);
  if (!report) throw new LabError('the suite run produced no report (vitest did not start)');
  const idFile = join(runDir, 'candidate.json');
  if (existsSync(idFile)) {
    const id = parseIdentity(JSON.parse(readFileSync(idFile, 'utf8')));
    // The scope the rules were judged with stays the report's (a handle may front less than declared: that shows as errors).
    report.candidate = { ...report.candidate, ...id, scope, ...(r.name ? { name: r.name } : {}) };
  }
  return report;
}

/** Thrown (and caught in runCommand) after a shard wrote its blob: there is no report to judge yet. */
class ShardWritten extends Error {
  constructor(readonly file: string) {
    super(`shard blob written: ${file}`);
  }
}

/** The first line of a run: something shows at once (issue 15: nothing appeared for 29 s). */
function startLine(r: RunRequest): string {
  const n = r.shard ? `shard ${r.shard} of the rules` : `${r.rules.length || RULES.length} rules`;
  return `cas-conformance: starting the lab and ${r.frontDoor}; ${n}, profile ${r.profile}${r.hardened ? ' + hardened' : ''}${r.repeat > 1 ? `, ${r.repeat} times` : ''}`;
}

export async function runCommand(args: string[]): Promise<number> {
  const r = parseRunArgs(args);
  if (r.list) {
    listRules(r);
    return 0;
  }
  await checkFrontDoor(r.frontDoor, r.profile, r.defects);
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
  if (r.baselineReport) {
    const diff = diffBaseline(report, r.baselineReport);
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
