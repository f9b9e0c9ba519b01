/**
 * The load section (load.html) and the load row of the comparison, from a load.json-shaped result:
 * self-contained (no script, no external asset, inline SVG histograms), the figures where a reader looks.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from '../harness/load/types.ts';
import { renderLoadHtml } from './load-html.ts';
import { addLoadRows, loadErrorRow, loadRowOf, renderLoadRowsMarkdown } from './load-row.ts';

const count = { ops: 10, ok: 9, refused: 1, errors: 0, misroutes: 0, crossUser: 0, unconfirmed: 0 };
const row = (kind: 'ews-getfolder' | 'owa-signin', added: number) => ({
  kind, n: 10, baselineN: 4, p50: 8, p95: 20, p99: 30, baselineP50: 5, baselineP95: 9, baselineP99: 10, pairs: 4, addedP50: 3, addedP95: 11, addedP99: added,
  buckets: [1, 2, 5, 10, 20, 50, -1], counts: [0, 0, 2, 5, 2, 1, 0], baselineCounts: [0, 1, 2, 1, 0, 0, 0],
});

function sampleResult(over: Partial<LoadResult> = {}): LoadResult {
  return {
    version: 1, tool: 'cas-conformance 0.1.0', startedAt: '2026-12-05T00:00:00.000Z',
    candidate: { name: 'nginx <1.24>', version: '1.24', launcher: 'nginx', configDigest: 'abc', defects: [] },
    topology: { name: 'contoso', digest: 'd' },
    plan: { users: 4, seconds: 5, rate: 4, failover: true, scope: ['http', 'mail'] },
    users: [{ sim: 'u01', user: 'Red', roles: ['Red'], address: '127.0.250.1' }],
    throughput: { ops: 20, opsPerSecond: 4, requests: 40, requestsPerSecond: 8, mailSessions: 4, baselineOps: 8, peakInFlight: 4 },
    correctness: {
      perProtocol: { owa: count, eas: count, ews: { ...count, crossUser: 2 }, autodiscover: count, imap: count, pop3: count },
      misroutes: 0, crossUser: 2, refusals: 6, errors: 0, unconfirmed: 0,
      examples: { misroutes: [], crossUser: [{ sim: 'u02', user: 'purple', kind: 'ews-getfolder', at: 1200, text: 'the answer carried <red>\'s data' }], refusals: [], errors: [], unconfirmed: [] },
    },
    strayEvents: 0,
    harnessLag: { p50: 10, p99: 20, max: 30 },
    failover: {
      exercised: true, server: 'cas2010a.site3.contoso.lab', pool: ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab'], users: ['u03 (blue)'],
      failAt: 1500, refuseAt: 2250, recoverAt: 3000,
      outage: [{ protocol: 'ews', ops: 3, failed: 1, outageMs: 700, returnMs: null, resolutionMs: 500 }, { protocol: 'eas', ops: 3, failed: 1, outageMs: 1200, returnMs: 400, resolutionMs: 500 }],
      affinity: { kept: 2, total: 2, broken: [] }, moved: [], sessionLosses: 0, sessionLossUsers: [], probeReturnMs: 150,
    },
    latency: [row('ews-getfolder', 20), row('owa-signin', 45)],
    cost: { measured: true, processes: 1, cpuSeconds: 0.5, cpuPercent: 10, peakRssMiB: 20, cpuMsPerRequest: 12.5 },
    verdict: { outcome: 'fail', reasons: ['2 cross-user answer(s)'], exitCode: 1 },
    notes: [],
    ...over,
  };
}

describe('load.html', () => {
  const html = renderLoadHtml(sampleResult());

  it('is self-contained: no script, no external asset, a strict policy', () => {
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect(html).not.toMatch(/href="https?:/i);
    expect(html).toContain("default-src 'none'");
  });

  it('shows the verdict, the counts, the failover and one inline SVG histogram per operation kind', () => {
    expect(html).toMatch(/Verdict: <span class="fail">fail<\/span>: 2 cross-user/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('cas2010a.site3.contoso.lab');
    expect(html).toMatch(/1200 ms/);
    expect(html).toContain('nginx &lt;1.24&gt;');
    expect(html).toContain('&lt;red&gt;');
  });

  it('says what "not within the run" means after recovery, and names sticky affinity only where HTTP traffic stayed away', () => {
    expect(html).toContain('Not within the run: no user of the pool reached the recovered CAS');
    expect(html).toContain('Over HTTP, sticky affinity (003)');
    const base = sampleResult().failover;
    const mailOnly = renderLoadHtml(sampleResult({ failover: { ...base, outage: [{ protocol: 'imap', ops: 3, failed: 1, outageMs: 700, returnMs: null, resolutionMs: 500 }, { protocol: 'ews', ops: 3, failed: 1, outageMs: 700, returnMs: 90, resolutionMs: 500 }] } }));
    expect(mailOnly).toContain('Not within the run');
    expect(mailOnly).not.toContain('sticky affinity');
    const allBack = renderLoadHtml(sampleResult({ failover: { ...base, outage: [{ protocol: 'ews', ops: 3, failed: 1, outageMs: 700, returnMs: 90, resolutionMs: 500 }] } }));
    expect(allBack).not.toContain('Not within the run');
  });
});

describe('load row of the comparison', () => {
  it('takes the worst outage and the worst p99 added latency', () => {
    const r = loadRowOf(sampleResult(), 'nginx/load.html');
    expect(r).toMatchObject({ outcome: 'fail', misroutes: 0, crossUser: 2, outageMs: 1200, outageProtocol: 'eas', addedP99: 45, addedP99Kind: 'owa-signin', cpuMsPerRequest: 12.5 });
    expect(renderLoadRowsMarkdown([r, loadErrorRow('caddy', 'it would not start')])).toMatch(/\| caddy \| \*\*error\*\* \| - \| - \|/);
  });

  it('goes into compare.html after the scorecard and at the end of compare.md', () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-row-'));
    try {
      const files = { html: join(dir, 'compare.html'), md: join(dir, 'compare.md') };
      writeFileSync(files.html, '<html><body><h2>Scorecard</h2><table></table>\n<h2>Legend</h2></body></html>');
      writeFileSync(files.md, '## compared\n');
      addLoadRows(files, [loadRowOf(sampleResult(), 'nginx/load.html')]);
      const html = readFileSync(files.html, 'utf8');
      expect(html.indexOf('Under load')).toBeGreaterThan(html.indexOf('Scorecard'));
      expect(html.indexOf('Under load')).toBeLessThan(html.indexOf('Legend'));
      expect(html).toContain('<a href="nginx/load.html">');
      expect(readFileSync(files.md, 'utf8')).toMatch(/## compared\n\n## Under load/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
