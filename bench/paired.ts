/**
 * How far one run can tell two builds (or two legs) apart: the median of paired per-round differences and a bootstrap
 * interval around it, from that run's own rounds. The front-door bench printed a fixed "an A/A pair read
 * -1 and +2" beside every paired median; on a noisy machine the rounds of one run differ by tens of
 * microseconds, and a median inside the interval is noise in that run, whatever its sign.
 *
 * @example
 * const p = pairedDifference([70, 64, 81], [75, 66, 80]);
 * // p.median: -2; p.low and p.high: the 5th and 95th percentiles of the medians of 2000 resamples
 */

export interface PairedDifference {
  /** Median of the per-round differences (a - b). */
  median: number;
  /** 5th and 95th percentiles of the bootstrap medians. */
  low: number;
  high: number;
  /** The differences, sorted. */
  sorted: number[];
}

/**
 * The median: the middle value, or the mean of the two middle ones for an even count; 0 for none. Every
 * median the benches print is this one (until the fifteenth session the round figures took the lower
 * middle value and the latency the upper one).
 */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  if (s.length === 0) return 0;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A small seeded generator (mulberry32), so the same rounds give the same interval. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paired differences of `a` and `b` (round by round), with a 90% bootstrap interval of their median. */
export function pairedDifference(a: readonly number[], b: readonly number[], draws = 2000): PairedDifference {
  return medianInterval(a.slice(0, b.length).map((x, i) => x - b[i]!), draws);
}

/**
 * Paired ratios of `a` to `b` (round by round: a leg's CPU per request over nginx's in the same round),
 * with a 90% bootstrap interval of their median. Rounds where `b` is 0 are left out.
 */
export function pairedRatio(a: readonly number[], b: readonly number[], draws = 2000): PairedDifference {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (b[i]! > 0) ratios.push(a[i]! / b[i]!);
  return medianInterval(ratios, draws);
}

/** The median of `values` and a 90% bootstrap interval around it (seeded: the same values, the same interval). */
function medianInterval(values: readonly number[], draws: number): PairedDifference {
  const sorted = [...values].sort((x, y) => x - y);
  if (values.length === 0) return { median: 0, low: 0, high: 0, sorted };
  const next = random(values.length * 7919 + 17);
  const medians: number[] = [];
  for (let d = 0; d < draws; d++) medians.push(median(values.map(() => values[Math.floor(next() * values.length)]!)));
  medians.sort((x, y) => x - y);
  return { median: median(values), low: medians[Math.floor(draws * 0.05)]!, high: medians[Math.floor(draws * 0.95)]!, sorted };
}
