/**
 * Judging: how a vitest test state becomes a rule outcome, and how outcomes become a verdict and an
 * exit code. ARCHITECTURE "Suites and outcomes": a broken lab is an `error`, never a pass or a fail
 * (cache-tests separates setup_fail and harness_fail from fail).
 */
import { SEVERITIES, type FailOn, type Level, type Outcome, type RuleResult } from './types.ts';

/** Error codes of the harness (harness/errors.ts): a test failing with one of these could not judge. */
export const HARNESS_ERROR_CODES: ReadonlySet<string> = new Set([
  'LAB_ERR', 'TOPOLOGY_ERR', 'PKI_ERR', 'MOCK_START_ERR', 'CONTROL_API_ERR', 'FRONTDOOR_LAUNCH_ERR', 'CANDIDATE_ERR',
  'HARNESS_OVERLOADED', 'RULE_CANCELLED', 'CANDIDATE_EXITED', 'RULE_NO_PRECONDITION', 'PRECONDITION_LAB',
]);

/** A waiver already found to match the rule and candidate (see waivers.ts findWaiver). */
export interface AppliedWaiver {
  reason: string;
  /** Last day the waiver holds, `YYYY-MM-DD`, inclusive (UTC). */
  expires: string;
}

export interface DecideInput {
  /** The rule's level in the run's profile. */
  level: Level;
  testState: 'passed' | 'failed' | 'skipped';
  /** The first error of a failed test. */
  error?: { name?: string; code?: string; message: string };
  /** `ctx.skip(note)`; a note starting `n/a:` marks the rule not applicable. */
  skipNote?: string;
  waiver?: AppliedWaiver | null;
  /** The run's clock, to check the waiver's expiry; defaults to now. */
  now?: Date;
}

export interface Decision {
  outcome: Outcome;
  reason?: string;
}

/**
 * Decide one rule's outcome.
 * - level '-': n/a (the rule is not in this profile), whatever the test did;
 * - skipped with a note `n/a: why`: n/a; skipped otherwise: error (the rule was not judged);
 * - passed: pass (I: info);
 * - failed with a harness error (code in HARNESS_ERROR_CODES or name ending HarnessError): error;
 * - failed otherwise: R fail, S warn, I info; an R/S failure with an unexpired waiver: waived.
 * @example
 * decideOutcome({ level: 'S', testState: 'failed', error: { message: 'expected NTLM, got Basic' } })
 * // { outcome: 'warn', reason: 'expected NTLM, got Basic' }
 */
export function decideOutcome(input: DecideInput): Decision {
  const { level, testState } = input;
  const note = input.skipNote?.trim();
  if (level === '-') return { outcome: 'n/a', reason: naReason(note) ?? 'not in this profile' };
  if (testState === 'skipped') {
    const na = naReason(note);
    if (na !== undefined) return { outcome: 'n/a', reason: na || 'not applicable' };
    return { outcome: 'error', reason: `skipped, so not judged: ${note || 'no reason given'}` };
  }
  if (testState === 'passed') return { outcome: level === 'I' ? 'info' : 'pass' };
  const err = input.error ?? { message: 'the test failed without an error' };
  if (isHarnessError(err)) return { outcome: 'error', reason: `${err.code ?? err.name}: ${err.message}` };
  if (level === 'I') return { outcome: 'info', reason: err.message };
  const waiver = input.waiver;
  if (waiver && !waiverExpired(waiver.expires, input.now ?? new Date())) {
    return { outcome: 'waived', reason: `waived until ${waiver.expires}: ${waiver.reason} (${level === 'R' ? 'failure' : 'warning'}: ${err.message})` };
  }
  return { outcome: level === 'R' ? 'fail' : 'warn', reason: err.message };
}

/** True when the error says the harness, not the candidate, broke. */
export function isHarnessError(err: { name?: string; code?: string }): boolean {
  return (err.code !== undefined && HARNESS_ERROR_CODES.has(err.code)) || (err.name?.endsWith('HarnessError') ?? false);
}

/** A waiver holds through its expiry day (UTC) and stops at the next midnight. */
export function waiverExpired(expires: string, now: Date): boolean {
  const end = Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
  return !(now.getTime() < end);
}

function naReason(note: string | undefined): string | undefined {
  if (!note || !/^n\/a(?::|\s|$)/i.test(note)) return undefined;
  return note.replace(/^n\/a:?\s*/i, '');
}

export type Summary = Record<Outcome, number> & { total: number; conformant: boolean; exitCode: 0 | 1 | 2 };

/**
 * Whether one judged rule fails the run under `failOn` (`--fail-on`):
 * - `fail` (default): any `fail`; `warn`: any `fail` or `warn`;
 * - `critical` / `major` / `minor`: a `fail` whose rule is of that severity or worse (a `warn` never
 *   gates them: it is a recommended rule). A rule without a severity (a report written before
 *   severities existed) counts as `major`.
 * @example
 * gates({ outcome: 'fail', severity: 'fingerprint' }, 'minor') // false
 */
export function gates(r: Pick<RuleResult, 'outcome' | 'severity'>, failOn: FailOn): boolean {
  if (r.outcome === 'warn') return failOn === 'warn';
  if (r.outcome !== 'fail') return false;
  if (failOn === 'fail' || failOn === 'warn') return true;
  return SEVERITIES.indexOf(r.severity ?? 'major') <= SEVERITIES.indexOf(failOn);
}

/**
 * Count outcomes and give the verdict. Exit codes (ARCHITECTURE: 0 conformant, 1 not conformant,
 * 2 harness error), in this order of precedence:
 * - 1 when any rule gates the run under `failOn` (see gates()): a failure found is a finding even if
 *   other rules could not be judged, so fail beats error;
 * - 2 when any rule is `error`, when `runErrors` > 0 (errors outside any test), or when no rule was
 *   judged at all (an empty run proves nothing);
 * - 0 otherwise. `conformant` is exitCode === 0.
 * @example
 * summarize(report.rules, 'fail').exitCode // 0 | 1 | 2
 */
export function summarize(rules: readonly Pick<RuleResult, 'outcome' | 'severity'>[], failOn: FailOn, opts: { runErrors?: number } = {}): Summary {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, warn: 0, 'n/a': 0, info: 0, waived: 0, error: 0 };
  for (const r of rules) counts[r.outcome]++;
  const failing = rules.some((r) => gates(r, failOn));
  const broken = counts.error > 0 || (opts.runErrors ?? 0) > 0 || rules.length === 0;
  const exitCode = failing ? 1 : broken ? 2 : 0;
  return { ...counts, total: rules.length, conformant: exitCode === 0, exitCode };
}
