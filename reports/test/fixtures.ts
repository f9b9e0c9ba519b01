/**
 * Hand-made reports for the tests of reports/ (no lab): one rule per outcome, evidence with the
 * characters that break careless renderers (`<script>`, `&`, quotes, `]]>`, a control byte).
 */
import { summarize } from '../outcome.ts';
import type { ConformanceReport, RuleResult } from '../types.ts';

export const HOSTILE = '<script>alert("x")</script> & \'quoted\' ]]> \u0007bell';

export function rule(id: string, outcome: RuleResult['outcome'], extra: Partial<RuleResult> = {}): RuleResult {
  const area = id.split('-')[0]!;
  return {
    id, area, title: `${id} rule text`, level: 'R', outcome,
    source: { seed: '001', quote: `quote for ${id}` },
    durationMs: 120,
    ...extra,
  };
}

export function sampleRules(): RuleResult[] {
  return [
    rule('AUTH-01', 'pass'),
    rule('EAS-03', 'fail', {
      reason: 'expected a proxied 200, got 451',
      source: { seed: '001', quote: 'Exchange 2013 no longer supports the 451 redirect response' },
      evidence: {
        expected: 'proxied to cas2010.site2 <no 451>',
        observed: `451 with X-MS-Location ${HOSTILE}`,
        client: [
          { dir: 'C', line: 'POST /Microsoft-Server-ActiveSync?Cmd=Sync&User=orange HTTP/1.1', at: 0 },
          { dir: 'S', line: 'HTTP/1.1 451 <redirect>', at: 12 },
          { dir: 'note', line: HOSTILE },
        ],
        journal: [{ kind: 'http', server: 'cas2010.site2.contoso.lab', path: '/Microsoft-Server-ActiveSync', status: 200, note: HOSTILE }],
        notes: ['device type "iPhone" is on the 451 list'],
      },
    }),
    rule('OA-02', 'warn', { level: 'S', reason: 'hop used Basic' }),
    rule('HC-09', 'info', { level: 'I' }),
    rule('EAS-01', 'n/a', { level: '-', reason: 'not in profile exchange2013' }),
    rule('OWA-08', 'waived', { reason: 'waived until 2027-01-31: vendor bug 42 (failure: 404 on /owa/14.2.247.5/)' }),
    rule('TLS-05', 'error', { reason: 'LAB_ERR: mock cas2007.site3 did not start' }),
  ];
}

export function sampleReport(overrides: Partial<ConformanceReport> = {}): ConformanceReport {
  const rules = overrides.rules ?? sampleRules();
  return {
    schemaVersion: 1,
    run: {
      id: 'run-0001', startedAt: '2026-03-01T10:00:00.000Z', finishedAt: '2026-03-01T10:02:00.000Z', durationMs: 120_000,
      tool: { name: 'cas-conformance', version: '0.1.0' }, node: '20.20.0', host: 'ci-runner',
    },
    candidate: { name: 'nginx', version: '1.26.2', launcher: 'nginx', configDigest: 'sha256:abc123', options: { workers: 2 } },
    profile: { name: 'exchange2013', hardened: false, build: null, failOn: 'fail' },
    topology: { name: 'contoso', digest: 'sha256:def456' },
    summary: summarize(rules, overrides.profile?.failOn ?? 'fail'),
    rules,
    notes: ['waiver for OWA-01 expired on 2025-01-31 and was not applied: old'],
    ...overrides,
  };
}
