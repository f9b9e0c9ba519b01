import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { TEST_SECONDS, longestFirst } from './test-order.ts';

test('the listed test files go first, longest first; the others keep their order', () => {
  expect(longestFirst(['a.test.ts', 'harness/test/hostile-lab.test.ts', 'b.test.ts', 'test/controls/lane-1.test.ts', 'test/controls/lane-2.test.ts'])).toEqual(['test/controls/lane-2.test.ts', 'test/controls/lane-1.test.ts', 'harness/test/hostile-lab.test.ts', 'a.test.ts', 'b.test.ts']);
});

test('every file the table names exists (a renamed file would silently lose its place)', () => {
  expect(Object.keys(TEST_SECONDS).filter((p) => !existsSync(fileURLToPath(new URL(`../../${p}`, import.meta.url))))).toEqual([]);
});
