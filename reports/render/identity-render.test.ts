/**
 * Issue 12 in the single-report renderers: severity beside the level, and the candidate's identity
 * (what it fronts, TLS library, modules, the exact config text, collapsed) in report.html and summary.md.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { rule, sampleReport } from '../test/fixtures.ts';
import { summarize } from '../outcome.ts';

const rules = [rule('AUTH-02', 'fail', { severity: 'critical', reason: 'served as Purple' }), rule('OWA-01', 'pass', { severity: 'major' })];
const report = sampleReport({
  candidate: {
    name: 'nginx', version: 'nginx/1.22.1', launcher: 'nginx', configDigest: 'e6fe11b3bdab5913', options: {}, scope: ['http', 'mail'], tlsLibrary: 'OpenSSL 3.0.15',
    modules: ['http_ssl_module', 'mail (dynamic)'], config: [{ name: 'nginx.conf', origin: 'template /tmp/my-nginx.conf', text: 'upstream a {\n  keepalive 2; # <changed>\n}\n' }],
  },
  rules,
  summary: summarize(rules, 'fail'),
});

describe('identity and severity in report.html and summary.md', () => {
  it('report.html: a severity column, the identity and the config text collapsed and escaped', () => {
    const html = renderHtml(report);
    expect(html).toContain('<th>Level</th><th>Severity</th><th>Outcome</th>');
    expect(html).toContain('<td>R</td>\n<td>critical</td>');
    expect(html).toContain('<dt>TLS library</dt><dd>OpenSSL 3.0.15</dd>');
    expect(html).toContain('<dt>Fronts</dt><dd>HTTP and mail (IMAP4/POP3)</dd>');
    expect(html).toContain('<details><summary>nginx.conf (template /tmp/my-nginx.conf, 4 lines)</summary><pre>upstream a {\n  keepalive 2; # &lt;changed&gt;\n}\n</pre></details>');
  });

  it('summary.md: severity beside the level, scope and TLS library in the header', () => {
    const md = renderMarkdown(report);
    expect(md).toContain('| AUTH-02 | R, critical | **fail** | served as Purple |');
    expect(md).toContain(' Fronts http and mail. TLS library `OpenSSL 3.0.15`.');
  });
});
