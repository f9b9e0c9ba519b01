import { defineConfig } from 'vitest/config';
import { TestFileOrder } from './test/support/test-order.ts';

// The project's own tests (npm test). The conformance suites in suites/ are the product and run
// through `cas-conformance run` with their own configuration (suites/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'mocks/**/*.test.ts', 'reports/**/*.test.ts', 'frontdoors/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Three workers on two cores: two run the control lanes (test/controls/lane-*.test.ts), whose CLI runs
    // mostly wait on the candidate's timers (about 1.3 cores for both lanes), the third everything else.
    // With two workers the control files took both for 133 s while the rest waited: npm test 224 s. With
    // three the machine stays at 2 cores nearly throughout: 180 and 207 s against 211 and 214 s, paired
    // with the code before (two workers, the suites not yet bundled; farm-bench, bench/RESULTS.md).
    maxWorkers: 3,
    // One process per worker for all its files, not a fresh one per file: each of the 129 files paid a
    // process start and a cold import of vitest, msw, undici and the harness (npm test 333 s, 557 s of CPU;
    // without: 225 s, 334 s). The price: files of one worker share module state, so a test restores
    // what it changes (process.env) and may not count on a module loaded fresh.
    isolate: false,
    // The long files first, the same way on a clean clone as on a warm cache (test/support/test-order.ts).
    sequence: { sequencer: TestFileOrder },
  },
});
