import { describe, expect, it } from 'vitest';
import { compareExitCode, compareReports, oneLine, renderCompareHtml, renderCompareMarkdown, scorecard } from './compare.ts';
import { rule, sampleReport } from './test/fixtures.ts';
import { summarize } from './outcome.ts';
import type { ConformanceReport, RuleResult } from './types.ts';

const OOS = 'out of scope: this candidate fronts HTTP only';

function report(name: string, rules: RuleResult[], extra: Partial<ConformanceReport['candidate']> = {}): ConformanceReport {
  return sampleReport({
    candidate: { name, version: null, launcher: name, configDigest: `d-${name}`, options: {}, ...extra },
    rules,
    summary: summarize(rules, 'fail'),
  });
}

const nginx = report('nginx', [
  rule('EAS-03', 'fail', { severity: 'major', reason: 'expected proxied to cas2010.site2\n  observed 451' }),
  rule('AUTH-02', 'fail', { severity: 'critical', reason: 'anonymous GET /owa/ served as Purple' }),
  rule('OA-01', 'pass', { severity: 'major' }),
  rule('HC-01', 'fail', { severity: 'fingerprint', reason: 'no HttpProxy.ClientAccessServer2010Ping probe' }),
  rule('MAIL-05', 'n/a', { severity: 'major', level: 'R', reason: OOS }),
  rule('EAS-01', 'n/a', { severity: 'major', level: '-', reason: 'not in profile exchange2013' }),
], { version: '1.22.1', scope: ['http'], tlsLibrary: 'OpenSSL 3.0.15' });
const haproxy = report('haproxy', [
  rule('OA-01', 'warn', { flaky: true, severity: 'major', reason: 'hop used Basic' }),
  rule('EAS-03', 'pass', { severity: 'major' }),
  rule('AUTH-02', 'pass', { severity: 'critical' }),
  rule('HC-01', 'fail', { severity: 'fingerprint', reason: 'no HttpProxy.ClientAccessServer2010Ping probe' }),
  rule('MAIL-05', 'pass', { severity: 'major' }),
  rule('EAS-01', 'n/a', { severity: 'major', level: '-', reason: 'not in profile exchange2013' }),
  rule('SEC-01', 'pass', { severity: 'critical' }),
], { scope: ['http', 'mail'] });

describe('compareReports', () => {
  const m = compareReports([nginx, haproxy], { reportHrefs: ['nginx/report.html', 'hap roxy/report.html'] });

  it('lists candidates with name, version, scope, TLS library, config digest and link', () => {
    expect(m.candidates.map((c) => [c.name, c.version, c.scope, c.tlsLibrary, c.configDigest, c.href])).toEqual([
      ['nginx', '1.22.1', ['http'], 'OpenSSL 3.0.15', 'd-nginx', 'nginx/report.html'],
      ['haproxy', null, ['http', 'mail'], null, 'd-haproxy', 'hap roxy/report.html'],
    ]);
  });

  it('scores each candidate: failures by severity, out of scope apart from other n/a', () => {
    expect(m.scorecards[0]).toEqual({
      failures: { critical: 1, major: 1, minor: 0, fingerprint: 1 }, pass: 1, warn: 0, error: 0, waived: 0, info: 0, outOfScope: 1, notApplicable: 1, total: 6, conformant: false,
    });
    expect(m.scorecards[1]!.failures).toEqual({ critical: 0, major: 0, minor: 0, fingerprint: 1 });
    expect(m.scorecards[1]!.warn).toBe(1);
  });

  it('groups rows by area in RULES.md order, worst severity first inside an area', () => {
    expect(m.groups.map((g) => g.area)).toEqual(['AUTH', 'OA', 'EAS', 'HC', 'MAIL', 'SEC']);
    expect(m.groups.find((g) => g.area === 'EAS')!.rows.map((r) => r.id)).toEqual(['EAS-03', 'EAS-01']);
    expect(m.rules.map((r) => r.id)).toEqual(['AUTH-02', 'OA-01', 'EAS-03', 'EAS-01', 'HC-01', 'MAIL-05', 'SEC-01']);
    expect(m.groups[0]!.label).toMatch(/never serving one user as another/);
  });

  it('gives every cell with a reason a one-line reason, and marks out-of-scope cells', () => {
    const eas = m.rules.find((r) => r.id === 'EAS-03')!;
    expect(eas.cells[0]).toEqual({ outcome: 'fail', level: 'R', reason: 'expected proxied to cas2010.site2\n  observed 451', short: 'expected proxied to cas2010.site2 / observed 451', href: 'nginx/report.html#rule-EAS-03' });
    expect(m.rules.find((r) => r.id === 'MAIL-05')!.cells[0]).toMatchObject({ outcome: 'n/a', outOfScope: true });
  });

  it('marks rows where every candidate ended the same way', () => {
    expect(m.rules.filter((r) => r.same).map((r) => r.id)).toEqual(['EAS-01', 'HC-01']);
  });

  it('marks a rule missing from a report as error "not judged", never blank', () => {
    expect(m.rules.find((r) => r.id === 'SEC-01')!.cells[0]).toEqual({ outcome: 'error', level: null, reason: 'not judged', short: 'not judged', href: null });
  });

  it('works without links, and with reports older than severities', () => {
    const old = report('old', [rule('EAS-03', 'fail', { reason: 'x' })]);
    const m2 = compareReports([old]);
    expect(m2.rules[0]!.cells[0]!.href).toBeNull();
    expect(m2.rules[0]!.severity).toBeNull();
    expect(m2.scorecards[0]!.failures.major).toBe(1);
    expect(m2.candidates[0]!.scope).toBeNull();
  });
});

