// TypeScript entries of this package as JavaScript (esbuild; npm packages stay imports): a folder
// under .cache/bundles/ holding the entries and a chunk per dynamic import or shared part, beside a
// manifest listing the sources with their mtimes and sizes. A later start whose sources are unchanged
// loads the entry as is (a stat per source, no build); a changed source rebuilds it.
// Why: through tsx, every start of the CLI spent about 1.5 s of CPU transpiling the same sources and
// every start of the reference front door about 0.5 s; `npm test` starts the CLI 40 times and the
// reference 64 times. The suite workers load the suites from one too (harness/cli/suite-bundle.ts).
// Plain JavaScript so that bin/cas-conformance.js can use it before any loader.
// `import.meta.url` is replaced in each source by that source's own URL, so paths computed from it
// (the package root, config templates) are the same as when the file runs unbundled.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** This file: a bundle built by another version of it may differ although no source did. */
const SELF = fileURLToPath(import.meta.url);
/** Inside the package, so a bundle's bare imports resolve from its node_modules. */
const DIR = join(ROOT, '.cache', 'bundles');
/** What the plugin below replaces, spelled so that this file's own text holds no occurrence of it (it is bundled too). */
const META_URL = ['import', 'meta', 'url'].join('.');
/** Bundles of earlier source states older than this are removed when a new one is written. */
const KEEP_OLD_MS = 3_600_000;

/** @param {string} path */
function stamp(path) {
  const s = statSync(path);
  return `${s.mtimeMs}:${s.size}`;
}

/**
 * @param {string} manifest @param {string} entriesKey the entries asked for, as the manifest records them
 * @returns {string | null} the bundle's folder when it holds these entries and neither a source nor this
 *   bundler changed since it was built
 */
function fresh(manifest, entriesKey) {
  try {
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    if (m.entries !== entriesKey || m.bundler !== stamp(SELF)) return null;
    for (const [path, was] of Object.entries(m.inputs)) if (stamp(join(ROOT, path)) !== was) return null;
    statSync(join(m.dir, '.complete'));
    return m.dir;
  } catch {
    return null;
  }
}

/**
 * A bundle's files written into a folder aside, then the folder renamed into place: a process starting
 * from it in parallel sees all of it or none. The name is the content's hash, so a folder already there
 * (another process built the same sources first) is the same bundle and is kept.
 * @param {string} dir @param {{ rel: string, text: string }[]} files
 */
function writeDirAtomically(dir, files) {
  try {
    statSync(join(dir, '.complete'));
    return;
  } catch {
    // not there yet
  }
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(dirname(join(tmp, f.rel)), { recursive: true });
    writeFileSync(join(tmp, f.rel), f.text, { mode: 0o644 });
  }
  writeFileSync(join(tmp, '.complete'), '', { mode: 0o644 });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
    // Another process renamed the same bundle into place first: theirs is complete and identical.
    statSync(join(dir, '.complete'));
  }
}

/** Written aside and renamed: a process starting from it in parallel never reads half a file. @param {string} file @param {string} text */
function writeAtomically(file, text) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

/**
 * The bundle of `entry` (a path under the package root), built if a source changed.
 * Throws when it cannot be built or written (the caller falls back to tsx).
 * @param {string} entry e.g. 'harness/cli/main.ts'
 * @param {string} name e.g. 'cli'
 * @returns {Promise<string>} absolute path of the .mjs file
 */
export async function bundled(entry, name) {
  return join(await bundledSet({ [name]: entry }, name), `${name}.mjs`);
}

/**
 * Several entries bundled together (`<out>.mjs` each, code they share in chunks beside them, so a module
 * they share is one instance): the suite files and their setup file. Built if a source changed or the
 * entries are not the ones the last build had (a suite file added or removed).
 * Throws when it cannot be built or written (the caller falls back to the sources).
 * @param {Record<string, string>} entries output name -> path under the package root
 * @param {string} name the bundle's name (its manifest and folder prefix)
 * @returns {Promise<string>} absolute path of the bundle's folder
 */
export async function bundledSet(entries, name) {
  if (process.env.CAS_NO_BUNDLE === '1') throw new Error('CAS_NO_BUNDLE=1');
  const manifest = join(DIR, `${name}.json`);
  const entriesKey = JSON.stringify(Object.entries(entries).sort());
  const ready = fresh(manifest, entriesKey);
  if (ready) return ready;
  const esbuild = await import('esbuild');
  /** @type {import('esbuild').Plugin} */
  const ownUrl = {
    name: 'own-import-meta-url',
    setup(b) {
      // .js too: bin/bundle.js itself is bundled into the CLI (through the reference's launcher), and with
      // the bundle's own URL its ROOT was .cache/bundles: every reference the CLI started fell back to tsx.
      b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        return { contents: text.replaceAll(META_URL, JSON.stringify(pathToFileURL(args.path).href)), loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
      });
    },
  };
  // Split at every dynamic import: a chunk's own packages load only when it does. As one file, every
  // package import of every command was hoisted to the top, so `run` loaded msw, undici, imapflow,
  // tough-cookie and saxes (about 0.5 s of CPU) for nothing, 40 times per `npm test`.
  const out = await esbuild.build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, join(ROOT, v)])), absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    packages: 'external', write: false, metafile: true, logLevel: 'silent', plugins: [ownUrl],
    splitting: true, outdir: join(DIR, 'out'), entryNames: '[name]', chunkNames: 'chunk-[hash]', outExtension: { '.js': '.mjs' },
  });
  const files = out.outputFiles.map((f) => ({ rel: relative(join(DIR, 'out'), f.path), text: f.text })).sort((a, b) => (a.rel < b.rel ? -1 : 1));
  const hash = createHash('sha256');
  for (const f of files) hash.update(f.rel).update('\0').update(f.text).update('\0');
  mkdirSync(DIR, { recursive: true });
  const dir = join(DIR, `${name}-${hash.digest('hex').slice(0, 16)}`);
  writeDirAtomically(dir, files);
  const inputs = Object.fromEntries(Object.keys(out.metafile.inputs).map((p) => [p, stamp(join(ROOT, p))]));
  writeAtomically(manifest, JSON.stringify({ entries: entriesKey, bundler: stamp(SELF), dir, inputs }));
  for (const f of readdirSync(DIR)) {
    const p = join(DIR, f);
    try {
      // This name's folders only: `test-fixture-` is also the start of `test-fixture-set-<hash>`.
      if (p !== dir && f.length === name.length + 17 && f.startsWith(`${name}-`) && /^[0-9a-f]{16}$/.test(f.slice(-16)) && Date.now() - statSync(p).mtimeMs > KEEP_OLD_MS) rmSync(p, { recursive: true, force: true });
    } catch {
      // housekeeping only
    }
  }
  return dir;
}
