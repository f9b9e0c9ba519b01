/**
 * Negative controls: run chosen rules against a candidate that breaks them (a named defect of the
 * reference, a defect of the in-lab mock candidate, a fault, or a small broken candidate) through the
 * real CLI in a child process, and read the outcomes from report.json. A rule with no control is not done.
 *
 * The rows live per area in areas/; plan.ts packs rows of every area that share a profile (and build,
 * hardened, front door) into ONE CLI run: each rule gets its own row's defects (`run --rule-defects`), so
 * each runs in a world whose candidate carries exactly those defects.
 */
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plan, type ControlFile } from './plan.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ControlRow {
  /** What breaks the rules: `--defect` names (reference or in-lab mock), or another front door. */
  defects?: string[];
  frontDoor?: string;
  profile: 'exchange2013' | 'exchange2010' | 'exchange2007';
  build?: string;
  hardened?: boolean;
  /** Rules that must come out `fail` (R) or `warn` (S) under this control (`pass` when `expect` says so). */
  rules: string[];
  /** A positive control: the rules must pass (the same rules' negative row then shows the defect, not the rule, fails them). */
  expect?: 'pass';
  /** Why this control breaks these rules (shown in the test name and docs). */
  why: string;
}

/** One area's rows (areas/<area>.ts) and the page that explains them. */
export interface ControlArea {
  area: string;
  doc: string;
  rows: ControlRow[];
}

export interface ControlResult {
  exitCode: number;
  outcomes: Record<string, string>;
  /** Each judged rule's reason as the report gives it (a failed control shows it first). */
  reasons: Record<string, string>;
  output: string;
}

/**
 * Run several rules, each against its own defects, in one CLI run of one candidate configuration. The
 * runs of a file go one after another: two side by side nearly halved a file (npm test 6 m 18 s to
 * 5 m 22 s), but with the other test worker's runs beside them the HC control runs reached 2.2 s of
 * harness lag and were voided twice in a row (4 of 5 npm test runs failed). A run in which a rule was
 * voided by a measured overload (an `error` "harness overloaded" that carries no fail) said nothing
 * about that rule, so that rule runs once more, alone, and the second run's outcome stands (a loaded
 * npm test voided HC-08's control at 3 s of lag). Two voided runs in a row stay what they are, and the
 * control fails.
 */
export async function runControls(group: Omit<ControlRow, 'rules' | 'why' | 'defects'>, ruleDefects: Record<string, string[]>, timeoutMs = 240_000): Promise<ControlResult> {
  const first = await runControlsNow(group, ruleDefects, timeoutMs);
  const voided = Object.keys(ruleDefects).filter((id) => first.outcomes[id] === 'error' && (first.reasons[id] ?? '').startsWith('HARNESS_OVERLOADED'));
  if (!voided.length) return first;
  // Only the voided rules run again (the others' verdicts stand): with rows of every area packed into one
  // run, running the whole batch again cost 60-90 s. Said on the console: how often it happens is worth seeing.
  console.log(`control run again (${group.profile}${group.hardened ? ' + hardened' : ''}) for ${voided.join(', ')}: the first run voided ${voided.map((id) => `${id} (${first.reasons[id]!.slice(0, 160)})`).join('; ')}`);
  const again = await runControlsNow(group, Object.fromEntries(voided.map((id) => [id, ruleDefects[id]!])), timeoutMs);
  const pick = <T,>(a: Record<string, T>, b: Record<string, T>) => ({ ...a, ...Object.fromEntries(voided.filter((id) => id in b).map((id) => [id, b[id]!])) });
  return {
    exitCode: first.exitCode || again.exitCode,
    outcomes: pick(first.outcomes, again.outcomes),
    reasons: pick(first.reasons, again.reasons),
    output: `${first.output}\n(run again for ${voided.join(', ')}: the first run voided them by overload: ${voided.map((id) => first.reasons[id]!.slice(0, 200)).join(' | ')})\n${again.output}`,
  };
}

