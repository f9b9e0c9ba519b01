/**
 * The order in which `npm test`'s three workers take the project's test files: the long ones first, from a
 * fixed table, the rest in vitest's own order after them. The two control lanes come first, so they start
 * at once on two workers and the third takes everything else (vitest.config.ts). vitest orders by its
 * results cache, which a clean clone (CI) does not have: it then fell back to file size, so the vacuity
 * guard's file (a small file, 70 s of CLI runs) started last and ran alone at the end while the other
 * worker was idle.
 * Figures: seconds in one `npm test` on 2 cores (December 2026, bench/RESULTS.md). A file not listed
 * keeps its place among the unlisted ones. (The vacuity file beside the first exchange2013 batch instead
 * of the second made no difference to the wall time in two runs each, 322-336 s against 326-330 s; each
 * order saw one health rule voided at 1.2-1.7 s of lag and run again.)
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Path under the package root -> seconds it took in one npm test. */
export const TEST_SECONDS: Readonly<Record<string, number>> = {
  'test/controls/lane-2.test.ts': 133,
  'test/controls/lane-1.test.ts': 129,
  'harness/test/hostile-lab.test.ts': 30,
  'harness/probe/fixtures.test.ts': 20,
  'test/github/action-local.test.ts': 18,
  'harness/test/cli-run.test.ts': 16,
  'harness/load/load-lab.test.ts': 13,
  'harness/topology/run-topology.test.ts': 11,
  'mocks/cas/legacy/legacy.test.ts': 10,
};

const pathOf = (spec: TestSpecification) => relative(ROOT, spec.moduleId);

/** The listed files longest first, then the others in the order given (Array.prototype.sort is stable). */
export function longestFirst(paths: readonly string[]): string[] {
  return [...paths].sort((a, b) => (TEST_SECONDS[b] ?? 0) - (TEST_SECONDS[a] ?? 0));
}

/** vitest `sequence.sequencer` of npm test. */
export class TestFileOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const order = longestFirst(base.map(pathOf));
    return [...base].sort((a, b) => order.indexOf(pathOf(a)) - order.indexOf(pathOf(b)));
  }
}
