import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

// The conformance suites (the product), run through `cas-conformance run`. No isolation: the rule files a
// worker runs share its worlds (lab + candidate, suites/support/world.ts). Files run in parallel, one
// worker per core plus one, at most 3 (CAS_SUITE_WORKERS overrides): every world is private to its
// worker, and each rule judges timing against the harness lag it measured, so a busy neighbour cannot
// fail a candidate. Why one more than the cores: the health file mostly waits on its candidates' check
// intervals, and with two workers on two cores everything else queued behind one worker (a full run:
// 43-46 s with 2 workers, 37-38 s with 3, no error in either).
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['suites/**/*.test.ts'],
    // Worlds beyond the default one stop when the file that started them ends.
    setupFiles: ['suites/support/file-worlds.ts'],
    pool: 'forks',
    maxWorkers: Number(process.env.CAS_SUITE_WORKERS ?? Math.min(3, availableParallelism() + 1)),
    isolate: false,
    fileParallelism: true,
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
