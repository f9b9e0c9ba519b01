/**
 * The vitest 4 reporter that turns a conformance run into report.json and its renderings. It reads,
 * per test: `meta().rule` (RuleMeta) and `meta().evidence` (Evidence), `result()` (state, errors,
 * skip note) and `diagnostic()` (duration, retries, repeats). Only the hooks it needs (STYLE: a
 * reporter implements what it uses).
 *
 * Contract with the suites:
 * - every rule test carries `meta.rule` (test option `{ meta: { rule } }`, or `task.meta.rule = ...`);
 * - a rule that does not apply is skipped at run time with `ctx.skip('n/a: why')` (or its level is '-');
 * - a test skipped without a note (`.skip`, filtered out by `--rule`, `.only` elsewhere) was not
 *   selected and is left out of the report, unless its suite failed in a hook: then the rule gets the
 *   hook's error (a broken lab is an `error` outcome, never a silent pass);
 * - several tests with one rule ID (--repeat N) become one result with attempts[].
 */
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';
import { buildReport } from './build-report.ts';
import { ReportError } from './errors.ts';
import { judgeRuleRun, type RuleRun, type RunError } from './judge.ts';
import { normaliseEvidence, ruleMetaProblem } from './rule-meta.ts';
import { FAIL_ON, PROFILES, type ConformanceReport, type FailOn, type Evidence, type ProfileName, type RuleMeta, type RuleResult } from './types.ts';
import { waiverNotes, type Waiver } from './waivers.ts';
import { writeReports, type WrittenReports } from './write-reports.ts';

declare module '@vitest/runner' {
  interface TaskMeta {
    /** The rule this test judges (reports/types.ts). */
    rule?: RuleMeta;
    /** What the test saw, set before or at its check. */
    evidence?: Evidence;
  }
}

export interface ConformanceReporterOptions {
  profile: ProfileName;
  hardened?: boolean;
  /** 'warn': a failed recommended rule fails the run too (--fail-on). Default 'fail'. */
  failOn?: FailOn;
  waivers?: readonly Waiver[];
  candidate: ConformanceReport['candidate'];
  topology: ConformanceReport['topology'];
  /** Front-door build (exchange2007 profile). */
  build?: string | null;
  /** Where report.json, junit.xml, report.html and summary.md go; null or absent: write nothing. */
  outDir?: string | null;
  /** Called with each finished report (and the files written, if any). */
  onReport?(report: ConformanceReport, files: WrittenReports | null): void | Promise<void>;
  /** Run ID; default a random UUID. */
  runId?: string;
  /** Host name recorded in the report; default os.hostname(), null to leave it out. */
  host?: string | null;
  /** Clock, for tests. */
  clock?: () => Date;
}

/**
 * @example
 * await startVitest('test', [], { watch: false, reporters: [new ConformanceReporter({
 *   profile: 'exchange2013', candidate, topology, outDir: 'out' })] });
 */
export class ConformanceReporter implements Reporter {
  /** The last report built (after onTestRunEnd). */
  report: ConformanceReport | undefined;
  private readonly opts: ConformanceReporterOptions;
  private readonly clock: () => Date;
  private cases = new Map<string, TestCase>();
  private startedAt: Date;

  constructor(opts: ConformanceReporterOptions) {
    if (!opts || typeof opts !== 'object') throw new ReportError('ConformanceReporter options are required');
    if (!PROFILES.includes(opts.profile)) throw new ReportError(`ConformanceReporter options.profile must be one of ${PROFILES.join(', ')}`);
    if (opts.failOn !== undefined && !FAIL_ON.includes(opts.failOn)) throw new ReportError(`ConformanceReporter options.failOn must be one of ${FAIL_ON.join(', ')}`);
    if (!opts.candidate?.name) throw new ReportError('ConformanceReporter options.candidate.name is required');
    if (!opts.topology?.name) throw new ReportError('ConformanceReporter options.topology.name is required');
    this.opts = opts;
    this.clock = opts.clock ?? (() => new Date());
    this.startedAt = this.clock();
  }

  onTestRunStart(): void {
    this.cases = new Map();
    this.startedAt = this.clock();
  }

  onTestCaseResult(testCase: TestCase): void {
    this.cases.set(testCase.id, testCase);
  }

