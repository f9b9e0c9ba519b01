import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';
import { rule, sampleReport } from '../test/fixtures.ts';
import { summarize } from '../outcome.ts';

describe('renderMarkdown', () => {
  it('leads with the verdict and counts', () => {
    const md = renderMarkdown(sampleReport());
    const [headline, , counts] = md.split('\n');
    expect(headline).toBe('## cas-conformance: nginx 1.26.2 - Not conformant (exchange2013)');
    expect(counts).toBe('1 pass, **1 fail**, 1 warn, **1 error**, 1 waived, 1 info, 1 n/a (of 7)  ');
    expect(md).toContain('Exit code 1, fail on `fail`; topology `contoso`');
  });

  it('tables the rules not passing with reasons, escaped for GitHub', () => {
    const report = sampleReport();
    report.rules[1]!.reason = 'got <b>451</b> | twice\nsecond line';
    const md = renderMarkdown(report);
    expect(md).toContain('### Rules not passing (4)');
    expect(md).toContain('| EAS-03 | R | **fail** | got &lt;b&gt;451&lt;/b&gt; \\| twice<br>second line |');
    expect(md).toContain('| TLS-05 | R | **error** | LAB_ERR: mock cas2007.site3 did not start |');
    expect(md).toContain('| OA-02 | S | warn | hop used Basic |');
    expect(md).not.toMatch(/\| AUTH-01 \| R \| pass \| \|/);
  });

  it('collapses the full list', () => {
    const md = renderMarkdown(sampleReport());
    const details = md.slice(md.indexOf('<details>'));
    expect(details).toContain('<summary>All 7 rules</summary>');
    expect(details).toContain('| AUTH-01 | R | pass | AUTH-01 rule text |');
    expect(details.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('says when everything passed', () => {
    const rules = [rule('AUTH-01', 'pass'), rule('HC-09', 'info', { level: 'I' })];
    const md = renderMarkdown(sampleReport({ rules, summary: summarize(rules, 'fail'), notes: [] }));
    expect(md.split('\n')[0]).toBe('## cas-conformance: nginx 1.26.2 - Conformant (exchange2013)');
    expect(md).toContain('Every judged rule passed.');
    expect(md).not.toContain('### Notes');
  });
});
