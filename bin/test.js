#!/usr/bin/env node
// `npm test`: the typecheck and the tests side by side, not one after the other. tsc takes about 15 s
// of one core and vitest's first minutes leave a core free, so running tsc first only delayed every
// test by its length. Exit code: the first non-zero of the two (tsc's output is printed at the end,
// after vitest's, so a type error is the last thing on the screen). Arguments go to vitest.
//
// The tests get a temporary directory of their own (TMPDIR): whatever is still in it when vitest ends was
// left behind by a test or by something a test started, and fails the run by name (the brief: temp files
// are cleaned). Three test files left a directory per run in /tmp before this guard found them.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

/** @param {string[]} args @param {boolean} capture @returns {Promise<{ code: number, out: string }>} */
function run(args, capture, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', env });
    let out = '';
    if (capture) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.on('error', (e) => resolve({ code: 2, out: `${out}${e.message}\n` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

const testTmp = mkdtempSync(join(tmpdir(), 'cas-test-'));
// 0711: services a test starts under other users (dovecot's) reach their own directories in it, nobody lists it.
chmodSync(testTmp, 0o711);
// tsx keeps its transform cache in TMPDIR/tsx-<euid>: a cache shared between runs, not a leftover. The link
// keeps it where it always was, warm from one npm test to the next.
const tsxName = `tsx-${process.geteuid?.() ?? 'user'}`;
mkdirSync(join(tmpdir(), tsxName), { recursive: true, mode: 0o700 });
symlinkSync(join(tmpdir(), tsxName), join(testTmp, tsxName));
const removeTestTmp = () => rmSync(testTmp, { recursive: true, force: true });
for (const sig of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(sig, () => (removeTestTmp(), process.exit(130)));

const [tsc, vitest] = await Promise.all([
  run([tscBin, '--noEmit'], true),
  run([vitestBin, 'run', ...process.argv.slice(2)], false, { ...process.env, TMPDIR: testTmp }),
]);
unlinkSync(join(testTmp, tsxName));
const leftovers = readdirSync(testTmp);
removeTestTmp();
if (tsc.code !== 0) process.stdout.write(`\ntypecheck (tsc --noEmit) failed:\n${tsc.out}`);
else process.stdout.write('\ntypecheck (tsc --noEmit): no errors\n');
if (leftovers.length) process.stdout.write(`\nthe tests left ${leftovers.length} temporary entr${leftovers.length === 1 ? 'y' : 'ies'} behind (now removed): ${leftovers.slice(0, 20).join(', ')}\n`);
else process.stdout.write('temporary files: none left behind\n');
process.exitCode = tsc.code || vitest.code || (leftovers.length ? 1 : 0);
