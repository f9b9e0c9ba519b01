/**
 * A small seeded PRNG (mulberry32) for tests that throw random input at the lab: a failure reproduces
 * from its seed.
 * @example
 * const rnd = prng(15);
 * const byte = Math.floor(rnd() * 256);
 */
export function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
