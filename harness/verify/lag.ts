/**
 * The harness's own lateness. A timing-window rule (HC spacing, HC-03's repeat, a client timeout) can
 * only blame the candidate for what the harness measured on time: when the process that runs the lab
 * and the clients is starved by the scheduler (a loaded CI runner), events are stamped late and timers
 * fire late, and a correct candidate looks slow. Two measures, both cheap:
 * - `perf_hooks.monitorEventLoopDelay`: how late the event loop ran (libuv's view, resolution 10 ms);
 * - a 50 ms ticker that records how late each tick fired: the lateness of the lab's own scheduled work,
 *   kept with its time so a rule asks "how late was the harness between t0 and t1".
 * Rules widen their windows by the measured lag and turn a judgement the lag makes impossible into an
 * `error` "harness overloaded: lag N ms" (HarnessOverloadedError), never a candidate `fail`.
 * @example
 * const w0 = lag.now();
 * …                                  // the probes of a window arrive
 * const late = lag.maxSince(w0);     // 12 (ms)
 * if (late > budget) throw new HarnessOverloadedError(late, 'HC-01 spacing');
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { groupMembersRecent, mainThreadWaitMs } from '../proc/group.ts';
import { LabError } from '../errors.ts';

const TICK_MS = 50;
/** Samples kept (at 50 ms: about 8 minutes). */
const KEEP = 10_000;

export class HarnessOverloadedError extends LabError {
  override readonly code = 'HARNESS_OVERLOADED';
  constructor(readonly lagMs: number, what: string) {
    super(`harness overloaded: lag ${Math.round(lagMs)} ms while judging ${what}; the timing cannot be judged (run on a quieter machine, or with --slow)`);
  }
}

export class LagMonitor {
  #hist: IntervalHistogram;
  #times = new Float64Array(KEEP);
  #late = new Float64Array(KEEP);
  #n = 0;
  #timer: NodeJS.Timeout;
  #expected = performance.now() + TICK_MS;

  constructor() {
    this.#hist = monitorEventLoopDelay({ resolution: 10 });
    this.#hist.enable();
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  #tick(): void {
    const now = performance.now();
    const late = Math.max(0, now - this.#expected);
    const i = this.#n % KEEP;
    this.#times[i] = now;
    this.#late[i] = late;
    this.#n++;
    this.#expected = now + TICK_MS;
  }

  /** A point in time (performance.now()) to measure from. */
  now(): number {
    return performance.now();
  }

  /**
   * The worst lateness of a tick since `from` (ms), including the tick that is due now: a loop blocked
   * right now has not ticked yet, and its lateness so far counts.
   */
  maxSince(from: number): number {
    let worst = Math.max(0, performance.now() - this.#expected);
    const count = Math.min(this.#n, KEEP);
    for (let k = 1; k <= count; k++) {
      const i = (this.#n - k) % KEEP;
      if (this.#times[i]! < from) break;
      if (this.#late[i]! > worst) worst = this.#late[i]!;
    }
    return worst;
  }

  /** The event-loop delay histogram's p99 and max since the last reset (ms). */
  loopDelay(): { p99: number; max: number } {
    return { p99: this.#hist.percentile(99) / 1e6, max: this.#hist.max / 1e6 };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#hist.disable();
  }
}

/**
 * Milliseconds the main threads of the processes in process group `pgid` (or this process, with none)
 * spent runnable but waiting for a CPU, from /proc/<pid>/schedstat (second field, ns). The
 * candidate is a separate process: when the machine is overloaded its timers and answers are late
 * however correct it is, and the harness's own ticker does not see that. Null where /proc lacks it.
 */
export function runQueueWaitMs(pgid?: number): number | null {
  try {
    // The members as of at most a second ago (one /proc scan shared by the rules and samplers of this
    // process): a candidate's processes are there for the whole run; a new group is read at once.
    const pids = pgid === undefined ? [String(process.pid)] : groupMembersRecent(pgid, 1000);
    // Main threads only (harness/proc/group.ts mainThreadWaitMs); a process gone meanwhile adds nothing.
    return pids.reduce((sum, pid) => sum + (mainThreadWaitMs(pid) ?? 0), 0);
  } catch {
    return null;
  }
}

let shared: LagMonitor | undefined;

/** The process's lag monitor (started on first use, never keeps the process alive). */
export function lagMonitor(): LagMonitor {
  shared ??= new LagMonitor();
  return shared;
}
