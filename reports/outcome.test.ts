import { describe, expect, it } from 'vitest';
import { decideOutcome, gates, summarize, type DecideInput, type Decision } from './outcome.ts';
import type { Outcome } from './types.ts';

const now = new Date('2026-06-15T12:00:00Z');
const waiver = { reason: 'vendor bug 42', expires: '2026-06-15' };
const expiredWaiver = { reason: 'old', expires: '2026-06-14' };
const assertion = { name: 'AssertionError', message: 'expected 200, got 451' };

const table: [string, DecideInput, Decision | Outcome][] = [
  ['R passed', { level: 'R', testState: 'passed' }, { outcome: 'pass' }],
  ['S passed', { level: 'S', testState: 'passed' }, { outcome: 'pass' }],
  ['I passed', { level: 'I', testState: 'passed' }, { outcome: 'info' }],
  ['R failed', { level: 'R', testState: 'failed', error: assertion }, { outcome: 'fail', reason: 'expected 200, got 451' }],
  ['S failed', { level: 'S', testState: 'failed', error: assertion }, { outcome: 'warn', reason: 'expected 200, got 451' }],
  ['I failed', { level: 'I', testState: 'failed', error: assertion }, { outcome: 'info', reason: 'expected 200, got 451' }],
  ['failed, no error', { level: 'R', testState: 'failed' }, 'fail'],
  ['LAB_ERR', { level: 'R', testState: 'failed', error: { name: 'LabError', code: 'LAB_ERR', message: 'lab down' } }, { outcome: 'error', reason: 'LAB_ERR: lab down' }],
  ['TOPOLOGY_ERR on S', { level: 'S', testState: 'failed', error: { code: 'TOPOLOGY_ERR', message: 'x' } }, 'error'],
  ['PKI_ERR', { level: 'R', testState: 'failed', error: { code: 'PKI_ERR', message: 'x' } }, 'error'],
  ['MOCK_START_ERR', { level: 'R', testState: 'failed', error: { code: 'MOCK_START_ERR', message: 'x' } }, 'error'],
  ['CONTROL_API_ERR', { level: 'R', testState: 'failed', error: { code: 'CONTROL_API_ERR', message: 'x' } }, 'error'],
  ['FRONTDOOR_LAUNCH_ERR', { level: 'R', testState: 'failed', error: { code: 'FRONTDOOR_LAUNCH_ERR', message: 'x' } }, 'error'],
  ['CANDIDATE_ERR on I', { level: 'I', testState: 'failed', error: { code: 'CANDIDATE_ERR', message: 'x' } }, 'error'],
  ['...HarnessError name', { level: 'R', testState: 'failed', error: { name: 'FixtureHarnessError', message: 'x' } }, { outcome: 'error', reason: 'FixtureHarnessError: x' }],
  ['unknown code is a finding', { level: 'R', testState: 'failed', error: { code: 'ECONNRESET', message: 'reset' } }, 'fail'],
  ['harness error beats waiver', { level: 'R', testState: 'failed', error: { code: 'LAB_ERR', message: 'x' }, waiver, now }, 'error'],
  ['R failed, waiver on its last day', { level: 'R', testState: 'failed', error: assertion, waiver, now },
    { outcome: 'waived', reason: 'waived until 2026-06-15: vendor bug 42 (failure: expected 200, got 451)' }],
  ['S failed, waiver', { level: 'S', testState: 'failed', error: assertion, waiver, now }, 'waived'],
  ['R failed, expired waiver', { level: 'R', testState: 'failed', error: assertion, waiver: expiredWaiver, now }, 'fail'],
  ['R passed with waiver', { level: 'R', testState: 'passed', waiver, now }, 'pass'],
  ['level - passed', { level: '-', testState: 'passed' }, { outcome: 'n/a', reason: 'not in this profile' }],
  ['level - failed', { level: '-', testState: 'failed', error: assertion }, 'n/a'],
  ['level - skipped with note', { level: '-', testState: 'skipped', skipNote: 'n/a: exchange2010 only' }, { outcome: 'n/a', reason: 'exchange2010 only' }],
  ['R skipped n/a', { level: 'R', testState: 'skipped', skipNote: 'n/a: candidate serves no POP3' }, { outcome: 'n/a', reason: 'candidate serves no POP3' }],
  ['R skipped other note', { level: 'R', testState: 'skipped', skipNote: 'no container engine' }, { outcome: 'error', reason: 'skipped, so not judged: no container engine' }],
  ['R skipped no note', { level: 'R', testState: 'skipped' }, 'error'],
  ['note n/ab is not n/a', { level: 'R', testState: 'skipped', skipNote: 'n/ab' }, 'error'],
];

