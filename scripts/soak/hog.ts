/**
 * The load a soak run puts on the machine: N busy loops in worker threads (pure CPU share), each
 * bounded in time, stopped with the soak. Issue 10 saw the false alarms under scheduling latency
 * (several suites at once), not under CPU alone: `--parallel` adds that; the hogs add CPU share.
 */
import { Worker } from 'node:worker_threads';

const LOOP = `
const { workerData } = require('node:worker_threads');
const end = Date.now() + workerData.maxMs;
let x = 0;
while (Date.now() < end) { for (let i = 0; i < 1e6; i++) x = (x * 31 + i) | 0; }
`;

export interface Hogs {
  stop(): Promise<void>;
}

/** Start `n` busy loops that stop by themselves after `maxMs` (or at `stop()`). */
export function startHogs(n: number, maxMs: number): Hogs {
  const workers = Array.from({ length: n }, () => new Worker(LOOP, { eval: true, workerData: { maxMs } }));
  for (const w of workers) w.unref();
  return { stop: async () => void (await Promise.allSettled(workers.map((w) => w.terminate()))) };
}
