/**
 * How the harness starts the reference front door: as one JavaScript file that esbuild bundled from
 * frontdoors/reference (packages left as imports), kept under .cache/ by the digest of its text.
 * Why: a run starts one reference per world (19 in a full exchange2013 run, hundreds in `npm test`),
 * and through tsx each start spent about 0.5 s of CPU transpiling the same sources again; the bundle
 * starts in about 0.13 s. The bundle is rebuilt whenever a source changes (the digest of the output
 * names the file), so it never runs stale code. Where it cannot be built or written (a read-only
 * install, no esbuild binary for this platform) the reference runs through tsx as before.
 * @example
 * const { args, how } = await referenceCommand();   // args: ['/…/.cache/frontdoor-reference/3f2a….mjs']
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = 'frontdoors/reference/main.ts';
/** Inside the package, so the bundle's bare imports (undici, js-md4) resolve from its node_modules. */
const DIR = join(ROOT, '.cache', 'frontdoor-reference');
/** Bundles of earlier source states older than this are removed when a new one is written. */
const KEEP_OLD_MS = 3_600_000;

export interface ReferenceCommand {
  /** Arguments for process.execPath. */
  args: string[];
  /** 'bundle', or 'tsx' with why the bundle was not used. */
  how: string;
}

let built: Promise<ReferenceCommand> | null = null;

/** The command that starts the reference (built once per process; later calls reuse it). */
export function referenceCommand(): Promise<ReferenceCommand> {
  built ??= build().catch((err: Error) => ({ args: [join(ROOT, 'bin/run-ts.js'), ENTRY], how: `tsx (no bundle: ${err.message.split('\n')[0]})` }));
  return built;
}

async function build(): Promise<ReferenceCommand> {
  if (process.env.CAS_REFERENCE_TSX === '1') throw new Error('CAS_REFERENCE_TSX=1');
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: [join(ROOT, ENTRY)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const text = out.outputFiles[0]!.text;
  const file = join(DIR, `${createHash('sha256').update(text).digest('hex').slice(0, 20)}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    // Written aside and renamed: a reference starting in another process never reads half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, file);
    removeOld(file);
  }
  return { args: [file], how: 'bundle' };
}

function removeOld(keep: string): void {
  try {
    for (const name of readdirSync(DIR)) {
      const p = join(DIR, name);
      if (p !== keep && Date.now() - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { force: true });
    }
  } catch {
    // housekeeping only
  }
}
