/**
 * The terminal view of a run (the conformance reporter writes the files): one line per rule as it
 * finishes, `[k/N] ok|FAIL|warn|ERR|WAIVED|info|n/a ID title` with its time, the time so far and an
 * estimate of what is left; then, before the totals, a recap of the failures and errors, one line
 * each with the reason. Outcomes are judged as the report judges them (reports/judge.ts), so an
 * `error` (the lab or the harness) and a waived rule never print FAIL. Colour only on a terminal,
 * and never when NO_COLOR is set (no-color.org).
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { judgeRuleRun, type RuleRun } from '../../reports/judge.ts';
import type { Outcome, ProfileName, RuleResult } from '../../reports/types.ts';
import type { Waiver } from '../../reports/waivers.ts';

export interface ProgressOptions {
  /** Rules expected in this run (for `k/N` and the estimate); unknown for a shard. */
  total?: number;
  profile: ProfileName;
  hardened: boolean;
  waivers?: readonly Waiver[];
  candidate: string;
  /** Where lines go (tests); default stdout. */
  write?: (text: string) => void;
  /** Colour the outcome words; default: stdout is a TTY and NO_COLOR is unset. */
  colour?: boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

/** The word printed for each outcome (5 columns). */
export const MARK: Record<Outcome, string> = { pass: 'ok', fail: 'FAIL', warn: 'warn', error: 'ERR', waived: 'WAIVED', info: 'info', 'n/a': 'n/a' };
const COLOUR: Record<Outcome, string> = { pass: '32', fail: '31;1', warn: '33', error: '35;1', waived: '36', info: '2', 'n/a': '2' };

/** Colour on when writing to a terminal and NO_COLOR is unset or empty. */
export function colourWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !env.NO_COLOR;
}

/** `1m05s`, `9.2s`. */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** The first line of a reason, cut to `max` characters. */
function firstLine(s: string | undefined, max = 160): string {
  const line = (s ?? '').split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

export class ProgressReporter implements Reporter {
  #n = 0;
  #started: number;
  #problems: RuleResult[] = [];
  #seen = new Set<string>();
  readonly #o: Required<Pick<ProgressOptions, 'write' | 'colour' | 'now'>> & ProgressOptions;

  constructor(o: ProgressOptions) {
    this.#o = {
      ...o,
      write: o.write ?? ((t) => void process.stdout.write(t)),
      colour: o.colour ?? colourWanted(),
      now: o.now ?? (() => Date.now()),
    };
    this.#started = this.#o.now();
  }

  onTestRunStart(): void {
    this.#started = this.#o.now();
  }

  onTestCaseResult(tc: TestCase): void {
    if (this.#seen.has(tc.id)) return;
    this.#seen.add(tc.id);
    const run = toRuleRun(tc);
    if (!run) return; // not selected (--rule), or not a rule
    const result = judgeRuleRun(run, { profile: this.#o.profile, hardened: this.#o.hardened, waivers: this.#o.waivers ?? [], candidate: this.#o.candidate, now: new Date() });
    this.#n++;
    if (['fail', 'error', 'warn', 'waived'].includes(result.outcome)) this.#problems.push(result);
    this.#o.write(this.line(result) + '\n');
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule> = []): void {
    // Tests that never reported (their suite's hook failed, the run was cut short) still get a line.
    for (const m of modules) for (const tc of m.children.allTests()) this.onTestCaseResult(tc);
    const shown = this.#problems.filter((r) => r.outcome === 'fail' || r.outcome === 'error' || r.outcome === 'warn');
    if (!shown.length) return;
    const order: Outcome[] = ['fail', 'error', 'warn'];
    shown.sort((a, b) => order.indexOf(a.outcome) - order.indexOf(b.outcome));
    this.#o.write(`\nfailures and errors (${shown.length}):\n`);
    for (const r of shown) this.#o.write(`  ${this.mark(r.outcome)} ${r.id}: ${firstLine(r.reason) || '(no reason recorded)'}\n`);
  }

  /** `[ 3/87] ok     EAS-03 title  (1.2s; 40.1s elapsed, ETA 9m12s)` */
  line(r: RuleResult): string {
    const total = this.#o.total && this.#o.total >= this.#n ? this.#o.total : undefined;
    const k = total ? `${String(this.#n).padStart(String(total).length)}/${total}` : String(this.#n);
    const elapsed = this.#o.now() - this.#started;
    const eta = total && this.#n < total ? `, ETA ${duration((elapsed / this.#n) * (total - this.#n))}` : '';
    const title = r.title.length > 80 ? `${r.title.slice(0, 77)}...` : r.title;
    const why = r.outcome === 'pass' || r.outcome === 'n/a' ? '' : firstLine(r.reason, 100);
    return `[${k}] ${this.mark(r.outcome)} ${r.id} ${title}  (${duration(r.durationMs)}; ${duration(elapsed)} elapsed${eta})${why ? `\n         ${why}` : ''}`;
  }

  mark(o: Outcome): string {
    const word = MARK[o].padEnd(6);
    return this.#o.colour ? `\u001b[${COLOUR[o]}m${word}\u001b[0m` : word;
  }
}

/** A finished TestCase as the report's judge sees it; null when it is no rule of this run. */
function toRuleRun(tc: TestCase): RuleRun | null {
  const meta = tc.meta();
  const result = tc.result();
  if (!meta.rule) return null;
  const base = { meta: meta.rule, evidence: meta.evidence, durationMs: tc.diagnostic()?.duration ?? 0 };
  if (result.state === 'skipped' && !result.note) {
    // vitest skips the tests of a suite whose hook failed: that is the rule's error (as in the report).
    const hook = tc.options?.mode === 'skip' || tc.options?.mode === 'todo' ? [] : hookErrors(tc);
    return hook.length ? { ...base, state: 'failed', errors: hook.map((e) => ({ name: e.name, code: e.code, message: e.message })) } : null;
  }
  if (result.state === 'skipped') return { ...base, state: 'skipped', errors: [], skipNote: result.note };
  if (result.state === 'pending') return { ...base, state: 'skipped', errors: [], skipNote: 'the test did not finish' };
  return { ...base, state: result.state, errors: (result.errors ?? []).map((e) => ({ name: e.name, code: e.code, message: e.message, cause: e.cause })) };
}

/** Errors of the nearest suite or module above the test that has any (a failed beforeAll). */
function hookErrors(tc: TestCase): { name?: string; code?: unknown; message: string }[] {
  let cur = tc.parent as { type?: string; errors?: () => readonly { name?: string; code?: unknown; message: string }[]; parent?: unknown } | undefined;
  for (let depth = 0; cur && depth < 100; depth++) {
    const errors = cur.errors?.() ?? [];
    if (errors.length) return [...errors];
    if (cur.type === 'module') return [];
    cur = cur.parent as typeof cur;
  }
  return [];
}
