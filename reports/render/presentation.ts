/**
 * What the single-report renderers (report.html, summary.md, the evidence text) share about reading
 * order and wording: failures first, the level legend, expected text without repeated lines.
 */
import type { Level, Outcome, RuleResult } from '../types.ts';

/** Reading order: what needs action first (fail, error, warn, waived), then the rest. */
export const READING_ORDER: readonly Outcome[] = ['fail', 'error', 'warn', 'waived', 'info', 'pass', 'n/a'];

/**
 * Rules in reading order; rules with the same outcome keep the report's order (stable sort).
 * @example
 * sortForReading(report.rules)[0].outcome // 'fail' when any rule failed
 */
export function sortForReading(rules: readonly RuleResult[]): RuleResult[] {
  return rules.map((r, i) => [r, i] as const).sort(([a, i], [b, j]) => READING_ORDER.indexOf(a.outcome) - READING_ORDER.indexOf(b.outcome) || i - j).map(([r]) => r);
}

/** What each level means (RULES.md "Levels"). */
export const LEVEL_MEANING: Record<Level, string> = {
  R: 'required: a failure fails the run',
  S: 'recommended: a failure is a warning (it fails the run with --fail-on warn)',
  I: 'informational: reported, never fails the run',
  '-': 'not judged in this profile (n/a)',
};

/** What each outcome means. */
export const OUTCOME_MEANING: Record<Outcome, string> = {
  pass: 'the behaviour was observed and is right',
  fail: 'the candidate did something the rule forbids, or prevented what the rule needs',
  warn: 'a recommended (S) rule failed',
  error: 'no verdict: the lab or the harness failed, not the candidate',
  waived: 'failed, but a waiver accepts it until its date',
  info: 'informational (I): recorded, not judged',
  'n/a': 'not judged here (profile, scope or option)',
};

/**
 * Text without lines that repeat an earlier one (a check's expectation is often also the rule's
 * last stated expectation: issue 15 saw "Expected" end with the same line twice).
 */
export function withoutRepeatedLines(text: string): string {
  const seen = new Set<string>();
  return text
    .split('\n')
    .filter((l) => {
      const k = l.trim();
      if (!k) return true;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .join('\n');
}
