import { describe, expect, it } from 'vitest';
import { HarnessOverloadedError, LagMonitor } from './lag.ts';

/** Block the event loop for `ms` (what a starved harness looks like to its own timers). */
function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

describe('LagMonitor', () => {
  it('measures a blocked loop as lag, including a block still going on', async () => {
    const lag = new LagMonitor();
    try {
      await new Promise((r) => setTimeout(r, 120));
      const from = lag.now();
      block(300);
      // Not ticked yet: the lateness so far counts.
      expect(lag.maxSince(from)).toBeGreaterThanOrEqual(240);
      await new Promise((r) => setTimeout(r, 120));
      expect(lag.maxSince(from)).toBeGreaterThanOrEqual(240);
    } finally {
      lag.stop();
    }
  });

  it('forgets lag from before the window', async () => {
    const lag = new LagMonitor();
    try {
      const before = lag.now();
      block(400);
      await new Promise((r) => setTimeout(r, 120));
      const from = lag.now();
      await new Promise((r) => setTimeout(r, 150));
      expect(lag.maxSince(before)).toBeGreaterThanOrEqual(340);
      expect(lag.maxSince(from)).toBeLessThan(lag.maxSince(before));
    } finally {
      lag.stop();
    }
  });

  it('an overloaded harness is a harness error with the figure', () => {
    const e = new HarnessOverloadedError(1234.4, 'HC-01 spacing');
    expect(e.code).toBe('HARNESS_OVERLOADED');
    expect(e.message).toContain('lag 1234 ms');
  });
});
