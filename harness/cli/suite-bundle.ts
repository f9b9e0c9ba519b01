/**
 * The suites as one bundle (bin/bundle.js) for the suite workers to load natively: every suites/*.test.ts
 * and the setup file as entries, the code they share in chunks (one instance of each module per worker,
 * as from the sources). suites/vitest.config.ts reads the folder from CAS_SUITE_BUNDLE.
 *
 * Why: from the sources, vitest's module runner transformed and evaluated some 280 TypeScript modules in
 * each suite worker, one by one: about 1.3 s of CPU per worker before its first rule, and a run has two
 * workers (a control run one), and `npm test` makes about 20 runs. Loaded by Node from the bundle, the first file
 * began about 0.8 s sooner (startVitest to the first file's start: 1.1-1.3 s against 1.9-2.1 s).
 * CAS_NO_BUNDLE=1, or a bundle that cannot be built, runs the sources as before.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledSet } from '../../bin/bundle.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Output name -> source: `health.test` -> suites/health.test.ts (so the bundle holds health.test.mjs). */
export function suiteEntries(): Record<string, string> {
  const tests = readdirSync(join(ROOT, 'suites')).filter((f) => f.endsWith('.test.ts'));
  return { ...Object.fromEntries(tests.map((f) => [f.slice(0, -'.ts'.length), `suites/${f}`])), 'file-worlds': 'suites/support/file-worlds.ts' };
}

/** The bundle's folder, or null when it cannot be built (the run then loads the sources). */
export async function suiteBundle(): Promise<string | null> {
  try {
    return await bundledSet(suiteEntries(), 'suites');
  } catch {
    return null;
  }
}

/** A suite file's name in the bundle: suites/health.test.ts -> <dir>/health.test.mjs. */
export function bundledSuiteFile(dir: string, file: string): string {
  return join(dir, `${file.split('/').pop()!.replace(/\.ts$/, '')}.mjs`);
}
