/**
 * --baseline: what changed since a previous report of the same candidate (regression suite).
 * Outcomes split into good (pass, info, waived, n/a) and bad (fail, warn, error). A rule that was good
 * and is now bad is a regression, the only thing that fails the comparison; bad to good is a fix.
 * Rules present in only one report are added or removed and never fail it (a new rule that fails is
 * a finding of the current report itself, judged by its own exit code).
 */
import type { ConformanceReport, Outcome, RuleResult } from './types.ts';
import { cell } from './render/markdown.ts';

const GOOD: ReadonlySet<Outcome> = new Set(['pass', 'info', 'waived', 'n/a']);

export interface BaselineChange {
  id: string;
  area: string;
  title: string;
  /** null for an added rule. */
  before: Outcome | null;
  /** null for a removed rule. */
  after: Outcome | null;
  /** The current reason (why it now fails, or why it was n/a...). */
  reason?: string;
}

export interface BaselineDiff {
  /** good -> bad. */
  regressions: BaselineChange[];
  /** bad -> good. */
  fixes: BaselineChange[];
  /** Same outcome in both. */
  unchanged: BaselineChange[];
  /** Outcome changed within good or within bad (pass -> info, fail -> error...): shown, not judged. */
  changed: BaselineChange[];
  /** Only in the current report. */
  added: BaselineChange[];
  /** Only in the baseline. */
  removed: BaselineChange[];
  current: ReportIdentity;
  baseline: ReportIdentity;
}

export interface ReportIdentity {
  runId: string;
  startedAt: string;
  candidate: string;
  configDigest: string | null;
  profile: string;
}

/**
 * Compare the current report with a baseline.
 * @example
 * const diff = diffBaseline(report, readReport('baseline/report.json'));
 * process.exitCode = baselineExitCode(diff);
 */
export function diffBaseline(current: ConformanceReport, baseline: ConformanceReport): BaselineDiff {
  const diff: BaselineDiff = {
    regressions: [], fixes: [], unchanged: [], changed: [], added: [], removed: [],
    current: identity(current), baseline: identity(baseline),
  };
  const before = new Map(baseline.rules.map((r) => [r.id, r]));
  const now = new Set(current.rules.map((r) => r.id));
  for (const r of current.rules) {
    const old = before.get(r.id);
    if (!old) {
      diff.added.push(change(r, undefined, r));
      continue;
    }
    const c = change(r, old.outcome, r);
    if (old.outcome === r.outcome) diff.unchanged.push(c);
    else if (GOOD.has(old.outcome) && !GOOD.has(r.outcome)) diff.regressions.push(c);
    else if (!GOOD.has(old.outcome) && GOOD.has(r.outcome)) diff.fixes.push(c);
    else diff.changed.push(c);
  }
  for (const r of baseline.rules) if (!now.has(r.id)) diff.removed.push(change(r, r.outcome, undefined));
  return diff;
}

/** 1 when anything regressed, else 0. */
export function baselineExitCode(diff: BaselineDiff): 0 | 1 {
  return diff.regressions.length > 0 ? 1 : 0;
}

/**
 * The diff as Markdown (for a CI summary).
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, renderBaselineMarkdown(diff));
 */
export function renderBaselineMarkdown(diff: BaselineDiff): string {
  const n = diff.regressions.length;
  const lines = [
    `## cas-conformance baseline: ${n ? `${n} regression${n === 1 ? '' : 's'}` : 'no regressions'}`,
    '',
    `Current run \`${diff.current.runId}\` (${cell(diff.current.candidate, 80)}, ${diff.current.profile}, ${diff.current.startedAt}) ` +
      `against baseline \`${diff.baseline.runId}\` (${cell(diff.baseline.candidate, 80)}, ${diff.baseline.profile}, ${diff.baseline.startedAt}).`,
    '',
    `${n} regressed, ${diff.fixes.length} fixed, ${diff.changed.length} changed, ${diff.unchanged.length} unchanged, ${diff.added.length} added, ${diff.removed.length} removed.`,
    '',
  ];
  const table = (title: string, rows: BaselineChange[], open: boolean) => {
    if (!rows.length) return;
    const body = ['| Rule | Before | After | Reason |', '|---|---|---|---|', ...rows.map((c) => `| ${c.id} | ${c.before ?? '(new)'} | ${c.after ?? '(gone)'} | ${cell(c.reason ?? '', 300)} |`)];
    if (open) lines.push(`### ${title} (${rows.length})`, '', ...body, '');
    else lines.push(`<details><summary>${title} (${rows.length})</summary>`, '', ...body, '', '</details>', '');
  };
  table('Regressions', diff.regressions, true);
  table('Fixes', diff.fixes, true);
  table('Changed', diff.changed, false);
  table('Added', diff.added, false);
  table('Removed', diff.removed, false);
  table('Unchanged', diff.unchanged, false);
  return lines.join('\n');
}

function change(r: RuleResult, before: Outcome | undefined, now: RuleResult | undefined): BaselineChange {
  const c: BaselineChange = { id: r.id, area: r.area, title: r.title, before: before ?? null, after: now?.outcome ?? null };
  if (now?.reason !== undefined) c.reason = now.reason;
  return c;
}

function identity(r: ConformanceReport): ReportIdentity {
  return {
    runId: r.run.id,
    startedAt: r.run.startedAt,
    candidate: `${r.candidate.name}${r.candidate.version ? ` ${r.candidate.version}` : ''}`,
    configDigest: r.candidate.configDigest,
    profile: `${r.profile.name}${r.profile.hardened ? '+hardened' : ''}`,
  };
}
