import { describe, expect, it } from 'vitest';
import { evidenceLine, findingsFile, keptBlocks, renderFindings } from './findings.ts';
import { rule, sampleReport } from './test/fixtures.ts';
import { summarize } from './outcome.ts';
import type { ConformanceReport, RuleResult } from './types.ts';

/** A fixed report (no clock, no host): the page rendered from it must never change by itself. */
function fixture(): ConformanceReport {
  const rules: RuleResult[] = [
    rule('AUTH-02', 'fail', {
      severity: 'critical', scope: ['http'], reason: 'expected every request served as its own user or refused\n  observed anonymous GET /owa/ served as purple',
      evidence: { expected: 'refused', observed: 'anonymous GET /owa/ -> 200 (user=purple)', client: [], journal: [], preconditions: [{ what: 'Purple signed in through the front door', met: true, detail: '200' }] },
    }),
    rule('HC-03', 'fail', {
      severity: 'major', scope: ['http'], reason: 'precondition: EWS of cas2010a failed over',
      evidence: { expected: '', observed: '', client: [], journal: [], preconditions: [{ what: 'EWS of cas2010a failed over to cas2010b', met: false, detail: 'Blue still on cas2010a after 3 probe rounds' }] },
    }),
    rule('HC-01', 'fail', { severity: 'fingerprint', scope: ['http'], reason: 'no probe with User-Agent HttpProxy.ClientAccessServer2010Ping', evidence: { expected: '', observed: '', client: [{ dir: 'S', line: 'HTTP/1.1 200 OK' }], journal: [{ kind: 'http', server: 'cas2010.site1.contoso.lab', userAgent: 'HAProxy-Exchange-Check' }] } }),
    rule('OA-02', 'warn', { severity: 'minor', level: 'S', reason: 'hop used Basic | not NTLM' }),
    rule('OWA-01', 'pass', { severity: 'major' }),
    rule('TLS-05', 'error', { severity: 'major', reason: 'LAB_ERR: mock cas2007.site3 did not start' }),
    rule('MAIL-05', 'n/a', { severity: 'major', scope: ['mail'], reason: 'out of scope: this candidate fronts HTTP only' }),
    rule('EAS-01', 'n/a', { severity: 'major', level: '-', reason: 'not in profile exchange2013' }),
  ];
  return sampleReport({
    candidate: {
      name: 'caddy', version: 'Caddy 2.6.2', launcher: 'caddy', configDigest: '0123456789abcdef', options: {},
      scope: ['http'], tlsLibrary: 'Go crypto/tls (go1.19.8)', modules: [],
      config: [{ name: 'Caddyfile', origin: 'generated', text: 'https://mail.contoso.lab:8443 {\n\treverse_proxy `x`\n}\n' }],
    },
    rules,
    summary: summarize(rules, 'fail'),
  });
}

describe('renderFindings', () => {
  it('renders a fixture report to the same page every time', async () => {
    const page = renderFindings(fixture());
    expect(renderFindings(fixture())).toBe(page);
    await expect(page).toMatchFileSnapshot('./test/findings.expected.md');
  });

  it('orders failing rules by severity, with reason, evidence line and source', () => {
    const page = renderFindings(fixture());
    expect(page.indexOf('### AUTH-02 (critical')).toBeLessThan(page.indexOf('### HC-03 (major'));
    expect(page.indexOf('### HC-03 (major')).toBeLessThan(page.indexOf('### HC-01 (fingerprint'));
    expect(page).toContain('- Evidence: `precondition not met: EWS of cas2010a failed over to cas2010b (Blue still on cas2010a after 3 probe rounds)`');
    expect(page).toContain('| Launcher | caddy |');
    expect(page).toContain('Out of scope (1, out of scope: this candidate fronts HTTP only): MAIL-05.');
    expect(page).toContain('| not conformant | 1 | 1 | 0 | 1 | 1 | 1 | 1 | 1 | 1 | 0 |');
  });

  it('keeps every hand-written block, in order, and rewrites the rest', () => {
    const old = [
      '# Caddy as a front door', '', 'stale outcome: 15 pass', '',
      '<!-- findings:identity -->', '## Identity notes', 'Caddy answers with its own Server header.', '<!-- /findings:identity -->', '',
      'more stale text', '<!-- notes -->', '## Why the health rules fail', 'Caddy probes with GET.', '<!-- /notes -->', '',
    ].join('\n');
    const page = renderFindings(fixture(), old);
    expect(page).not.toContain('stale');
    expect(page).toContain('<!-- findings:identity -->\n## Identity notes\nCaddy answers with its own Server header.\n<!-- /findings:identity -->');
    expect(page.indexOf('<!-- findings:identity -->')).toBeLessThan(page.indexOf('<!-- notes -->'));
    expect(keptBlocks(page)).toEqual(keptBlocks(old));
    expect(renderFindings(fixture(), page)).toBe(page);
  });

  it('leaves an empty notes block on a new page, and names pages after the candidate', () => {
    expect(renderFindings(fixture())).toContain('<!-- notes -->\n<!-- /notes -->');
    expect(findingsFile({ ...fixture(), candidate: { ...fixture().candidate, name: 'nginx+dovecot' } })).toBe('nginx+dovecot.md');
  });

  it('finds the evidence line: unmet precondition, observed, journal, client', () => {
    const [auth, hc3, hc1] = fixture().rules;
    expect(evidenceLine(auth!)).toBe('observed: anonymous GET /owa/ -> 200 (user=purple)');
    expect(evidenceLine(hc3!)).toMatch(/^precondition not met: /);
    expect(evidenceLine(hc1!)).toBe('journal: {"kind":"http","server":"cas2010.site1.contoso.lab","userAgent":"HAProxy-Exchange-Check"}');
    expect(evidenceLine(rule('X-1', 'fail'))).toBeNull();
  });
});