function runControlsNow(group: Omit<ControlRow, 'rules' | 'why' | 'defects'>, ruleDefects: Record<string, string[]>, timeoutMs = 240_000): Promise<ControlResult> {
  const out = mkdtempSync(join(tmpdir(), 'cas-control-'));
  const defectsFile = join(out, 'rule-defects.json');
  writeFileSync(defectsFile, JSON.stringify(ruleDefects));
  // --fail-on warn: a recommended rule's `warn` must make the run fail too, or a control of S rules could never show.
  const args = [join(ROOT, 'bin/cas-conformance.js'), 'run', '--quiet', '--fail-on', 'warn', '--profile', group.profile, '--out', out, '--rule-defects', defectsFile,
    ...(group.build ? ['--build', group.build] : []), ...(group.hardened ? ['--hardened'] : []), ...(group.frontDoor ? ['--front-door', group.frontDoor] : [])];
  return new Promise((resolvePromise) => {
    // One suite worker: each worker starts its own default world (lab + candidate), and npm test already
    // runs two control files side by side. (The health rules 8 at once instead of 4 made the largest batch
    // 61 -> 54 s alone, but beside the vacuity runs it voided HC-03 at 1089 ms of lag in 2 of 3 runs.)
    execFile(process.execPath, args, { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, CAS_RUN_OPTIONS: '', CAS_SUITE_WORKERS: '1' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 2) : 0;
      let outcomes: Record<string, string> = {};
      let reasons: Record<string, string> = {};
      try {
        const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rules: { id: string; outcome: string; reason?: string }[] };
        outcomes = Object.fromEntries(report.rules.map((r) => [r.id, overloadedFail(r) ? 'fail (voided: harness overloaded)' : r.outcome]));
        reasons = Object.fromEntries(report.rules.map((r) => [r.id, (r.reason ?? '').slice(0, 1500)]));
      } catch {
        // no report: the outcomes stay empty and the test shows the output
      }
      // The run's folder held its reports only: nothing of a control outlives the test.
      rmSync(out, { recursive: true, force: true });
      resolvePromise({ exitCode: typeof code === 'number' ? code : 2, outcomes, reasons, output: `${stdout}\n${stderr}` });
    });
  });
}

/**
 * An `error` "harness overloaded" whose would-be verdict is a fail: on a loaded runner the suite refuses
 * to judge timing-shaped failures (suites/support/rule.ts) and says what it would have said. For a
 * control that is still the defect caught (the outcome is not a pass, and the carried verdict is a
 * fail), so it counts; any other `error` does not.
 */
function overloadedFail(r: { outcome: string; reason?: string }): boolean {
  return r.outcome === 'error' && /^HARNESS_OVERLOADED: .*the verdict would have been: expected/s.test(r.reason ?? '');
}

/** One row alone (tools and ad-hoc checks). */
export function runControl(row: ControlRow, timeoutMs?: number): Promise<ControlResult> {
  return runControls(row, Object.fromEntries(row.rules.map((r) => [r, row.defects ?? []])), timeoutMs);
}

/** The batches of one test file (plan.ts), one vitest test per row: each listed rule must fail (or warn, for recommended rules), or pass for a positive row. */
export function controlFile(file: ControlFile): void {
  for (const batch of plan().filter((b) => b.file === file)) {
    let pending: Promise<ControlResult> | undefined;
    const ruleDefects = Object.fromEntries(batch.rows.flatMap((r) => r.rules.map((id) => [id, r.defects ?? []] as const)));
    const start = () => (pending ??= runControls(batch.rows[0]!, ruleDefects));
    describe(`controls, ${batch.name} (one CLI run)`, () => {
      for (const row of batch.rows) {
        const label = row.defects?.length ? `--defect ${row.defects.join(',')}` : row.frontDoor ? `--front-door ${row.frontDoor}` : 'no defect';
        const verb = row.expect === 'pass' ? 'pass' : 'fail';
        // 600 s: two runs of 240 s at most (a voided batch runs twice).
        test(`${row.area}: ${row.rules.join(', ')} ${verb} under ${label} (${row.profile}${row.hardened ? ' + hardened' : ''}): ${row.why}`, { timeout: 600_000 }, async () => {
          const r = await start();
          for (const id of row.rules) {
            const said = `${id} under ${label}: ${r.outcomes[id]}: ${r.reasons[id] ?? '(not in the report)'}\n${r.output.slice(-2000)}`;
            if (row.expect === 'pass') expect(r.outcomes[id], said).toBe('pass');
            else expect(['fail', 'warn', 'fail (voided: harness overloaded)'], said).toContain(r.outcomes[id]);
          }
          if (row.expect !== 'pass') expect(r.exitCode, r.output.slice(-2000)).not.toBe(0);
        });
      }
    });
  }
}
