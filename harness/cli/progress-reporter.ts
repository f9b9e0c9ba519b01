/** One terminal line per rule as it finishes (the conformance reporter writes the files). */
import type { Reporter, TestCase } from 'vitest/node';

const MARK: Record<string, string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'n/a ', pending: '... ' };

export class ProgressReporter implements Reporter {
  #n = 0;
  onTestCaseResult(tc: TestCase): void {
    const r = tc.result();
    // A test skipped without a note was not selected (--rule): not a rule of this run.
    if (r.state === 'skipped' && !r.note) return;
    this.#n++;
    const note = r.state === 'skipped' ? (r.note ?? '') : r.state === 'failed' ? (r.errors?.[0]?.message ?? '').split('\n')[0]!.slice(0, 100) : '';
    process.stdout.write(`${String(this.#n).padStart(3)} ${MARK[r.state] ?? r.state} ${tc.name}${note ? `  — ${note}` : ''}\n`);
  }
}
