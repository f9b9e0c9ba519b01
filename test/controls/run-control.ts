/**
 * Negative controls: run chosen rules against a candidate that breaks them (a named defect of the
 * reference, a defect of the in-lab mock candidate, a fault, or a small broken candidate) through the
 * real CLI in a child process, and read the outcomes from report.json. A rule with no control is not done.
 */
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface ControlRow {
  /** What breaks the rules: `--defect` names (reference or in-lab mock), or another front door. */
  defects?: string[];
  frontDoor?: string;
  profile: 'exchange2013' | 'exchange2010' | 'exchange2007';
  build?: string;
  hardened?: boolean;
  /** Rules that must come out `fail` (R) or `warn` (S) under this control. */
  rules: string[];
  /** Why this control breaks these rules (shown in the test name and docs). */
  why: string;
}

export interface ControlResult {
  exitCode: number;
  outcomes: Record<string, string>;
  output: string;
}

export function runControl(row: ControlRow, timeoutMs = 120_000): Promise<ControlResult> {
  const out = mkdtempSync(join(tmpdir(), 'cas-control-'));
  const args = [join(ROOT, 'bin/cas-conformance.js'), 'run', '--quiet', '--profile', row.profile, '--out', out,
    ...(row.build ? ['--build', row.build] : []), ...(row.hardened ? ['--hardened'] : []), ...(row.frontDoor ? ['--front-door', row.frontDoor] : []),
    ...row.rules.flatMap((r) => ['--rule', r]), ...(row.defects ?? []).flatMap((d) => ['--defect', d])];
  return new Promise((resolvePromise) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, CAS_RUN_OPTIONS: '' } }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: number }).code ?? 2) : 0;
      let outcomes: Record<string, string> = {};
      try {
        const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rules: { id: string; outcome: string }[] };
        outcomes = Object.fromEntries(report.rules.map((r) => [r.id, r.outcome]));
      } catch {
        // no report: the outcomes stay empty and the test shows the output
      }
      resolvePromise({ exitCode: typeof code === 'number' ? code : 2, outcomes, output: `${stdout}\n${stderr}` });
    });
  });
}

/** One vitest test per control row: every listed rule must fail (or warn, for recommended rules). */
export function negativeControls(area: string, rows: ControlRow[]): void {
  describe(`negative controls: ${area}`, () => {
    for (const row of rows) {
      const label = row.defects?.length ? `--defect ${row.defects.join(',')}` : `--front-door ${row.frontDoor}`;
      test(`${row.rules.join(', ')} fail under ${label} (${row.profile}): ${row.why}`, { timeout: 180_000 }, async () => {
        const r = await runControl(row);
        for (const id of row.rules) {
          expect(['fail', 'warn'], `${id} under ${label}\n${r.output.slice(-3000)}`).toContain(r.outcomes[id]);
        }
        expect(r.exitCode, r.output.slice(-2000)).not.toBe(0);
      });
    }
  });
}
