#!/usr/bin/env node
// `npm test`: the typecheck and the tests side by side, not one after the other. tsc takes about 15 s
// of one core and vitest's first minutes leave a core free, so running tsc first only delayed every
// test by its length. Exit code: the first non-zero of the two (tsc's output is printed at the end,
// after vitest's, so a type error is the last thing on the screen). Arguments go to vitest.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const tscBin = require.resolve('typescript/bin/tsc');
const vitestBin = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');

/** @param {string[]} args @param {boolean} capture @returns {Promise<{ code: number, out: string }>} */
function run(args, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let out = '';
    if (capture) {
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
    }
    child.on('error', (e) => resolve({ code: 2, out: `${out}${e.message}\n` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

const [tsc, vitest] = await Promise.all([run([tscBin, '--noEmit'], true), run([vitestBin, 'run', ...process.argv.slice(2)], false)]);
if (tsc.code !== 0) process.stdout.write(`\ntypecheck (tsc --noEmit) failed:\n${tsc.out}`);
else process.stdout.write('\ntypecheck (tsc --noEmit): no errors\n');
process.exitCode = tsc.code || vitest.code;
