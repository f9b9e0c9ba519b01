// bin/bundle.js: the CLI and the reference start from bundles; a bundle must behave as its sources do
// (import.meta.url is each source's own) and must never run a stale source.
import { describe, expect, it } from 'vitest';
import { readFileSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundled } from '../../bin/bundle.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = 'test/fixtures/bundle/entry.ts';
const NAME = 'test-fixture';

describe('bundled', () => {
  it('keeps each source its own import.meta.url', async () => {
    const file = await bundled(ENTRY, NAME);
    const m = (await import(pathToFileURL(file).href)) as { ownUrl: string; ownPath: string; ANSWER: number };
    expect(m.ownUrl).toBe(pathToFileURL(join(ROOT, ENTRY)).href);
    expect(m.ownPath).toBe(join(ROOT, 'test/fixtures/bundle') + '/');
    expect(m.ANSWER).toBe(42);
  });

  it('rebuilds when a source changes, and reuses the bundle when none did', async () => {
    const first = await bundled(ENTRY, NAME);
    const manifest = join(ROOT, '.cache/bundles', `${NAME}.json`);
    const before = readFileSync(manifest, 'utf8');
    expect(await bundled(ENTRY, NAME)).toBe(first);
    expect(readFileSync(manifest, 'utf8')).toBe(before);
    // A dependency touched (a checkout changes mtimes): the manifest no longer matches, so it is rebuilt.
    const dep = join(ROOT, 'test/fixtures/bundle/dep.ts');
    const later = new Date(Date.now() + 5_000);
    utimesSync(dep, later, later);
    await bundled(ENTRY, NAME);
    expect(readFileSync(manifest, 'utf8')).not.toBe(before);
  });
});
