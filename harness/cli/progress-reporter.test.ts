/** The progress lines: outcome words as the report judges them, k/N with an estimate, the recap, colour rules. */
import { describe, expect, test } from 'vitest';
import type { TestCase } from 'vitest/node';
import { colourWanted, ProgressReporter } from './progress-reporter.ts';
import type { RuleMeta } from '../../reports/types.ts';

function meta(id: string, level: 'R' | 'S' = 'R'): RuleMeta {
  return { id, area: id.split('-')[0]!, title: `${id} title`, levels: { exchange2013: level, exchange2010: level, exchange2007: level }, source: { seed: '001', quote: 'q' } };
}

/** Just what the reporter reads of a vitest TestCase. */
function tc(m: RuleMeta | undefined, result: { state: string; note?: string; errors?: { message: string; code?: string; name?: string }[] }, ms = 1200): TestCase {
  return { id: `${m?.id ?? 'none'}-${Math.random()}`, meta: () => ({ rule: m }), result: () => result, diagnostic: () => ({ duration: ms }), options: { mode: 'run' }, parent: { type: 'module', errors: () => [] } } as unknown as TestCase;
}

describe('ProgressReporter', () => {
  test('[k/N] with the judged outcome word, elapsed and ETA; an error is ERR and a waived rule WAIVED, never FAIL', () => {
    const lines: string[] = [];
    let now = 0;
    const p = new ProgressReporter({
      total: 5, profile: 'exchange2013', hardened: false, candidate: 'nginx', colour: false, now: () => now, write: (t) => void lines.push(t),
      waivers: [{ rule: 'OWA-08', reason: 'vendor bug 42', expires: '2999-01-01' }],
    });
    p.onTestRunStart();
    now = 2000;
    p.onTestCaseResult(tc(meta('AUTH-01'), { state: 'passed' }));
    now = 4000;
    p.onTestCaseResult(tc(meta('EAS-03'), { state: 'failed', errors: [{ message: 'expected never 451\ngot 451' }] }));
    p.onTestCaseResult(tc(meta('TLS-05'), { state: 'failed', errors: [{ message: 'mock did not start', code: 'LAB_ERR', name: 'LabError' }] }));
    p.onTestCaseResult(tc(meta('OWA-08'), { state: 'failed', errors: [{ message: '404' }] }));
    p.onTestCaseResult(tc(meta('EAS-01'), { state: 'skipped', note: 'n/a: not in profile' }));
    p.onTestCaseResult(tc(meta('EAS-02'), { state: 'skipped' })); // not selected: no line
    p.onTestCaseResult(tc(undefined, { state: 'passed' })); // not a rule: no line
    p.onTestRunEnd();
    const text = lines.join('');
    expect(text).toMatch(/^\[1\/5\] ok     AUTH-01 AUTH-01 title  \(1\.2s; 2\.0s elapsed, ETA 8\.0s\)\n/);
    expect(text).toMatch(/\n\[2\/5\] FAIL   EAS-03 EAS-03 title  \(1\.2s; 4\.0s elapsed, ETA 6\.0s\)\n +expected never 451\n/);
    expect(text).toMatch(/\n\[3\/5\] ERR    TLS-05 /);
    expect(text).toMatch(/\n\[4\/5\] WAIVED OWA-08 /);
    expect(text).toMatch(/\n\[5\/5\] n\/a    EAS-01 EAS-01 title  \(1\.2s; 4\.0s elapsed\)\n/);
    expect(text).not.toContain('EAS-02');
    const recap = text.slice(text.indexOf('failures and errors'));
    expect(recap.split('\n').slice(0, 3)).toEqual(['failures and errors (2):', '  FAIL   EAS-03: expected never 451', expect.stringMatching(/^ {2}ERR {4}TLS-05: LAB_ERR/)]);
  });

  test('an S rule that fails is a warning; without a total the count stands alone', () => {
    const lines: string[] = [];
    const p = new ProgressReporter({ profile: 'exchange2013', hardened: false, candidate: 'x', colour: false, write: (t) => void lines.push(t) });
    p.onTestCaseResult(tc(meta('OA-02', 'S'), { state: 'failed', errors: [{ message: 'hop used Basic' }] }));
    expect(lines[0]).toMatch(/^\[1\] warn   OA-02 /);
  });

  test('colour only on a terminal and never with NO_COLOR', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    const lines: string[] = [];
    new ProgressReporter({ profile: 'exchange2013', hardened: false, candidate: 'x', colour: true, write: (t) => void lines.push(t) }).onTestCaseResult(tc(meta('AUTH-01'), { state: 'passed' }));
    expect(lines[0]).toContain('\u001b[32mok    \u001b[0m');
  });
});
