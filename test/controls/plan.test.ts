/**
 * The control plan itself (plan.ts): every row runs in exactly one batch of one test file, no batch judges
 * a rule twice, and every defect a row names exists. A control naming a defect nobody implements is no
 * control: it fails here, loudly, not as a todo.
 */
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFECTS } from '../../frontdoors/reference/options.ts';
import { MOCK_DEFECTS } from '../../harness/frontdoor/mock-defects/index.ts';
import { AREAS } from './areas/index.ts';
import { CONTROL_FILES, configKey, plan } from './plan.ts';

describe('control plan', () => {
  const batches = plan();

  test('every defect the controls name exists (reference DEFECTS or in-lab mock defects)', () => {
    const known = (d: string) => (DEFECTS as readonly string[]).includes(d) || d in MOCK_DEFECTS;
    expect(AREAS.flatMap((a) => a.rows.flatMap((r) => (r.defects ?? []).filter((d) => !known(d)).map((d) => `${a.area}: ${d}`)))).toEqual([]);
  });

  test('every row is in exactly one batch, and no batch judges a rule twice', () => {
    expect(batches.reduce((n, b) => n + b.rows.length, 0)).toBe(AREAS.reduce((n, a) => n + a.rows.length, 0));
    for (const b of batches) {
      const ids = b.rows.flatMap((r) => r.rules);
      expect(new Set(ids).size, b.name).toBe(ids.length);
      expect(new Set(b.rows.map(configKey)).size, b.name).toBe(1);
    }
  });

  test('every batch belongs to a test file that exists', () => {
    for (const b of batches) {
      expect(Object.keys(CONTROL_FILES), b.name).toContain(b.file);
      expect(existsSync(fileURLToPath(new URL(`./${b.file}.test.ts`, import.meta.url))), `test/controls/${b.file}.test.ts`).toBe(true);
    }
  });

  test('every area names its page under docs/negative-controls', () => {
    for (const a of AREAS) expect(existsSync(fileURLToPath(new URL(`../../${a.doc}`, import.meta.url))), a.doc).toBe(true);
  });
});
