// The deadline judgement of the health rules (suites/support/hc-traffic.ts): a "not by the deadline"
// verdict needs an attempt sent at the deadline, and a late harness is no verdict at all.
import { describe, expect, it } from 'vitest';
import { byDeadline, repeatUntil } from '../../suites/support/hc-traffic.ts';

const D = 10_000;
const PACE = 250;
const at = (sentAt: number, ok: boolean) => ({ sentAt, ok });
const done = (r: { ok: boolean }) => r.ok;

describe('byDeadline', () => {
  it.each([
    { name: 'done before the deadline', tries: [at(9_000, false), at(9_300, true)], seen: 'met' },
    { name: 'done within one pace after it (the sampling grain)', tries: [at(9_900, false), at(10_200, true)], seen: 'met' },
    { name: 'an attempt sent at the deadline still not done', tries: [at(9_000, false), at(10_000, false)], seen: 'missed' },
    { name: 'an attempt sent after the deadline still not done', tries: [at(8_800, false), at(11_500, false)], seen: 'missed' },
    // HC-05 on a loaded run: the last attempt went 1.2 s early (its answer was slow), the state was not yet due.
    { name: 'the last attempt went early and was not done', tries: [at(8_000, false), at(8_800, false)], seen: 'unobserved' },
    { name: 'done, but only seen long after the deadline', tries: [at(8_800, false), at(11_500, true)], seen: 'unobserved' },
  ])('$name: $seen', ({ tries, seen }) => {
    expect(byDeadline(tries, done, D, PACE).seen).toBe(seen);
  });

  // The deadline widened by 2 s of lag (the rule's own is 8 000): done inside the widening is no pass.
  it.each([
    { name: 'done by the rule\'s own deadline', tries: [at(7_000, false), at(8_100, true)], seen: 'met' },
    { name: 'done only inside the widening', tries: [at(8_200, false), at(9_000, true)], seen: 'unobserved' },
    { name: 'not done at the widened deadline', tries: [at(9_900, false), at(10_000, false)], seen: 'missed' },
  ])('widened: $name: $seen', ({ tries, seen }) => {
    expect(byDeadline(tries, done, D, PACE, 8_000).seen).toBe(seen);
  });
});

describe('repeatUntil', () => {
  it('keeps going until an attempt is sent at the deadline', async () => {
    const start = Date.now();
    const tries = await repeatUntil(async () => ({ sentAt: Date.now(), ok: false }), done, { deadline: start + 120, paceMs: 50 });
    expect(tries.at(-1)!.sentAt).toBeGreaterThanOrEqual(start + 120);
    expect(byDeadline(tries, done, start + 120, 50).seen).toBe('missed');
  });

  it('stops at the first done attempt', async () => {
    let n = 0;
    const tries = await repeatUntil(async () => ({ sentAt: Date.now(), ok: ++n === 2 }), done, { deadline: Date.now() + 5_000, paceMs: 10 });
    expect(tries).toHaveLength(2);
  });
});