  async onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): Promise<void> {
    // Tests that never reported (a module cut short) are still looked at, so none goes missing.
    for (const m of testModules) for (const tc of m.children.allTests()) if (!this.cases.has(tc.id)) this.cases.set(tc.id, tc);
    const now = this.clock();
    const notes: string[] = [];
    let runErrors = 0;
    const results: RuleResult[] = [];
    const blamed = new Set<TestSuite | TestModule>();
    const ctx = {
      profile: this.opts.profile,
      hardened: this.opts.hardened ?? false,
      waivers: this.opts.waivers ?? [],
      candidate: this.opts.candidate.name,
      now,
    };
    for (const tc of this.cases.values()) {
      const run = toRuleRun(tc, blamed);
      if (run === 'unselected') continue;
      if (run === 'no-meta') {
        notes.push(`test "${tc.fullName}" carries no rule metadata (meta.rule): not judged`);
        if (tc.result().state === 'failed') runErrors++;
        continue;
      }
      if (typeof run === 'object' && 'problem' in run) {
        // A suite bug: the rule cannot be judged, and the run cannot claim conformance.
        notes.push(`test "${tc.fullName}": ${run.problem}: not judged`);
        runErrors++;
        continue;
      }
      results.push(judgeRuleRun(run, ctx));
    }
    for (const m of testModules) {
      for (const holder of [m, ...m.children.allSuites()]) {
        if (blamed.has(holder)) continue;
        for (const err of holder.errors()) {
          runErrors++;
          notes.push(`${holder.type === 'module' ? `module ${sourceOf(m.relativeModuleId)}` : `suite "${holder.fullName}"`}: ${errorLine(err)}`);
        }
      }
    }
    for (const err of unhandledErrors) {
      runErrors++;
      notes.push(`unhandled error: ${errorLine(err)}`);
    }
    if (reason === 'interrupted') {
      runErrors++;
      notes.push('the run was interrupted before every rule was judged');
    }
    notes.push(...waiverNotes(ctx.waivers, results, ctx.candidate, now));
    const report = buildReport({
      profile: ctx.profile, hardened: ctx.hardened, failOn: this.opts.failOn ?? 'fail', build: this.opts.build,
      candidate: this.opts.candidate, topology: this.opts.topology, rules: results,
      startedAt: this.startedAt, finishedAt: now, runId: this.opts.runId, host: this.opts.host, notes, runErrors,
    });
    this.report = report;
    const files = this.opts.outDir ? writeReports(report, this.opts.outDir) : null;
    await this.opts.onReport?.(report, files);
  }
}

/** One TestCase as a RuleRun, or why it is not one. */
function toRuleRun(tc: TestCase, blamed: Set<TestSuite | TestModule>): RuleRun | 'unselected' | 'no-meta' | { problem: string } {
  const meta = tc.meta();
  const result = tc.result();
  const diag = tc.diagnostic();
  if (!meta.rule) return result.state === 'skipped' && !result.note ? 'unselected' : 'no-meta';
  const problem = ruleMetaProblem(meta.rule);
  if (problem) return { problem };
  const base = { meta: meta.rule, evidence: normaliseEvidence(meta.evidence), durationMs: diag?.duration ?? 0 };
  if (result.state === 'pending') {
    return { ...base, state: 'skipped', errors: [], skipNote: 'the test did not finish (run cut short)' };
  }
  if (result.state === 'skipped') {
    if (result.note) return { ...base, state: 'skipped', errors: [], skipNote: result.note };
    // vitest skips the tests of a suite whose beforeAll failed: the rule gets that error. Tests
    // that were never selected (options.mode is fixed at collection) are not blamed for a hook.
    const hook = tc.options.mode === 'skip' || tc.options.mode === 'todo' ? undefined : hookErrors(tc);
    if (!hook) return 'unselected';
    blamed.add(hook.holder);
    // A failed hook is the harness's (a world that would not start, a setup file): never the candidate's fail.
    return { ...base, state: 'failed', errors: hook.errors.map((e) => ({ ...toRunError(e), code: typeof e.code === 'string' && e.code ? e.code : 'LAB_ERR', name: 'HookHarnessError' })) };
  }
  return {
    ...base,
    state: result.state,
    errors: (result.errors ?? []).map(toRunError),
    retryCount: diag?.retryCount ?? 0,
    repeatCount: diag?.repeatCount ?? 0,
  } satisfies RuleRun;
}

/** The nearest suite or module above the test that recorded errors (a failed hook). */
function hookErrors(tc: TestCase): { holder: TestSuite | TestModule; errors: SerializedError[] } | undefined {
  let cur: TestSuite | TestModule = tc.parent;
  for (let depth = 0; depth < 100; depth++) {
    const errors = cur.errors();
    if (errors.length) return { holder: cur, errors };
    if (cur.type === 'module') return undefined;
    cur = cur.parent;
  }
  return undefined;
}

function toRunError(e: SerializedError): RunError {
  return { name: e.name, code: e.code, message: e.message, cause: e.cause };
}

function errorLine(e: SerializedError): string {
  const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
  return `${e.name ?? 'Error'}${code}: ${e.message}`;
}

/** A suite file as its source: a bundled run (harness/cli/suite-bundle.ts) collects .cache/bundles/suites-<hash>/health.test.mjs for suites/health.test.ts. */
export function sourceOf(moduleId: string): string {
  const m = /(?:^|\/)\.cache\/bundles\/suites-[0-9a-f]+\/([^/]+)\.mjs$/.exec(moduleId);
  return m ? `suites/${m[1]}.ts` : moduleId;
}
