/**
 * Latency per operation kind: percentiles of what the candidate took, of what the same operations took
 * straight to the mocks in the same run (the baseline), the difference over the pairs of one operation
 * and its repetition (what the front door adds), and a
 * histogram of both on log-spaced buckets for the HTML. Only answers judged ok count, and only those that
 * started outside the fault window (failover has its own figures).
 */
import { OP_KINDS, type LatencyRow, type Op, type OpKind } from './types.ts';

/** Bucket upper bounds, ms (the last one catches everything slower). */
export const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, Number.POSITIVE_INFINITY];

/** Nearest-rank percentile of sorted values, or null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

function counts(values: readonly number[]): number[] {
  const out = BUCKETS_MS.map(() => 0);
  for (const v of values) out[BUCKETS_MS.findIndex((b) => v <= b)]!++;
  return out;
}

const r1 = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);
const diff = (a: number | null, b: number | null) => (a === null || b === null ? null : r1(a - b));

/**
 * One row per operation kind that ran.
 * @example
 * latencyRows(ops, (op) => op.start < failAt || op.start > recoverAt)
 */
export function latencyRows(ops: readonly Op[], counted: (op: Op) => boolean = () => true): LatencyRow[] {
  const rows: LatencyRow[] = [];
  const byN = new Map(ops.map((o) => [o.n, o]));
  for (const kind of OP_KINDS) {
    const of = (via: Op['via']) => ops.filter((o) => o.kind === kind && o.via === via && o.outcome === 'ok' && counted(o)).map((o) => o.end - o.start).sort((a, b) => a - b);
    const fd = of('front-door');
    const base = of('direct');
    if (!fd.length && !base.length && !ops.some((o) => o.kind === kind)) continue;
    const [p50, p95, p99] = [50, 95, 99].map((p) => r1(percentile(fd, p)));
    const [b50, b95, b99] = [50, 95, 99].map((p) => r1(percentile(base, p)));
    // What the front door adds is read on the same requests: each baseline operation and the operation
    // through the candidate it repeats, both ok (the ok answers of each leg alone can differ in users).
    const pairs = ops.filter((d) => d.kind === kind && d.via === 'direct' && d.outcome === 'ok' && counted(d) && d.pairOf !== undefined)
      .map((d) => [byN.get(d.pairOf!), d] as const)
      .filter((p): p is readonly [Op, Op] => !!p[0] && p[0].outcome === 'ok' && counted(p[0]));
    const pf = pairs.map(([f]) => f.end - f.start).sort((a, b) => a - b);
    const pb = pairs.map(([, d]) => d.end - d.start).sort((a, b) => a - b);
    const added = (p: number) => diff(r1(percentile(pf, p)), r1(percentile(pb, p)));
    rows.push({
      kind: kind as OpKind, n: fd.length, baselineN: base.length,
      p50: p50!, p95: p95!, p99: p99!, baselineP50: b50!, baselineP95: b95!, baselineP99: b99!,
      pairs: pairs.length, addedP50: added(50), addedP95: added(95), addedP99: added(99),
      buckets: BUCKETS_MS.map((b) => (Number.isFinite(b) ? b : -1)), counts: counts(fd), baselineCounts: counts(base),
    });
  }
  return rows;
}

/** The highest added p99 over the kinds (the compare row's figure), or null. */
export function worstAddedP99(rows: readonly LatencyRow[]): number | null {
  const v = rows.map((r) => r.addedP99).filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
}
