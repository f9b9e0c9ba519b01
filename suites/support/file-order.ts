/**
 * The order in which a run's suite workers take the suite files: longest first, from a fixed table, so
 * every run of one candidate schedules the same way. vitest's own order comes from its results cache:
 * failed files first, then the longest of the last run. A run against a broken candidate (or a control
 * run) therefore reordered the next run of the reference: one started security.test.ts and eas.test.ts
 * first and health.test.ts (the longest, timer-bound) behind them. The figures are seconds of one
 * reference run on 2 cores (bench/RESULTS.md); files not listed (short or new ones) come after, by name.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** File name -> seconds it took in a full exchange2013 run against the reference (December 2026). */
export const FILE_SECONDS: Readonly<Record<string, number>> = {
  'health.test.ts': 23,
  'cookies.test.ts': 14.5,
  'identity.test.ts': 9.4,
  'mail.test.ts': 6.4,
  'tls.test.ts': 3,
  'outlook-anywhere.test.ts': 1.9,
  'auth.test.ts': 0.7,
  'versions.test.ts': 0.6,
  'autodiscover.test.ts': 0.5,
  'eas.test.ts': 0.3,
};

// A bundled run (harness/cli/suite-bundle.ts) collects health.test.mjs for health.test.ts.
const nameOf = (spec: TestSpecification) => (spec.moduleId.split('/').pop() ?? spec.moduleId).replace(/\.mjs$/, '.ts');

/** Sort the suite files longest first by {@link FILE_SECONDS}, then by name. */
export function byKnownLength(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (FILE_SECONDS[b] ?? 0) - (FILE_SECONDS[a] ?? 0) || a.localeCompare(b));
}

/** vitest `sequence.sequencer` of the suites. */
export class SuiteFileOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const order = byKnownLength(files.map(nameOf));
    return [...files].sort((a, b) => order.indexOf(nameOf(a)) - order.indexOf(nameOf(b)));
  }
}
