/**
 * From one test's raw result to a RuleResult: pick the level for the profile, find a waiver, decide
 * the outcome. Pure (no vitest types) so the CLI and the tests can use it without a test run; the
 * vitest reporter maps a TestCase to a RuleRun and calls judgeRuleRun.
 */
import { decideOutcome, isHarnessError } from './outcome.ts';
import type { Evidence, Level, Outcome, ProfileName, RuleMeta, RuleResult } from './types.ts';
import { findWaiver, type Waiver } from './waivers.ts';

/** The error shape vitest serialises (name, message, own fields such as `code`, and a cause). */
export interface RunError {
  name?: string;
  code?: unknown;
  message: string;
  cause?: unknown;
}

/** What one test produced. */
export interface RuleRun {
  meta: RuleMeta;
  evidence?: Evidence;
  state: 'passed' | 'failed' | 'skipped';
  errors: readonly RunError[];
  skipNote?: string;
  durationMs: number;
  /** Retries used before the final state (vitest `retry`): a pass after retries is flaky. */
  retryCount?: number;
  /** Extra runs made (vitest `repeats`): repeatCount + 1 attempts in all. */
  repeatCount?: number;
}

export interface JudgeContext {
  profile: ProfileName;
  hardened: boolean;
  waivers: readonly Waiver[];
  candidate: string;
  now: Date;
}

/**
 * The level of a rule in a run: the hardened level when the run adds `hardened` and the rule has one,
 * otherwise the profile's column of RULES.md.
 * @example
 * levelFor(meta, 'exchange2010', false) // 'R'
 */
export function levelFor(meta: RuleMeta, profile: ProfileName, hardened: boolean): Level {
  if (hardened && meta.hardened) return meta.hardened;
  return meta.levels[profile];
}

/**
 * Judge one test run of a rule.
 * @example
 * judgeRuleRun({ meta, state: 'failed', errors: [{ message: 'got 451' }], durationMs: 12 }, ctx).outcome // 'fail'
 */
export function judgeRuleRun(run: RuleRun, ctx: JudgeContext): RuleResult {
  const { meta } = run;
  const level = levelFor(meta, ctx.profile, ctx.hardened);
  const { active } = findWaiver(ctx.waivers, meta.id, ctx.candidate, ctx.now);
  const first = run.errors[0];
  const decision = decideOutcome({
    level,
    testState: run.state,
    error: first ? describeError(first, run.errors.length) : undefined,
    skipNote: run.skipNote,
    waiver: active ?? null,
    now: ctx.now,
  });
  let reason = decision.reason;
  if (decision.outcome === 'n/a' && level === '-' && !run.skipNote) {
    reason = meta.hardened && !ctx.hardened ? 'hardened rule: applies only with the hardened profile add-on' : `not in profile ${ctx.profile}`;
  }
  if ((decision.outcome === 'fail' || decision.outcome === 'warn') && !active) {
    const { expired } = findWaiver(ctx.waivers, meta.id, ctx.candidate, ctx.now);
    if (expired) reason = `${reason} (waiver expired on ${expired.expires})`;
  }
  const result: RuleResult = {
    id: meta.id, area: meta.area, title: meta.title, level, outcome: decision.outcome,
    source: { seed: meta.source.seed, quote: meta.source.quote },
    durationMs: Math.max(0, run.durationMs),
  };
  if (meta.severity) result.severity = meta.severity;
  if (meta.scope?.length) result.scope = [...meta.scope];
  if (reason !== undefined) result.reason = reason;
  if (run.evidence) result.evidence = run.evidence;
  const attempts = innerAttempts(run, decision.outcome, level);
  if (attempts) {
    result.attempts = attempts;
    result.flaky = new Set(attempts.map((a) => a.outcome)).size > 1;
  }
  return result;
}

/** The first error; a harness code found in its cause chain makes the whole error a harness error. */
function describeError(err: RunError, count: number): { name?: string; code?: string; message: string } {
  const message = messageOf(err, count);
  let cur: unknown = err;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const e = cur as RunError;
    const code = typeof e.code === 'string' ? e.code : undefined;
    if (isHarnessError({ name: e.name, code })) {
      return { name: e.name, code, message: depth === 0 ? message : `${message} (caused by ${e.name ?? 'error'}: ${e.message})` };
    }
    cur = e.cause;
  }
  return { name: err.name, code: typeof err.code === 'string' ? err.code : undefined, message };
}

function messageOf(err: RunError, count: number): string {
  // Assertion messages may carry ANSI colours; reports are plain text.
  const msg = String(err.message ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim() || err.name || 'error';
  return count > 1 ? `${msg} (and ${count - 1} more error${count > 2 ? 's' : ''})` : msg;
}

/**
 * Attempts inside one test case. vitest keeps one result per test: with `retry`, a pass after
 * retries means the earlier tries failed; with `repeats`, a failure sticks and each failing repeat
 * adds its error, so the number of failed repeats is the number of errors (their order is unknown).
 */
function innerAttempts(run: RuleRun, outcome: Outcome, level: Level): RuleResult['attempts'] | undefined {
  const retries = run.retryCount ?? 0;
  const repeats = run.repeatCount ?? 0;
  if (run.state === 'skipped' || repeats + (run.state === 'passed' ? retries : 0) === 0) return undefined;
  const failed: Outcome = outcome === 'pass' || outcome === 'info' ? (level === 'S' ? 'warn' : level === 'I' ? 'info' : 'fail') : outcome;
  const passed: Outcome = level === 'I' ? 'info' : 'pass';
  const total = repeats + 1 + (run.state === 'passed' ? retries : 0);
  const failures = run.state === 'passed' ? retries : Math.min(Math.max(run.errors.length, 1), total);
  const each = run.durationMs / total;
  // Failed tries first: a retry's pass comes last (for repeats the order is not known).
  return Array.from({ length: total }, (_, i) => ({ outcome: i < failures ? failed : passed, durationMs: each }));
}
