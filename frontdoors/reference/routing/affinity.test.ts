import { describe, expect, it } from 'vitest';
import { AffinityTable, rendezvous } from './affinity.ts';

describe('AffinityTable', () => {
  it('is stable, remembers a failover choice, and stays bounded', () => {
    const a = new AffinityTable(3);
    const first = a.choose('u', ['x', 'y'])!;
    expect(a.choose('u', ['y', 'x'])).toBe(first);
    const other = first === 'x' ? 'y' : 'x';
    expect(a.choose('u', [other])).toBe(other);
    expect(a.choose('u', ['x', 'y'])).toBe(other); // no bounce back (003: the user stays on CAS-02)
    for (const k of ['a', 'b', 'c', 'd']) a.choose(k, ['x', 'y']);
    expect(a.peek('u')).toBeUndefined();
    expect(a.choose('z', [])).toBeUndefined();
  });
  it('rendezvous spreads keys over members', () => {
    const hits = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const m = rendezvous(`user${i}`, ['a', 'b', 'c'])!;
      hits.set(m, (hits.get(m) ?? 0) + 1);
    }
    for (const m of ['a', 'b', 'c']) expect(hits.get(m)).toBeGreaterThan(50);
  });
});
