import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { SuiteFileOrder } from './support/file-order.ts';

// CAS_SUITE_BUNDLE: the folder of the suites' bundle (harness/cli/suite-bundle.ts, set by `run`). Its files
// are loaded by Node as they are (server.deps.external), not module by module through vitest's runner.
const bundle = process.env.CAS_SUITE_BUNDLE || null;
const root = fileURLToPath(new URL('..', import.meta.url));
const inBundle = bundle && new RegExp(`^${bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);

// The conformance suites (the product), run through `cas-conformance run`. No isolation: the rule files a
// worker runs share its worlds (lab + candidate, suites/support/world.ts). Files run in parallel, one per
// core up to 2 by default (CAS_SUITE_WORKERS overrides): every world is private to its worker, and each
// rule judges timing against the harness lag it measured, so a busy neighbour cannot fail a candidate.
// Three workers on two cores made a full run 6 s shorter (37-38 s against 43-46 s) but doubled the
// health file's harness lag (0.3 s to 0.5-1.1 s): HC-03 then could not tell the reference's repeat from
// a next round in 2 of 4 runs (an error each time). Verdicts first. Tried again at 35-41 s of CPU a run
// (December 2026): paired with two workers 0.87-0.95x wall, but 3 of 24 full runs on a quiet machine
// ended with a rule voided by the harness's lag (exit 2), against none of 16 with two workers.
export default defineConfig({
  root,
  test: {
    include: bundle ? [`${relative(root, bundle)}/*.test.mjs`] : ['suites/**/*.test.ts'],
    // Worlds beyond the default one stop when the file that started them ends.
    setupFiles: [bundle ? `${bundle}/file-worlds.mjs` : 'suites/support/file-worlds.ts'],
    ...(bundle ? { server: { deps: { external: [/\/node_modules\//, inBundle!] } } } : {}),
    pool: 'forks',
    maxWorkers: Number(process.env.CAS_SUITE_WORKERS ?? Math.max(1, Math.min(2, availableParallelism()))),
    isolate: false,
    fileParallelism: true,
    // Longest file first, the same way every run (support/file-order.ts), not by the last run's cache.
    sequence: { sequencer: SuiteFileOrder },
    // Rules of a describe.concurrent block (HC: each in its own world, waiting on timers) run this many at once.
    maxConcurrency: 4,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    // Transformed suite modules kept on disk between runs, for runs from the sources (no bundle): a run
    // spent about 0.5 s of CPU transforming the same TypeScript again. From the bundle nothing is transformed.
    experimental: { fsModuleCache: true, fsModuleCachePath: '.cache/vitest-modules' },
  },
});
