/**
 * CPU and memory of the candidate's process tree, read from /proc (Linux). The lab's mocks and the load
 * generator run in this process; the candidate is the only tree it spawns (harness/frontdoor/launcher.ts
 * starts it, under a small supervisor, in a process group of its own), so the candidate is every
 * descendant of this process. CPU is utime+stime of each process plus what its reaped children used
 * (cutime+cstime); a process gone between two samples keeps its last reading. A candidate not started
 * here (url:, container) has no descendants: "not measured", never zero.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

interface ProcStat {
  pid: number;
  ppid: number;
  /** Clock ticks, self and reaped children. */
  ticks: number;
  rssKiB: number;
}

const MAX_PROC_ENTRIES = 20_000;

function clockTicks(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 });
  const n = Number(r.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
}

/** One /proc/<pid>/stat (and VmRSS of status), or null when the process is gone. */
export function readProcStat(pid: number): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17.
    const f = (n: number) => Number(rest[n - 3]);
    let rssKiB = 0;
    try {
      rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      rssKiB = 0;
    }
    return { pid, ppid: f(4), ticks: f(14) + f(15) + f(16) + f(17), rssKiB };
  } catch {
    return null;
  }
}

/** Every descendant of `root` now (bounded scan of /proc). */
export function descendants(root: number): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).slice(0, MAX_PROC_ENTRIES);
  } catch {
    return [];
  }
  const all = names.map((n) => readProcStat(Number(n))).filter((s): s is ProcStat => !!s);
  const children = new Map<number, ProcStat[]>();
  for (const s of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length && out.length < MAX_PROC_ENTRIES) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

export interface UsageSummary {
  measured: boolean;
  reason?: string;
  processes: number;
  cpuSeconds: number;
  cpuPercent: number;
  peakRssMiB: number;
}

/**
 * Samples the tree every `everyMs` between start() and stop().
 * @example
 * const u = new TreeUsage(process.pid); u.start(); ...; const s = u.stop(); s.cpuSeconds;
 */
export class TreeUsage {
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  #peakKiB = 0;
  #timer: NodeJS.Timeout | null = null;
  #startedAt = 0;
  #baseline = new Set<number>();
  readonly #hz = clockTicks();

  constructor(readonly root: number, readonly everyMs = 1000) {}

  #sample(initial = false): void {
    const tree = descendants(this.root).filter((s) => !this.#baseline.has(s.pid));
    let rss = 0;
    for (const s of tree) {
      // Present at the start: count from now. Born during the load: everything it used is the load's.
      if (!this.#first.has(s.pid)) this.#first.set(s.pid, initial ? s.ticks : 0);
      this.#last.set(s.pid, s.ticks);
      rss += s.rssKiB;
    }
    this.#peakKiB = Math.max(this.#peakKiB, rss);
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#sample(true);
    this.#timer = setInterval(() => this.#sample(), this.everyMs);
    this.#timer.unref();
  }

  /** Processes already present that are not the candidate's (none, normally). */
  exclude(pids: number[]): void {
    for (const p of pids) this.#baseline.add(p);
  }

  stop(): UsageSummary {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#sample();
    const seconds = (performance.now() - this.#startedAt) / 1000;
    if (!this.#last.size) return { measured: false, reason: 'no process of the candidate runs under this one (url: or container candidates are not measured)', processes: 0, cpuSeconds: 0, cpuPercent: 0, peakRssMiB: 0 };
    let ticks = 0;
    for (const [pid, last] of this.#last) ticks += Math.max(0, last - (this.#first.get(pid) ?? 0));
    const cpuSeconds = ticks / this.#hz;
    return { measured: true, processes: this.#last.size, cpuSeconds: round(cpuSeconds, 2), cpuPercent: round(seconds > 0 ? (100 * cpuSeconds) / seconds : 0, 1), peakRssMiB: round(this.#peakKiB / 1024, 1) };
  }
}

function round(n: number, d: number): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}
