/**
 * How the harness starts the reference front door: from its bundle (bin/bundle.js, rebuilt whenever a
 * source changes), else through tsx. A run starts one reference per world (19 in a full exchange2013
 * run, 64 in `npm test`); through tsx each start spent about 0.5 s of CPU transpiling the same sources.
 * @example
 * spawn(process.execPath, await referenceArgs());   // ['/…/.cache/bundles/reference-3f2a…/reference.mjs']
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../../bin/bundle.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = 'frontdoors/reference/main.ts';

let built: Promise<string[]> | null = null;

/** The arguments for process.execPath that start the reference (resolved once per process). */
export function referenceArgs(): Promise<string[]> {
  built ??= bundled(ENTRY, 'reference').then(
    (file) => [file],
    () => [join(ROOT, 'bin/run-ts.js'), ENTRY],
  );
  return built;
}
