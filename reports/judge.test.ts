import { describe, expect, it } from 'vitest';
import { mergeAttempts, mergeRepeatedReports } from './attempts.ts';
import { judgeRuleRun, levelFor, type JudgeContext, type RuleRun } from './judge.ts';
import type { RuleMeta } from './types.ts';
import { parseWaivers } from './waivers.ts';
import { rule, sampleReport } from './test/fixtures.ts';
import { validateReport } from './validate.ts';

const meta: RuleMeta = {
  id: 'OWA-04', area: 'OWA', title: 'Orange: silent redirect to mail-region',
  levels: { exchange2013: 'R', exchange2010: 'S', exchange2007: '-' }, severity: 'major', scope: ['http'],
  source: { seed: '001', quote: 'single sign-on silent redirect' },
};
const hardenedMeta: RuleMeta = { ...meta, id: 'SEC-02', area: 'SEC', levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R', source: { seed: null, quote: '' } };
const ctx: JudgeContext = { profile: 'exchange2013', hardened: false, waivers: [], candidate: 'nginx', now: new Date('2026-06-01T00:00:00Z') };
const run = (over: Partial<RuleRun>): RuleRun => ({ meta, state: 'passed', errors: [], durationMs: 40, ...over });

describe('levelFor', () => {
  it('takes the profile column, or the hardened level in a hardened run', () => {
    expect(levelFor(meta, 'exchange2010', false)).toBe('S');
    expect(levelFor(hardenedMeta, 'exchange2013', false)).toBe('-');
    expect(levelFor(hardenedMeta, 'exchange2013', true)).toBe('R');
    expect(levelFor(meta, 'exchange2013', true)).toBe('R');
  });
});

describe('judgeRuleRun', () => {
  it('copies identity, source and evidence', () => {
    const evidence = { expected: 'e', observed: 'o', client: [], journal: [] };
    expect(judgeRuleRun(run({ evidence }), ctx)).toEqual({
      id: 'OWA-04', area: 'OWA', title: meta.title, level: 'R', severity: 'major', scope: ['http'], outcome: 'pass', source: meta.source, evidence, durationMs: 40,
    });
  });

  it('explains n/a by profile or by the hardened add-on', () => {
    expect(judgeRuleRun(run({}), { ...ctx, profile: 'exchange2007' })).toMatchObject({ outcome: 'n/a', reason: 'not in profile exchange2007' });
    expect(judgeRuleRun(run({ meta: hardenedMeta }), ctx)).toMatchObject({ outcome: 'n/a', reason: 'hardened rule: applies only with the hardened profile add-on' });
    expect(judgeRuleRun(run({ meta: hardenedMeta, state: 'failed', errors: [{ message: 'smuggled' }] }), { ...ctx, hardened: true }).outcome).toBe('fail');
  });

  it('finds a harness code in the cause chain and strips ANSI colours', () => {
    const r = judgeRuleRun(run({ state: 'failed', errors: [{ name: 'Error', message: 'fixture failed', cause: { name: 'MockStartError', code: 'MOCK_START_ERR', message: 'port in use' } }] }), ctx);
    expect(r).toMatchObject({ outcome: 'error', reason: 'MOCK_START_ERR: fixture failed (caused by MockStartError: port in use)' });
    const c = judgeRuleRun(run({ state: 'failed', errors: [{ message: '\x1b[31mexpected\x1b[39m 1' }, { message: 'second' }] }), ctx);
    expect(c.reason).toBe('expected 1 (and 1 more error)');
  });

  it('applies a waiver for this candidate and notes an expired one', () => {
    const waivers = parseWaivers({ waivers: [{ rule: 'OWA-04', reason: 'bug 7', expires: '2026-12-31', candidate: 'nginx' }, { rule: 'OWA-04', reason: 'old', expires: '2026-01-01' }] });
    const failed = run({ state: 'failed', errors: [{ message: 'no redirect' }] });
    expect(judgeRuleRun(failed, { ...ctx, waivers }).outcome).toBe('waived');
    expect(judgeRuleRun(failed, { ...ctx, waivers, candidate: 'haproxy' })).toMatchObject({ outcome: 'fail', reason: 'no redirect (waiver expired on 2026-01-01)' });
  });

  it('derives attempts from vitest retries and repeats', () => {
    expect(judgeRuleRun(run({ retryCount: 2, durationMs: 30 }), ctx)).toMatchObject({
      outcome: 'pass', flaky: true, attempts: [{ outcome: 'fail', durationMs: 10 }, { outcome: 'fail', durationMs: 10 }, { outcome: 'pass', durationMs: 10 }],
    });
    const rep = judgeRuleRun(run({ state: 'failed', repeatCount: 3, errors: [{ message: 'a' }], durationMs: 40 }), ctx);
    expect(rep.outcome).toBe('fail');
    expect(rep.flaky).toBe(true);
    expect(rep.attempts!.map((a) => a.outcome).sort()).toEqual(['fail', 'pass', 'pass', 'pass']);
    expect(judgeRuleRun(run({ repeatCount: 2 }), ctx)).toMatchObject({ flaky: false, attempts: [{ outcome: 'pass' }, { outcome: 'pass' }, { outcome: 'pass' }] });
    expect(judgeRuleRun(run({ state: 'failed', retryCount: 2, errors: [{ message: 'x' }] }), ctx).attempts).toBeUndefined();
  });
});

describe('mergeAttempts', () => {
  it('merges results sharing an ID into attempts, worst outcome first, flaky when they differ', () => {
    const merged = mergeAttempts([
      rule('EAS-03', 'pass', { durationMs: 10 }),
      rule('OA-01', 'pass'),
      rule('EAS-03', 'fail', { durationMs: 20, reason: 'got 451' }),
      rule('EAS-03', 'pass', { durationMs: 30 }),
    ]);
    expect(merged.map((r) => r.id)).toEqual(['EAS-03', 'OA-01']);
    expect(merged[0]).toMatchObject({ outcome: 'fail', reason: 'got 451', flaky: true, durationMs: 60 });
    expect(merged[0]!.attempts).toEqual([{ outcome: 'pass', durationMs: 10 }, { outcome: 'fail', durationMs: 20 }, { outcome: 'pass', durationMs: 30 }]);
    expect(merged[1]).toEqual(rule('OA-01', 'pass'));
    expect(mergeAttempts([rule('A-1', 'pass'), rule('A-1', 'pass')])[0]!.flaky).toBe(false);
  });

  it('merges whole reports of repeated runs into a valid report', () => {
    const a = sampleReport({ rules: [rule('EAS-03', 'pass'), rule('OA-01', 'pass')] });
    const b = sampleReport({ rules: [rule('EAS-03', 'fail'), rule('OA-01', 'pass')] });
    b.run = { ...b.run, startedAt: '2026-03-01T10:05:00.000Z', finishedAt: '2026-03-01T10:07:00.000Z' };
    const m = mergeRepeatedReports([a, b]);
    expect(m.summary).toMatchObject({ fail: 1, pass: 1, total: 2, exitCode: 1 });
    expect(m.run).toMatchObject({ startedAt: a.run.startedAt, finishedAt: b.run.finishedAt, durationMs: 240_000 });
    expect(m.rules[0]!.flaky).toBe(true);
    expect(validateReport(JSON.parse(JSON.stringify(m)))).toEqual([]);
  });
});