describe('compareExitCode and helpers', () => {
  it('is 1 when any candidate is not conformant, else 2 on a harness error, else 0', () => {
    expect(compareExitCode([0, 0])).toBe(0);
    expect(compareExitCode([0, 1, 2])).toBe(1);
    expect(compareExitCode([0, 2])).toBe(2);
    expect(compareExitCode([])).toBe(2);
  });

  it('cuts a reason to one line', () => {
    expect(oneLine('a\n\n   b  c\n', 100)).toBe('a / b c');
    expect(oneLine('x'.repeat(200), 20)).toBe(`${'x'.repeat(17)}...`);
    expect(scorecard([{ outcome: 'n/a', reason: OOS }], true).outOfScope).toBe(1);
  });
});

describe('compare renderers', () => {
  const m = compareReports([nginx, haproxy], { reportHrefs: ['nginx/report.html', 'hap roxy/report.html'] });

  it('renders a self-contained HTML page: scorecard, legend, then the grouped matrix with reasons on the page', () => {
    const html = renderCompareHtml(m);
    expect(html.indexOf('<h2>Scorecard</h2>')).toBeLessThan(html.indexOf('<h2>Legend</h2>'));
    expect(html.indexOf('<h2>Legend</h2>')).toBeLessThan(html.indexOf('<table class="matrix">'));
    expect(html).toContain('<a href="nginx/report.html#rule-EAS-03"><span class="badge o-fail" title="expected proxied to cas2010.site2\n  observed 451">fail</span></a> <span class="small">R</span><span class="why">expected proxied to cas2010.site2 / observed 451</span>');
    expect(html).toContain('<span class="badge o-error" title="not judged">error</span><span class="why">not judged</span>');
    expect(html).toContain('<span class="badge o-na" title="out of scope: this candidate fronts HTTP only">out of scope</span>');
    expect(html).toContain('<span class="badge o-warn" title="hop used Basic">warn (flaky)</span>');
    expect(html).toContain('<tr class="area"><th colspan="5">AUTH: ');
    expect(html).toContain('<tr id="rule-HC-01" class="same">');
    expect(html).toContain('id="diff-only"');
    expect(html).toContain('#diff-only:checked ~ table.matrix tr.same{display:none}');
    expect(html).toMatch(/<tr class="totals"><td colspan="3">Totals \(7 rules\)<\/td><td>1 critical, 1 major, 1 fingerprint/);
    expect(html).toContain('<span class="verdict-bad">not conformant</span>');
    expect(html).toContain('OpenSSL 3.0.15');
    expect(html).not.toMatch(/<script|<link/);
  });

  it('renders Markdown for a CI summary: scorecard, legend, a table per area, totals', () => {
    const md = renderCompareMarkdown(m);
    expect(md).toContain('| [nginx 1.22.1](nginx/report.html) | **not conformant** | **1** | **1** | 0 | 1 | 0 | 0 | 1 | 1 | HTTP only | d-nginx |');
    expect(md).toContain('### EAS: Phones and tablets (ActiveSync)');
    expect(md).toContain('| EAS-03 | major | [**fail**](nginx/report.html#rule-EAS-03): expected proxied to cas2010.site2 / observed 451 | [pass](hap%20roxy/report.html#rule-EAS-03) |');
    expect(md).toContain('| MAIL-05 | major | [out of scope](nginx/report.html#rule-MAIL-05) | [pass](hap%20roxy/report.html#rule-MAIL-05) |');
    expect(md).toContain('| SEC-01 | critical | **error**: not judged | [pass](hap%20roxy/report.html#rule-SEC-01) |');
    expect(md).toMatch(/\*\*Totals\*\* \(7 rules\): nginx 1\.22\.1: 1 critical, 1 major, 1 fingerprint; 1 pass/);
    expect(md).not.toMatch(/\| *\|/);
  });

  it('leaves out the rows every candidate ended the same way when asked', () => {
    const md = renderCompareMarkdown(m, { differencesOnly: true });
    expect(md).not.toContain('| HC-01 |');
    expect(md).toContain('2 rules ended the same way for every candidate and are not shown.');
  });
});
