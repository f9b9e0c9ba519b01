/**
 * How the harness starts the reference front door: from its bundle (bin/bundle.js, rebuilt whenever a
 * source changes), else through tsx. A run starts one reference per world (19 in a full exchange2013
 * run, 64 in `npm test`); through tsx each start spent about 0.5 s of CPU transpiling the same sources.
 * @example
 * const { args } = await referenceCommand();   // ['/…/.cache/bundles/reference-3f2a….mjs']
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundled } from '../../bin/bundle.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = 'frontdoors/reference/main.ts';

export interface ReferenceCommand {
  /** Arguments for process.execPath. */
  args: string[];
  /** 'bundle', or 'tsx' with why the bundle was not used. */
  how: string;
}

let built: Promise<ReferenceCommand> | null = null;

/** The command that starts the reference (resolved once per process). */
export function referenceCommand(): Promise<ReferenceCommand> {
  built ??= bundled(ENTRY, 'reference').then(
    (file) => ({ args: [file], how: 'bundle' }),
    (err: Error) => ({ args: [join(ROOT, 'bin/run-ts.js'), ENTRY], how: `tsx (no bundle: ${err.message.split('\n')[0]})` }),
  );
  return built;
}
