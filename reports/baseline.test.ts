import { describe, expect, it } from 'vitest';
import { baselineExitCode, diffBaseline, renderBaselineMarkdown } from './baseline.ts';
import { rule, sampleReport } from './test/fixtures.ts';

const baseline = sampleReport({
  rules: [rule('EAS-03', 'pass'), rule('OA-01', 'fail'), rule('HC-01', 'n/a'), rule('TLS-01', 'warn'), rule('OWA-01', 'pass'), rule('MAIL-01', 'pass'), rule('AUTH-01', 'fail')],
});
const current = sampleReport({
  rules: [
    rule('EAS-03', 'fail', { reason: 'now 451' }), rule('OA-01', 'pass'), rule('HC-01', 'error', { reason: 'LAB_ERR: x' }),
    rule('TLS-01', 'error'), rule('OWA-01', 'info'), rule('AUTH-01', 'fail'), rule('SEC-01', 'fail'),
  ],
});

describe('diffBaseline', () => {
  const diff = diffBaseline(current, baseline);

  it('finds regressions (good -> bad) and fixes (bad -> good)', () => {
    expect(diff.regressions.map((c) => [c.id, c.before, c.after])).toEqual([['EAS-03', 'pass', 'fail'], ['HC-01', 'n/a', 'error']]);
    expect(diff.regressions[0]!.reason).toBe('now 451');
    expect(diff.fixes.map((c) => [c.id, c.before, c.after])).toEqual([['OA-01', 'fail', 'pass']]);
  });

  it('keeps unchanged, changed-within-class, added and removed apart', () => {
    expect(diff.unchanged.map((c) => c.id)).toEqual(['AUTH-01']);
    expect(diff.changed.map((c) => [c.id, c.before, c.after])).toEqual([['TLS-01', 'warn', 'error'], ['OWA-01', 'pass', 'info']]);
    expect(diff.added.map((c) => [c.id, c.before, c.after])).toEqual([['SEC-01', null, 'fail']]);
    expect(diff.removed.map((c) => [c.id, c.before, c.after])).toEqual([['MAIL-01', 'pass', null]]);
  });

  it('exits 1 only on regressions', () => {
    expect(baselineExitCode(diff)).toBe(1);
    expect(baselineExitCode(diffBaseline(baseline, baseline))).toBe(0);
    // A new failing rule and an old failure still failing are not regressions.
    const onlyNew = diffBaseline(sampleReport({ rules: [rule('AUTH-01', 'fail'), rule('SEC-01', 'fail')] }), sampleReport({ rules: [rule('AUTH-01', 'fail')] }));
    expect(baselineExitCode(onlyNew)).toBe(0);
  });

  it('renders the diff in Markdown', () => {
    const md = renderBaselineMarkdown(diff);
    expect(md.split('\n')[0]).toBe('## cas-conformance baseline: 2 regressions');
    expect(md).toContain('### Regressions (2)');
    expect(md).toContain('| EAS-03 | pass | fail | now 451 |');
    expect(md).toContain('### Fixes (1)');
    expect(md).toContain('<details><summary>Added (1)</summary>');
    expect(md).toContain('| SEC-01 | (new) | fail |  |');
    expect(md).toContain('| MAIL-01 | pass | (gone) |  |');
    expect(renderBaselineMarkdown(diffBaseline(baseline, baseline)).split('\n')[0]).toBe('## cas-conformance baseline: no regressions');
  });
});
