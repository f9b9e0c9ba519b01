// When a late harness voids a timing-shaped failure (suites/support/overload.ts, used by rule.ts).
import { describe, expect, it } from 'vitest';
import { OVERLOAD_LAG_MS, overloadBoundMs } from '../../suites/support/overload.ts';

describe('overloadBoundMs', () => {
  it('is 1 s (times --slow) for a rule that does not rest on the candidate\'s checks', () => {
    expect(overloadBoundMs({ slow: 1 })).toBe(OVERLOAD_LAG_MS);
    expect(overloadBoundMs({ slow: 2.5 })).toBe(2500);
  });

  it('is a quarter of the check interval for a rule on the checks: 500 ms at the lab\'s 2 s (a loaded soak failed HC-03 at 846 ms)', () => {
    expect(overloadBoundMs({ slow: 1, intervalMs: 2000 })).toBe(500);
    expect(overloadBoundMs({ slow: 2, intervalMs: 2000 })).toBe(1000);
    expect(846).toBeGreaterThan(overloadBoundMs({ slow: 1, intervalMs: 2000 }));
  });

  it('never exceeds 1 s: Exchange\'s real 50 s interval keeps the general bound', () => {
    expect(overloadBoundMs({ slow: 1, intervalMs: 50_000 })).toBe(OVERLOAD_LAG_MS);
  });
});
