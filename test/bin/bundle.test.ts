// bin/bundle.js: the CLI and the reference start from bundles; a bundle must behave as its sources do
// (import.meta.url is each source's own) and must never run a stale source.
import { describe, expect, it } from 'vitest';
import { readFileSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundled, bundledSet } from '../../bin/bundle.js';

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

  it('bundles several entries together: a module they share is one instance', async () => {
    const dir = await bundledSet({ entry: ENTRY, second: 'test/fixtures/bundle/second.ts' }, `${NAME}-set`);
    const a = (await import(pathToFileURL(join(dir, 'entry.mjs')).href)) as { counter: { n: number } };
    const b = (await import(pathToFileURL(join(dir, 'second.mjs')).href)) as { counter: { n: number } };
    expect(a.counter).toBe(b.counter);
    expect(await bundledSet({ second: 'test/fixtures/bundle/second.ts', entry: ENTRY }, `${NAME}-set`)).toBe(dir);
    // Other entries under the same name (a suite file added): built again, not the folder of the old ones.
    const alone = await bundledSet({ entry: ENTRY }, `${NAME}-set`);
    expect(alone).not.toBe(dir);
  });

  it('keeps its own paths when it is bundled itself (it finds the same bundles as unbundled)', async () => {
    const dir = await bundledSet({ second: 'test/fixtures/bundle/second.ts' }, `${NAME}-self`);
    const m = (await import(pathToFileURL(join(dir, 'second.mjs')).href)) as { bundled: typeof bundled };
    // Its bundled copy once took .cache/bundles/ for the package root: every reference the CLI started then ran through tsx.
    expect(await m.bundled(ENTRY, NAME)).toBe(await bundled(ENTRY, NAME));
  });
});
