/**
 * Golden renderings of one fixture report (reports/test/golden-fixture.ts): summary.md, report.html and
 * the evidence text, compared with the files in reports/render/golden/. A change of rendering shows as
 * a diff of those files (update them with `npx vitest run reports/render/golden.test.ts -u`, then read
 * the diff). The fixture is a valid report.
 */
import { describe, expect, test } from 'vitest';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { evidenceText } from './evidence-text.ts';
import { goldenReport } from '../test/golden-fixture.ts';
import { validateReport } from '../validate.ts';

const report = goldenReport();

describe('golden renderings', () => {
  test('the fixture is a valid report', () => {
    expect(validateReport(report)).toEqual([]);
  });

  test('summary.md', async () => {
    await expect(renderMarkdown(report)).toMatchFileSnapshot('golden/summary.md');
  });

  test('report.html', async () => {
    await expect(renderHtml(report)).toMatchFileSnapshot('golden/report.html');
  });

  test('evidence text (the CLI and JUnit)', async () => {
    await expect(report.rules.map((r) => evidenceText(r)).join('\n\n') + '\n').toMatchFileSnapshot('golden/evidence.txt');
  });

  test('what the goldens show: failures first, the legend, one line per event, preconditions, no repeated expectation', () => {
    const md = renderMarkdown(report);
    const html = renderHtml(report);
    const order = [...html.matchAll(/<tr class="rule" id="rule-([\w-]+)" data-outcome="([\w/]+)"/g)].map((m) => m[2]);
    expect(order).toEqual(['fail', 'fail', 'error', 'warn', 'waived', 'info', 'pass', 'pass', 'n/a']);
    expect(html).toContain('id="legend"');
    expect(html).toContain('<dt>R</dt><dd>required: a failure fails the run</dd>');
    expect(md).toMatch(/^Levels: \*\*R\*\* required/m);
    expect(html).toContain('never <code>451</code>: Orange');
    expect(html).toContain('<code class="ev">cas2010.site2 OPTIONS /Microsoft-Server-ActiveSync?User=orange&amp;DeviceId=ORANGE0001&amp;DeviceType=iPhone Host=cas2010.site2.contoso.lab SNI=cas2010.site2.contoso.lab https user=orange auth=Basic UA=Apple-iPhone/1002.329 -&gt; 451 (451 -&gt; https://mail-region.contoso.lab/Microsoft-Server-ActiveSync)</code>');
    expect(html).toContain('<details class="json"><summary>JSON</summary>');
    expect(html).toMatch(/What the verdict rests on \(2 of 2 preconditions met\)[\s\S]*212 probes/);
    expect(html).toContain('<span class="pre-mark">NOT met</span> the self-signed CAS listens');
    const expected = /<dt>Expected<\/dt><dd>([^<]*)<\/dd>/.exec(html.slice(html.indexOf('id="rule-EAS-03"')))![1]!;
    expect(expected.split('\n')).toEqual(['Orange proxied to cas2010.site2.contoso.lab, never 451', 'never 451 for Orange']);
    expect(md.indexOf('| EAS-03 |')).toBeLessThan(md.indexOf('| TLS-05 |'));
    expect(md.indexOf('| TLS-05 |')).toBeLessThan(md.indexOf('| OA-02 |'));
  });
});
