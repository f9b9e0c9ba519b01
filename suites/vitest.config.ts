import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The conformance suites (the product). One worker, no isolation: every rule file shares the worlds
// (lab + candidate) started by suites/support/world.ts. Run through `cas-conformance run`.
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['suites/**/*.test.ts'],
    // Worlds beyond the default one stop when the file that started them ends.
    setupFiles: ['suites/support/file-worlds.ts'],
    pool: 'forks',
    maxWorkers: 1,
    isolate: false,
    fileParallelism: false,
    // Rules of a describe.concurrent block (HC: each in its own world, waiting on timers) run this many at once.
    maxConcurrency: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
