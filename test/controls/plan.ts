/**
 * The control runs of `npm test`: every area's rows (areas/) packed into as few CLI runs as they fit.
 * A run has one candidate configuration (profile, build, hardened, front door) and judges each of its
 * rules against that rule's own row's defects (`run --rule-defects`), so rows of any area share a run as
 * long as no rule appears twice in it. Packed per area file, `npm test` made 27 runs; packed across areas
 * it makes 9: each run costs about 3 s of CPU before and after its rules (a CLI start, a suite worker
 * and its default world, the reports).
 *
 * Each batch is run by exactly one of two lanes (CONTROL_FILES: test/controls/<lane>.test.ts), one after
 * another in its lane; then each lane runs its share of the vacuity guard (vacuity.ts VACUITY_RUNS) and of
 * the hung guard (hung.ts). npm test gives the two lanes two of its three workers (vitest.config.ts) and
 * everything else the third. The lanes are balanced by their length in one npm test (December 2026):
 * lane-1 121 s of batches, lane-2 116 s of batches; the vacuity guard (68 s in one run: lane-2 three of its
 * four runs, lane-1 one, since lane-2 ended 30-40 s after lane-1 with all four) and the hung guard (32 s) are
 * split between them.
 */
import { AREAS } from './areas/index.ts';
import type { ControlArea, ControlRow } from './run-control.ts';

/** A row with the area it came from (its test name and doc say so). */
export interface PlannedRow extends ControlRow {
  area: string;
  doc: string;
}

/** One CLI run: rows of one candidate configuration, no rule twice. */
export interface Batch {
  /** e.g. "exchange2013 #2", "exchange2010 + hardened #1". */
  name: string;
  file: ControlFile;
  rows: PlannedRow[];
}

/** The test files under test/controls/ that run batches (each `<name>.test.ts` calls controlFile(name)). */
export const CONTROL_FILES = {
  'lane-1': 'the first exchange2013 batch (the longest run); exchange2010 and exchange2007 (the in-lab mock candidates, every build); every configuration with the hardened add-on, and other front doors; then its share of the vacuity guard (vacuity.ts) and of the hung guard (hung.ts)',
  'lane-2': 'the other exchange2013 batches, then the rest of the vacuity guard (vacuity.ts) and of the hung guard (hung.ts)',
} as const;
export type ControlFile = keyof typeof CONTROL_FILES;

const configOf = (r: ControlRow) => ({ profile: r.profile, build: r.build ?? '', hardened: !!r.hardened, frontDoor: r.frontDoor ?? '' });
/** Rows with the same key can share a CLI run: the candidate configuration. */
export const configKey = (r: ControlRow) => JSON.stringify(configOf(r));

function fileOf(r: ControlRow, index: number): ControlFile {
  const c = configOf(r);
  return c.profile === 'exchange2013' && !c.hardened && !c.frontDoor && index > 0 ? 'lane-2' : 'lane-1';
}

function nameOf(r: ControlRow, index: number): string {
  const c = configOf(r);
  return [c.profile, c.build, c.hardened ? '+ hardened' : '', c.frontDoor ? `front door ${c.frontDoor}` : ''].filter(Boolean).join(' ') + ` #${index + 1}`;
}

/** First fit, in area and row order: the same plan every run. */
export function plan(areas: readonly ControlArea[] = AREAS): Batch[] {
  const groups: { key: string; rows: PlannedRow[] }[] = [];
  for (const a of areas) {
    for (const row of a.rows) {
      const planned: PlannedRow = { ...row, area: a.area, doc: a.doc };
      const key = configKey(row);
      const fit = groups.find((g) => g.key === key && !g.rows.some((x) => x.rules.some((id) => row.rules.includes(id))));
      if (fit) fit.rows.push(planned);
      else groups.push({ key, rows: [planned] });
    }
  }
  const seen = new Map<string, number>();
  return groups.map((g) => {
    const index = seen.get(g.key) ?? 0;
    seen.set(g.key, index + 1);
    return { name: nameOf(g.rows[0]!, index), file: fileOf(g.rows[0]!, index), rows: g.rows };
  });
}
