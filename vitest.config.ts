import { defineConfig } from 'vitest/config';

// The project's own tests (npm test). The conformance suites in suites/ are the product and run
// through `cas-conformance run` with their own configuration (suites/vitest.config.ts).
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'mocks/**/*.test.ts', 'reports/**/*.test.ts', 'frontdoors/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Suite runs the tests start (vacuity, the CLI, the workflow) use two workers, not the product's
    // default of cores + 1: npm test already keeps both cores busy, and each worker starts its own worlds.
    env: { CAS_SUITE_WORKERS: '2' },
  },
});
