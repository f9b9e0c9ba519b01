/**
 * --repeat N: several results for one rule become one RuleResult with attempts[], marked flaky when
 * the attempts did not all end the same way. The rule's outcome is the worst attempt's (a rule that
 * fails one time in three does not conform), with that attempt's reason and evidence.
 */
import { summarize } from './outcome.ts';
import type { ConformanceReport, Outcome, RuleResult } from './types.ts';

/** Worst first; fail beats error as in summarize(). */
const SEVERITY: readonly Outcome[] = ['fail', 'warn', 'error', 'waived', 'info', 'pass', 'n/a'];

/**
 * Merge results that share a rule ID, keeping the order in which IDs first appear. Results that are
 * alone and carry no attempts are returned unchanged.
 * @example
 * mergeAttempts([{ ...r, outcome: 'pass' }, { ...r, outcome: 'fail' }])[0] // { outcome: 'fail', flaky: true, attempts: [...] }
 */
export function mergeAttempts(results: readonly RuleResult[]): RuleResult[] {
  const groups = new Map<string, RuleResult[]>();
  for (const r of results) groups.set(r.id, [...(groups.get(r.id) ?? []), r]);
  return [...groups.values()].map((group) => {
    if (group.length === 1) return group[0]!;
    const attempts = group.flatMap((r) => r.attempts ?? [{ outcome: r.outcome, durationMs: r.durationMs }]);
    const worst = [...group].sort((a, b) => SEVERITY.indexOf(a.outcome) - SEVERITY.indexOf(b.outcome))[0]!;
    const merged: RuleResult = { ...worst, durationMs: group.reduce((t, r) => t + r.durationMs, 0), attempts };
    merged.flaky = new Set(attempts.map((a) => a.outcome)).size > 1;
    return merged;
  });
}

/**
 * Merge the reports of N runs of the same candidate and profile (a CLI that runs the suite N times
 * collects each report through the reporter's onReport and merges them here).
 * @example
 * const merged = mergeRepeatedReports([run1, run2, run3]);
 */
export function mergeRepeatedReports(reports: readonly ConformanceReport[]): ConformanceReport {
  const first = reports[0];
  if (!first) throw new RangeError('mergeRepeatedReports needs at least one report');
  const rules = mergeAttempts(reports.flatMap((r) => r.rules));
  // A run that ended in exit code 2 with no rule in error had errors outside any test: keep them.
  const runErrors = reports.filter((r) => r.summary.exitCode === 2 && r.summary.error === 0).length;
  const startedAt = reports.map((r) => r.run.startedAt).sort()[0]!;
  const finishedAt = reports.map((r) => r.run.finishedAt).sort().at(-1)!;
  const notes = [...new Set(reports.flatMap((r) => r.notes ?? []))];
  const merged: ConformanceReport = {
    ...first,
    run: { ...first.run, startedAt, finishedAt, durationMs: reports.reduce((t, r) => t + r.run.durationMs, 0) },
    summary: summarize(rules, first.profile.failOn, { runErrors }),
    rules,
  };
  if (notes.length) merged.notes = notes;
  return merged;
}
