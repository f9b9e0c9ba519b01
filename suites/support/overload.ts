/**
 * How late the harness may be before a timing-shaped failure means nothing (suites/support/rule.ts turns
 * such a failure into an `error` "harness overloaded" with the would-be verdict).
 *
 * On a starved machine a correct candidate times out its own checks, marks healthy CAS down and answers
 * late: past 1 s of harness lag (times --slow) no rule judges a deadline. A rule whose verdicts rest on
 * the candidate's checks (`timing`) is judged in windows of about half an interval (HC-03's repeat within
 * 0.5 I, HC-01's gaps 0.5 I..1.5 I), and the lag a timer measures is one turn of the event loop, where a
 * check the lab journals took several (accept, TLS handshake, request): past a quarter of the interval
 * the widened window meets the next round's check. A loaded soak (8 busy loops, two runs at once) failed
 * the reference on HC-03 at 846 ms of lag and on HC-01 at 940 ms, with the lab's fast interval of 2 s.
 * @example
 * overloadBoundMs({ slow: 1, intervalMs: 2000 }); // 500
 */
export const OVERLOAD_LAG_MS = 1000;

export function overloadBoundMs(o: { slow: number; intervalMs?: number | undefined }): number {
  return Math.min(OVERLOAD_LAG_MS, o.intervalMs ? o.intervalMs / 4 : Infinity) * o.slow;
}
