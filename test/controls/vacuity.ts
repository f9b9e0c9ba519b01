/**
 * Vacuity guard (issue 10): under a candidate that does nothing useful, no rule may pass — a pass must
 * mean the behaviour was seen. Two candidates:
 * - ok200 (test/controls/candidates/ok200.mjs): 200 "ok" to every HTTP request, OK to every mail
 *   command and login, never a request to a mock CAS;
 * - close (test/controls/candidates/close.mjs): every connection closed as soon as it is accepted.
 * Rules whose expected outcome is itself a refusal could pass under them; none does today. Any that
 * should is listed in REFUSAL_RULES with the reason (and in docs/validity.md).
 * Run by both lanes (test/controls/lane-*.test.ts), each after its control batches: VACUITY_RUNS says which runs where.
 */
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlFile } from './plan.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Rules allowed to pass under a do-nothing candidate, with why (none today: a refusal needs an answer, and every refusal rule first requires a served user). */
const REFUSAL_RULES: Record<string, string> = {};

const CANDIDATES = {
  ok200: `command:node ${join(ROOT, 'test/controls/candidates/ok200.mjs')}`,
  close: `command:node ${join(ROOT, 'test/controls/candidates/close.mjs')}`,
} as const;

interface Outcome {
  id: string;
  outcome: string;
  reason?: string;
}

/** One CLI `run` of `frontDoor` in `profile` (its exit code, its report's rules, the end of its output); the hung guard (hung.ts) runs it too. */
export function fullRun(frontDoor: string, profile: string, extra: string[], timeoutMs = 600_000): Promise<{ code: number; rules: Outcome[]; output: string }> {
  const out = mkdtempSync(join(tmpdir(), 'cas-vacuity-'));
  return new Promise((done) => {
    execFile(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'run', '--quiet', '--profile', profile, '--front-door', frontDoor, '--out', out, ...extra], { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, CAS_RUN_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      let rules: Outcome[] = [];
      try {
        rules = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rules: Outcome[] }).rules;
      } catch {
        // no report: the assertion below shows the output
      }
      rmSync(out, { recursive: true, force: true });
      done({ code: err ? Number((err as { code?: number }).code ?? 2) : 0, rules, output: `${stdout}\n${stderr}`.slice(-4000) });
    });
  });
}

// The four runs go one after another. Side by side (tried: under a do-nothing candidate a run mostly
// waits, 39 s of wall for 15 s of CPU on a quiet machine) they took 116-129 s each instead of 25-61 s,
// and their eight suite workers slowed the other test worker's control runs: npm test went from 420 s
// to 533 s.
/**
 * The four runs and the lane (plan.ts CONTROL_FILES) that runs each: ok200 in every profile (in 2010/2007
 * it plays the front door itself: no front-door mock stands in); close in exchange2013 (a closed
 * connection is judged the same way in every profile). One of them runs in the first lane: with all four
 * the second lane ended 30-40 s after the first (134 s against 173 s in one `npm test`), and npm test
 * takes as long as its longer lane.
 */
export const VACUITY_RUNS: Record<ControlFile, readonly (readonly [keyof typeof CANDIDATES, 'exchange2013' | 'exchange2010' | 'exchange2007'])[]> = {
  'lane-1': [['ok200', 'exchange2007']],
  'lane-2': [['ok200', 'exchange2013'], ['close', 'exchange2013'], ['ok200', 'exchange2010']],
};

/** The guard's tests for `lane`'s runs (vitest `describe`), defined where it is called. */
export function vacuityGuard(lane: ControlFile): void {
  describe('vacuity: no pass under a do-nothing candidate', () => {
    for (const [name, profile] of VACUITY_RUNS[lane]) {
      const frontDoor = CANDIDATES[name];
      {
        test(`${name} (${profile} + hardened): no rule passes`, { timeout: 660_000 }, async () => {
          const r = await fullRun(frontDoor, profile, ['--hardened']);
          expect(r.rules.length, r.output).toBeGreaterThan(0);
          const passed = r.rules.filter((x) => x.outcome === 'pass' && !(x.id in REFUSAL_RULES)).map((x) => x.id);
          expect(passed, `rules that passed under ${name}:\n${r.output}`).toEqual([]);
          expect(r.code).not.toBe(0);
        });
      }
    }
  });
}