describe('decideOutcome', () => {
  it.each(table)('%s', (_name, input, expected) => {
    const got = decideOutcome(input);
    if (typeof expected === 'string') expect(got.outcome).toBe(expected);
    else expect(got).toEqual(expected);
  });

  it('lets a waiver expire at the midnight after its date (UTC)', () => {
    const input: DecideInput = { level: 'R', testState: 'failed', error: assertion, waiver };
    expect(decideOutcome({ ...input, now: new Date('2026-06-15T23:59:59.999Z') }).outcome).toBe('waived');
    expect(decideOutcome({ ...input, now: new Date('2026-06-16T00:00:00.000Z') }).outcome).toBe('fail');
  });
});

describe('summarize', () => {
  const rs = (...o: Outcome[]) => o.map((outcome) => ({ outcome }));
  const cases: [string, Outcome[], 'fail' | 'warn', number, 0 | 1 | 2][] = [
    ['all pass', ['pass', 'info', 'n/a', 'waived'], 'fail', 0, 0],
    ['a fail', ['pass', 'fail'], 'fail', 0, 1],
    ['a warn, failOn fail', ['pass', 'warn'], 'fail', 0, 0],
    ['a warn, failOn warn', ['pass', 'warn'], 'warn', 0, 1],
    ['an error', ['pass', 'error'], 'fail', 0, 2],
    ['fail beats error', ['fail', 'error'], 'fail', 0, 1],
    ['warn (failing) beats error', ['warn', 'error'], 'warn', 0, 1],
    ['warn, not failing, with error', ['warn', 'error'], 'fail', 0, 2],
    ['run error outside tests', ['pass'], 'fail', 1, 2],
    ['run error, but a fail', ['fail'], 'fail', 1, 1],
    ['nothing judged', [], 'fail', 0, 2],
  ];
  it.each(cases)('%s', (_n, outcomes, failOn, runErrors, exitCode) => {
    const s = summarize(rs(...outcomes), failOn, { runErrors });
    expect(s.exitCode).toBe(exitCode);
    expect(s.conformant).toBe(exitCode === 0);
    expect(s.total).toBe(outcomes.length);
  });

  it('counts every outcome', () => {
    const s = summarize(rs('pass', 'pass', 'fail', 'warn', 'n/a', 'info', 'waived', 'error'), 'fail');
    expect(s).toMatchObject({ pass: 2, fail: 1, warn: 1, 'n/a': 1, info: 1, waived: 1, error: 1, total: 8 });
  });
});

describe('severity gates (--fail-on critical|major|minor)', () => {
  const fp = { outcome: 'fail' as const, severity: 'fingerprint' as const };
  const major = { outcome: 'fail' as const, severity: 'major' as const };
  const crit = { outcome: 'fail' as const, severity: 'critical' as const };
  const warnCrit = { outcome: 'warn' as const, severity: 'critical' as const };

  it.each([
    ['fingerprint fail, failOn fail', [fp], 'fail', 1],
    ['fingerprint fail, failOn minor', [fp, { outcome: 'pass' as const }], 'minor', 0],
    ['major fail, failOn minor', [major], 'minor', 1],
    ['major fail, failOn major', [major], 'major', 1],
    ['major fail, failOn critical', [major], 'critical', 0],
    ['critical fail, failOn critical', [crit, fp], 'critical', 1],
    ['a warning never gates a severity', [warnCrit], 'critical', 0],
    ['a warning gates failOn warn', [warnCrit], 'warn', 1],
    ['a fail without severity counts as major', [{ outcome: 'fail' as const }], 'major', 1],
    ['ungated fail with an error: the error shows', [fp, { outcome: 'error' as const }], 'critical', 2],
  ] as const)('%s', (_name, rules, failOn, exit) => {
    expect(summarize(rules, failOn).exitCode).toBe(exit);
  });

  it('gates() says which rule fails the run', () => {
    expect(gates(crit, 'critical')).toBe(true);
    expect(gates(fp, 'minor')).toBe(false);
    expect(gates({ outcome: 'pass', severity: 'critical' }, 'fail')).toBe(false);
  });
});
