/**
 * How long the candidate could not run because the machine was busy: the run-queue wait of its
 * processes' main threads (/proc/PID/schedstat, second field), sampled every 100 ms with the time.
 *
 * Why: the harness's own lag (lag.ts) says when the lab and the clients were late. A loaded machine can
 * also starve the candidate alone: its health-check repeat then fires 1.6 s after the failed check
 * instead of within 1 s, while the harness measured 400 ms of lag (issue 13's runs on an import of the
 * built-in topology, HC-03). A rule that judges the candidate's own timing (a repeat, a spacing) widens
 * its bound by the run-queue wait of the candidate between the two events it measures, so it blames the
 * candidate only for lateness the candidate chose. Over a short interval this figure is sharp; over a
 * whole rule it is not (a healthy candidate on a shared 2-core machine waits 20-90 % of the time).
 *
 * Per process the wait is the main thread's (it runs the event loop or the worker's loop); over a group
 * of processes (nginx master and workers, a wrapper and its child) the largest delta counts: one loop
 * was late by at most its own wait. Off Linux, or for a candidate the harness does not run, it is 0.
 * @example
 * const wait = startCandidateWait(candidate.processGroup);
 * …
 * const widen = wait.waitBetween(Date.parse(first.time), Date.parse(repeat.time)); // ms
 * wait.stop();
 */
import { groupMembersRecent, mainThreadWaitMs } from '../proc/group.ts';

const SAMPLE_MS = 100;
/** Samples kept (at 100 ms: 10 minutes). */
const KEEP = 6000;
/** How often the list of the group's processes is read again. */
const REFRESH_MS = 1000;

export interface CandidateWait {
  /** The largest run-queue wait (ms) of one candidate process between two wall-clock times (ms since the epoch). */
  waitBetween(fromMs: number, toMs: number): number;
  /** Resolves after the next sample is taken (at once when not sampling). */
  sampled(): Promise<void>;
  stop(): void;
}

const NONE: CandidateWait = { waitBetween: () => 0, sampled: () => Promise.resolve(), stop: () => {} };

/** Sample the run-queue wait of process group `pgid` until stopped. */
export function startCandidateWait(pgid: number | undefined): CandidateWait {
  if (pgid === undefined || process.platform !== 'linux') return NONE;
  const times: number[] = [];
  const waits: Map<string, number>[] = [];
  let waiting: (() => void)[] = [];
  const sample = () => {
    const now = Date.now();
    const row = new Map<string, number>();
    for (const pid of groupMembersRecent(pgid, REFRESH_MS)) {
      const ms = mainThreadWaitMs(pid);
      if (ms !== null) row.set(pid, ms);
    }
    times.push(now);
    waits.push(row);
    if (times.length > KEEP) {
      times.shift();
      waits.shift();
    }
    wake();
  };
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const w of woken) w();
  };
  sample();
  let stopped = false;
  const timer = setInterval(sample, SAMPLE_MS);
  timer.unref();
  return {
    waitBetween(fromMs, toMs) {
      if (!times.length || toMs <= fromMs) return 0;
      // The last sample at or before `fromMs` and the first at or after `toMs`: the interval is covered
      // whole (up to one sample period more on each side, which widens, never narrows, the bound).
      let a = 0;
      for (let i = 0; i < times.length && times[i]! <= fromMs; i++) a = i;
      let b = times.length - 1;
      for (let i = times.length - 1; i >= 0 && times[i]! >= toMs; i--) b = i;
      let worst = 0;
      for (const [pid, end] of waits[b]!) {
        const start = waits[a]!.get(pid);
        if (start !== undefined) worst = Math.max(worst, end - start);
      }
      return worst;
    },
    sampled: () => (stopped ? Promise.resolve() : new Promise<void>((r) => waiting.push(r))),
    stop: () => {
      stopped = true;
      clearInterval(timer);
      wake();
    },
  };
}
