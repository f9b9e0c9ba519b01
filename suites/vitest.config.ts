import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { SuiteFileOrder } from './support/file-order.ts';

// The conformance suites (the product), run through `cas-conformance run`. No isolation: the rule files a
// worker runs share its worlds (lab + candidate, suites/support/world.ts). Files run in parallel: one more
// worker than cores, at most 3 (CAS_SUITE_WORKERS overrides): every world is private to its worker, and
// each rule judges timing against the harness lag it measured, so a busy neighbour cannot fail a
// candidate. A run is not CPU-bound throughout: most rules are chains of requests through three
// processes (client, front door, mock), and with two workers on two cores a full run used 1.3 cores on
// average, under 0.8 in its last 5 s. Three workers (December 2026, 35 s of CPU a run): 24.7-25.7 s
// against 27.2-27.5 s a run in soaks of 3 runs, worst harness lag 389 against 398 ms, no error; a loaded
// soak (8 busy loops, two runs at once, 4 runs) 0 fail and 19 errors ("harness overloaded"), against 21
// with two. (Earlier, at 50 s of CPU a run, three workers doubled the health file's lag and voided HC-03.)
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['suites/**/*.test.ts'],
    // Worlds beyond the default one stop when the file that started them ends.
    setupFiles: ['suites/support/file-worlds.ts'],
    pool: 'forks',
    maxWorkers: Number(process.env.CAS_SUITE_WORKERS ?? (availableParallelism() === 1 ? 1 : Math.min(3, availableParallelism() + 1))),
    isolate: false,
    fileParallelism: true,
    // Longest file first, the same way every run (support/file-order.ts), not by the last run's cache.
    sequence: { sequencer: SuiteFileOrder },
    // Rules of a describe.concurrent block (HC: each in its own world, waiting on timers) run this many at once.
    maxConcurrency: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    // Transformed suite modules kept on disk between runs: a run spent about 0.5 s of CPU transforming
    // the same TypeScript again, and `npm test` makes 40 runs.
    experimental: { fsModuleCache: true, fsModuleCachePath: '.cache/vitest-modules' },
  },
});
