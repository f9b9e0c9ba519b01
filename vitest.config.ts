import { defineConfig } from 'vitest/config';
import { TestFileOrder } from './test/support/test-order.ts';

// The project's own tests (npm test). The conformance suites in suites/ are the product and run
// through `cas-conformance run` with their own configuration (suites/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'mocks/**/*.test.ts', 'reports/**/*.test.ts', 'frontdoors/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // The long files first, the same way on a clean clone as on a warm cache (test/support/test-order.ts).
    sequence: { sequencer: TestFileOrder },
  },
});
