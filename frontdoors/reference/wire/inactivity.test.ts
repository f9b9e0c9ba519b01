/**
 * The hop connections' one inactivity timer (inactivity.ts): a connection times out after its limit
 * (not before, and within an eighth more), activity and a new limit restart the count, no limit never
 * times out, and the timer stops when nothing is watched. The connection-level timeouts (head, body)
 * are in agent.test.ts against a real CAS.
 */
import { describe, expect, it } from 'vitest';
import { InactivityWatch, type TimedConnection } from './inactivity.ts';

function quiet(limitMs: number): TimedConnection & { firedAt: number | null; started: number; fired: Promise<number> } {
  let tell: (at: number) => void = () => undefined;
  const q = {
    lastActive: performance.now(),
    started: performance.now(),
    limitMs,
    firedAt: null as number | null,
    fired: new Promise<number>((r) => (tell = r)),
    expired() {
      q.firedAt = performance.now();
      tell(q.firedAt);
    },
  };
  return q;
}

/** When `q` expired, or null after `capMs` (bounded: no test waits longer). */
function expiry(q: { fired: Promise<number> }, capMs: number): Promise<number | null> {
  let cap: NodeJS.Timeout | undefined;
  return Promise.race([q.fired, new Promise<null>((r) => (cap = setTimeout(() => r(null), capMs)))]).finally(() => clearTimeout(cap));
}

describe('hop inactivity watch', () => {
  it('times a quiet connection out after its limit, within an eighth more (plus the event loop)', async () => {
    const w = new InactivityWatch();
    const q = quiet(80);
    w.watch(q);
    const at = await expiry(q, 1_000);
    expect(at).not.toBeNull();
    expect(at! - q.started).toBeGreaterThanOrEqual(80);
    expect(at! - q.started).toBeLessThan(80 * 1.125 + 60);
    expect(w.size).toBe(0);
  });

  it('restarts the count on activity, never times out without a limit, and stops when nothing is watched', async () => {
    const w = new InactivityWatch();
    const busy = quiet(60);
    const unlimited = quiet(0);
    w.watch(busy);
    w.watch(unlimited);
    // Activity every 20 ms, 8 times (at least 160 ms, over twice the limit): never 60 ms quiet.
    let beats = 0;
    let keep: NodeJS.Timeout | undefined;
    const eighth = new Promise<void>((r) => {
      keep = setInterval(() => {
        busy.lastActive = performance.now();
        if (++beats === 8) r();
      }, 20);
    });
    await Promise.race([eighth, busy.fired]);
    clearInterval(keep);
    expect(beats).toBe(8);
    expect(busy.firedAt).toBeNull();
    const at = await expiry(busy, 1_000);
    expect(at).not.toBeNull();
    expect(unlimited.firedAt).toBeNull();
    w.unwatch(unlimited);
    expect(w.size).toBe(0);
  });

  it('a smaller limit set later is honoured at once (the timer ticks faster)', async () => {
    const w = new InactivityWatch();
    const slow = quiet(60_000);
    w.watch(slow);
    const q = quiet(0);
    w.watch(q);
    q.limitMs = 50;
    q.lastActive = performance.now();
    w.limitSet(50);
    const at = await expiry(q, 1_000);
    expect(at).not.toBeNull();
    expect(at! - q.lastActive).toBeLessThan(50 * 1.125 + 60);
    w.unwatch(slow);
  });
});
