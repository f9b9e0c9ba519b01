/**
 * The checked-in probes of the mocks (mocks/builds/probes/) are what the mocks answer today: every
 * build is probed again in one probe lab and compared byte for byte. When a mock changes on
 * purpose, `cas-conformance probe fixtures` writes them again. Starts a lab: run under the shared lock.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILDS } from '../../mocks/builds/catalogue.ts';
import { generateFixtures } from '../cli/commands/probe-fixtures.ts';
import { fixturePath } from './fixtures.ts';

describe('checked-in probes of the mocks', () => {
  it('match a fresh probe of the mock of every build', { timeout: 300_000 }, async () => {
    const fresh = await generateFixtures(BUILDS.map((b) => b.id));
    expect(fresh.size).toBe(BUILDS.length);
    const stale = [...fresh].filter(([id, text]) => readFileSync(fixturePath(id), 'utf8') !== text).map(([id]) => id);
    expect(stale, 'regenerate with: cas-conformance probe fixtures').toEqual([]);
  });
});
