/** The paired intervals (differences and ratios): they hold the median, shrink to nothing for equal rounds, and are repeatable. */
import { describe, expect, it } from 'vitest';
import { median, pairedDifference, pairedRatio } from './paired.ts';

describe('median', () => {
  it('is the middle value, the mean of the two middle ones for an even count, and 0 for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBe(0);
  });
});

describe('pairedDifference', () => {
  it('gives the median difference and an interval around it from the rounds themselves', () => {
    const p = pairedDifference([70, 64, 81, 66, 90, 72], [75, 66, 80, 70, 60, 79]);
    expect(p.sorted).toEqual([-7, -5, -4, -2, 1, 30]);
    expect(p.median).toBe(-3);
    expect(p.low).toBeLessThanOrEqual(p.median);
    expect(p.high).toBeGreaterThanOrEqual(p.median);
    expect(p.low).toBeGreaterThanOrEqual(-7);
    expect(p.high).toBeLessThanOrEqual(30);
    expect(pairedDifference([70, 64, 81, 66, 90, 72], [75, 66, 80, 70, 60, 79])).toEqual(p);
  });

  it('is a point when every round differs the same, and empty without rounds', () => {
    expect(pairedDifference([10, 20, 30], [7, 17, 27])).toMatchObject({ median: 3, low: 3, high: 3 });
    expect(pairedDifference([], [])).toMatchObject({ median: 0, low: 0, high: 0, sorted: [] });
  });
});

describe('pairedRatio', () => {
  it('takes the ratio round by round, leaves out rounds without a baseline, and brackets its median', () => {
    const p = pairedRatio([60, 80, 70, 66, 90], [30, 40, 0, 30, 36]);
    expect(p.sorted).toEqual([2, 2, 2.2, 2.5]);
    expect(p.median).toBe(2.1);
    expect(p.low).toBeLessThanOrEqual(2.1);
    expect(p.high).toBeGreaterThanOrEqual(2);
    expect(pairedRatio([50, 50], [25, 25])).toMatchObject({ median: 2, low: 2, high: 2 });
  });
});
