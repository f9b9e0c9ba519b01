import { describe, expect, it } from 'vitest';
import { compareReports, renderCompareHtml, renderCompareMarkdown } from './compare.ts';
import { rule, sampleReport } from './test/fixtures.ts';

const nginx = sampleReport({ rules: [rule('EAS-03', 'fail', { reason: 'got 451' }), rule('OA-01', 'pass'), rule('HC-01', 'pass')] });
const haproxy = sampleReport({
  candidate: { name: 'haproxy', version: null, launcher: 'haproxy', configDigest: 'sha256:999', options: {} },
  rules: [rule('OA-01', 'warn', { flaky: true }), rule('EAS-03', 'pass'), rule('SEC-01', 'pass')],
});

describe('compareReports', () => {
  const m = compareReports([nginx, haproxy], { reportHrefs: ['nginx/report.html', 'hap roxy/report.html'] });

  it('lists candidates with name, version, config digest and link', () => {
    expect(m.candidates.map((c) => [c.name, c.version, c.configDigest, c.href])).toEqual([
      ['nginx', '1.26.2', 'sha256:abc123', 'nginx/report.html'],
      ['haproxy', null, 'sha256:999', 'hap roxy/report.html'],
    ]);
  });

  it('lays rules x candidates in first-seen order, each cell linking to the rule in that report', () => {
    expect(m.rules.map((r) => r.id)).toEqual(['EAS-03', 'OA-01', 'HC-01', 'SEC-01']);
    expect(m.rules[0]!.cells).toEqual([
      { outcome: 'fail', level: 'R', reason: 'got 451', href: 'nginx/report.html#rule-EAS-03' },
      { outcome: 'pass', level: 'R', href: 'hap roxy/report.html#rule-EAS-03' },
    ]);
    expect(m.rules[1]!.cells[1]).toMatchObject({ outcome: 'warn', flaky: true });
  });

  it('marks a rule missing from a report as error "not judged", never blank', () => {
    expect(m.rules[2]!.cells[1]).toEqual({ outcome: 'error', level: null, reason: 'not judged', href: null });
    expect(m.rules[3]!.cells[0]).toEqual({ outcome: 'error', level: null, reason: 'not judged', href: null });
  });

  it('works without links', () => {
    expect(compareReports([nginx]).rules[0]!.cells[0]!.href).toBeNull();
  });
});

describe('compare renderers', () => {
  const m = compareReports([nginx, haproxy], { reportHrefs: ['nginx/report.html', 'hap roxy/report.html'] });

  it('renders a self-contained HTML matrix', () => {
    const html = renderCompareHtml(m);
    expect(html).toContain('<a href="nginx/report.html#rule-EAS-03"><span class="badge o-fail" title="got 451">fail</span></a>');
    expect(html).toContain('<span class="badge o-error" title="not judged">error</span> <span class="small">not judged</span>');
    expect(html).toContain('config sha256:999');
    expect(html).toContain('<span class="badge o-warn" title="warn">warn (flaky)</span>');
    expect(html).not.toMatch(/<script|<link/);
  });

  it('renders a Markdown matrix with links and no blank cell', () => {
    const md = renderCompareMarkdown(m);
    expect(md).toContain('| [nginx 1.26.2](nginx/report.html) | exchange2013 | sha256:abc123 | 1 |');
    expect(md).toContain('| Rule | nginx 1.26.2 | haproxy |');
    expect(md).toContain('| EAS-03 | [**fail**](nginx/report.html#rule-EAS-03) | [pass](hap%20roxy/report.html#rule-EAS-03) |');
    expect(md).toContain('| HC-01 | [pass](nginx/report.html#rule-HC-01) | **error** (not judged) |');
    expect(md).not.toMatch(/\| *\|/);
  });
});
