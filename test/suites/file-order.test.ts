import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { FILE_SECONDS, byKnownLength } from '../../suites/support/file-order.ts';

const SUITES = fileURLToPath(new URL('../../suites/', import.meta.url));

test('suite files run longest first from the fixed table, the rest by name', () => {
  expect(byKnownLength(['owa.test.ts', 'identity.test.ts', 'ews.test.ts', 'health.test.ts', 'cookies.test.ts'])).toEqual(['health.test.ts', 'cookies.test.ts', 'identity.test.ts', 'ews.test.ts', 'owa.test.ts']);
});

test('every file the table names exists in suites/ (a renamed file would silently lose its place)', () => {
  const files = readdirSync(SUITES).filter((f) => f.endsWith('.test.ts'));
  expect(Object.keys(FILE_SECONDS).filter((f) => !files.includes(f))).toEqual([]);
});
