/**
 * Runs a tiny fixture suite through vitest with the ConformanceReporter and compares the report,
 * stabilised (times, host, node version replaced), with what the fixture must produce.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVitest } from 'vitest/node';
import { ConformanceReporter, sourceOf } from './vitest-reporter.ts';
import type { ConformanceReport } from './types.ts';
import { parseWaivers } from './waivers.ts';
import { validateReport } from './validate.ts';
import { ReportError } from './errors.ts';

// The fixture uses vitest globals: a temp folder outside the project cannot import 'vitest'.
const FIXTURE = String.raw`
const levels = (l13, l10 = '-', l07 = '-') => ({ exchange2013: l13, exchange2010: l10, exchange2007: l07 });
const rule = (id, l, extra = {}) => ({ id, area: id.split('-')[0], title: id + ' title', levels: l, source: { seed: '001', quote: 'quote ' + id }, ...extra });
class LabError extends Error { code = 'LAB_ERR'; name = 'LabError'; }

test('AUTH-01 passes', { meta: { rule: rule('AUTH-01', levels('R', 'R', 'R')) } }, ({ task }) => {
  task.meta.evidence = { expected: '401 at the front door', observed: '401', client: [{ dir: 'C', line: 'GET /owa <no auth>' }], journal: [] };
});
test('EAS-03 fails', { meta: { rule: rule('EAS-03', levels('R')) } }, ({ task }) => {
  task.meta.evidence = { expected: 'proxied', observed: '451', client: [{ dir: 'S', line: 'HTTP/1.1 451' }], journal: [{ kind: 'http', server: 'cas' }] };
  expect(451, 'EAS status').toBe(200);
});
test('EAS-01 not here', { meta: { rule: rule('EAS-01', levels('-', 'R')) } }, (ctx) => { ctx.skip('n/a: the 451 list is an Exchange 2010 behaviour'); });
test('OA-02 waived', { meta: { rule: rule('OA-02', levels('S')) } }, ({ task }) => {
  task.meta.evidence = { expected: 1, client: 'not an array', journal: [7] };
  throw new Error('hop used Basic');
});
test('XX-01 malformed meta', { meta: { rule: { id: 'XX-01', area: 'XX' } } }, () => {});
test('TLS-05 lab broken', { meta: { rule: rule('TLS-05', levels('R', 'R', 'R')) } }, () => { throw new LabError('mock cas2007 did not start'); });
test('COOK-04 try 1', { meta: { rule: rule('COOK-04', levels('S')) } }, () => {});
test('COOK-04 try 2', { meta: { rule: rule('COOK-04', levels('S')) } }, () => { throw new Error('moved to CAS-02'); });
test('HC-09 informational', { meta: { rule: rule('HC-09', levels('I')) } }, () => { throw new Error('probe seen'); });
test.skip('OWA-01 not selected', { meta: { rule: rule('OWA-01', levels('R', 'R', 'R')) } }, () => {});
test('no meta at all', () => { throw new Error('oops'); });
describe('teardown', () => {
  afterAll(() => { throw new LabError('lab stop failed'); });
  test('OWA-03 passes before a failing teardown', { meta: { rule: rule('OWA-03', levels('R', 'R', 'R')) } }, () => {});
  test.skip('OWA-05 not selected either', { meta: { rule: rule('OWA-05', levels('-', 'R', 'R')) } }, () => {});
});
describe('autodiscover', () => {
  beforeAll(() => { throw new LabError('directory did not start'); });
  test('AUTOD-01 behind a broken hook', { meta: { rule: rule('AUTOD-01', levels('R')) } }, () => {});
});
`;

describe('ConformanceReporter', () => {
  let dir: string;
  let report: ConformanceReport | undefined;
  let files: unknown;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'reporter-fixture-'));
    writeFileSync(join(dir, 'rules.fixture.js'), FIXTURE);
    const reporter = new ConformanceReporter({
      profile: 'exchange2013', hardened: false, failOn: 'fail',
      waivers: parseWaivers({ waivers: [{ rule: 'OA-02', reason: 'vendor ticket 7', expires: '2099-01-01' }, { rule: 'AUTH-01', reason: 'old', expires: '2020-01-01' }] }),
      candidate: { name: 'fixture-door', version: '1.0', launcher: 'url', configDigest: null, options: {} },
      topology: { name: 'contoso', digest: 'sha256:t' },
      outDir: join(dir, 'out'), runId: 'run-fixture', host: null,
      onReport: (r, f) => { report = r; files = f; },
    });
    const exitCode = process.exitCode;
    try {
      const vitest = await startVitest('test', [], {
        root: dir, config: false, watch: false, globals: true, include: ['*.fixture.js'],
        reporters: [reporter], pool: 'threads', maxWorkers: 1, fileParallelism: false,
      });
      await vitest.close();
    } finally {
      // startVitest sets the exit code for the fixture's (intended) failures; this test owns its own.
      process.exitCode = exitCode;
    }
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds the report from meta, results, skip notes and hook errors', () => {
    expect(report).toBeDefined();
    const stable = JSON.parse(JSON.stringify(report), (k, v) => {
      if (k === 'durationMs' || k === 'startedAt' || k === 'finishedAt' || k === 'node') return typeof v === 'number' ? 0 : '<stable>';
      return v;
    }) as ConformanceReport;
    const src = (id: string) => ({ seed: '001', quote: `quote ${id}` });
    expect(stable).toEqual({
      schemaVersion: 1,
      run: { id: 'run-fixture', startedAt: '<stable>', finishedAt: '<stable>', durationMs: 0, tool: { name: 'cas-conformance', version: expect.any(String) }, node: '<stable>' },
      candidate: { name: 'fixture-door', version: '1.0', launcher: 'url', configDigest: null, options: {} },
      profile: { name: 'exchange2013', hardened: false, failOn: 'fail' },
      topology: { name: 'contoso', digest: 'sha256:t' },
      summary: { pass: 2, fail: 1, warn: 1, 'n/a': 1, info: 1, waived: 1, error: 2, total: 9, conformant: false, exitCode: 1 },
      rules: expect.any(Array),
      notes: [
        'test "XX-01 malformed meta": meta.rule.title must be a string: not judged',
        'test "no meta at all" carries no rule metadata (meta.rule): not judged',
        'suite "teardown": LabError [LAB_ERR]: lab stop failed',
        'waiver for AUTH-01 expired on 2020-01-01 and was not applied: old',
      ],
    });
    const byId = Object.fromEntries(stable.rules.map((r) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['AUTH-01', 'AUTOD-01', 'COOK-04', 'EAS-01', 'EAS-03', 'HC-09', 'OA-02', 'OWA-03', 'TLS-05']);
    expect(byId['AUTH-01']).toEqual({
      id: 'AUTH-01', area: 'AUTH', title: 'AUTH-01 title', level: 'R', outcome: 'pass', source: src('AUTH-01'), durationMs: 0,
      evidence: { expected: '401 at the front door', observed: '401', client: [{ dir: 'C', line: 'GET /owa <no auth>' }], journal: [] },
    });
    expect(byId['EAS-03']).toMatchObject({ outcome: 'fail', level: 'R', evidence: { observed: '451', journal: [{ kind: 'http', server: 'cas' }] } });
    expect(byId['EAS-03']!.reason).toMatch(/^EAS status: expected 451 to be 200/);
    expect(byId['EAS-01']).toMatchObject({ outcome: 'n/a', level: '-', reason: 'the 451 list is an Exchange 2010 behaviour' });
    expect(byId['OA-02']).toMatchObject({ outcome: 'waived', level: 'S', reason: 'waived until 2099-01-01: vendor ticket 7 (warning: hop used Basic)' });
    // Malformed evidence is made renderable rather than dropped or fatal.
    expect(byId['OA-02']!.evidence).toEqual({ expected: '1', observed: '', client: [], journal: [{ value: 7 }] });
    expect(byId['TLS-05']).toMatchObject({ outcome: 'error', reason: 'LAB_ERR: mock cas2007 did not start' });
    expect(byId['AUTOD-01']).toMatchObject({ outcome: 'error', reason: 'LAB_ERR: directory did not start' });
    expect(byId['HC-09']).toMatchObject({ outcome: 'info', level: 'I', reason: 'probe seen' });
    // Two tests for one rule (--repeat 2): one result with both attempts, flaky.
    expect(byId['COOK-04']).toMatchObject({
      outcome: 'warn', reason: 'moved to CAS-02', flaky: true, attempts: [{ outcome: 'pass', durationMs: 0 }, { outcome: 'warn', durationMs: 0 }],
    });
  });

  it('writes the four files, and the report validates', () => {
    const out = join(dir, 'out');
    expect(files).toEqual({ json: join(out, 'report.json'), junit: join(out, 'junit.xml'), html: join(out, 'report.html'), markdown: join(out, 'summary.md') });
    for (const f of ['report.json', 'junit.xml', 'report.html', 'summary.md']) expect(existsSync(join(out, f))).toBe(true);
    expect(validateReport(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')))).toEqual([]);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('Not conformant');
  });

  it('checks its options', () => {
    const ok = { profile: 'exchange2013', candidate: { name: 'x', version: null, launcher: 'url', configDigest: null, options: {} }, topology: { name: 't', digest: '' } } as const;
    expect(() => new ConformanceReporter({ ...ok, profile: 'exchange2003' as never })).toThrow(new ReportError('ConformanceReporter options.profile must be one of exchange2013, exchange2010, exchange2007'));
    expect(() => new ConformanceReporter({ ...ok, failOn: 'error' as never })).toThrow(/options\.failOn/);
    expect(() => new ConformanceReporter({ ...ok, candidate: { ...ok.candidate, name: '' } })).toThrow(/options\.candidate\.name/);
  });

  it('gives exit code 2 when a module breaks outside any test, however well the rest went', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'reporter-broken-'));
    try {
      writeFileSync(join(broken, 'ok.fixture.js'), `test('AUTH-01', { meta: { rule: { id: 'AUTH-01', area: 'AUTH', title: 't', levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' }, source: { seed: '001', quote: 'q' } } } }, () => {});`);
      writeFileSync(join(broken, 'broken.fixture.js'), `class LabError extends Error { code = 'LAB_ERR'; name = 'LabError'; }\nthrow new LabError('topology invalid');`);
      let got: ConformanceReport | undefined;
      const reporter = new ConformanceReporter({
        profile: 'exchange2013', candidate: { name: 'x', version: null, launcher: 'url', configDigest: null, options: {} },
        topology: { name: 'contoso', digest: '' }, host: null, onReport: (r) => { got = r; },
      });
      const exitCode = process.exitCode;
      try {
        const vitest = await startVitest('test', [], { root: broken, config: false, watch: false, globals: true, include: ['*.fixture.js'], reporters: [reporter], pool: 'threads', maxWorkers: 1 });
        await vitest.close();
      } finally {
        process.exitCode = exitCode;
      }
      expect(got?.summary).toMatchObject({ pass: 1, total: 1, exitCode: 2, conformant: false });
      expect(got?.notes).toEqual(['module broken.fixture.js: LabError [LAB_ERR]: topology invalid']);
      expect(reporter.report).toBe(got);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('sourceOf', () => {
  const CASES: { moduleId: string; source: string }[] = [
    { moduleId: '.cache/bundles/suites-0123456789abcdef/health.test.mjs', source: 'suites/health.test.ts' },
    { moduleId: '/work/x/.cache/bundles/suites-0123456789abcdef/outlook-anywhere.test.mjs', source: 'suites/outlook-anywhere.test.ts' },
    { moduleId: 'suites/health.test.ts', source: 'suites/health.test.ts' },
    { moduleId: '.cache/bundles/cli-0123456789abcdef/cli.mjs', source: '.cache/bundles/cli-0123456789abcdef/cli.mjs' },
  ];
  it.each(CASES)('$moduleId -> $source (a bundled suite file by its source, any other module as it is)', ({ moduleId, source }) => {
    expect(sourceOf(moduleId)).toBe(source);
  });
});
