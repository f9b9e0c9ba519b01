/**
 * `cas-conformance load` refuses bad input and values above the hard caps with one line and exit 2,
 * before any lab starts; `--export k6 FILE` writes the script without a lab.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/cas-conformance.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, 'load', ...args], { encoding: 'utf8', timeout: 30_000 });

describe('cas-conformance load, bad input', () => {
  it.each([
    [['--users', '101'], /--users 101 is above the hard cap of 100/],
    [['--seconds', '301'], /--seconds 301 is above the hard cap of 300/],
    [['--rate', '201'], /--rate 201 is above the hard cap of 200/],
    [['--users', 'many'], /--users must be a whole number/],
    [['--front-door', 'nope'], /unknown front door "nope"/],
    [['--defect', 'misroute-1pct', '--front-door', 'nginx'], /--defect applies to the reference front door only/],
    [['--defect', 'nope'], /--defect nope: not a defect/],
    [['--export', 'artillery', 'x.yml'], /--export must be k6/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j: one line, exit 2', (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.split('\n')[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--export k6 FILE writes the script and starts no lab', () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-cli-'));
    try {
      const r = cli('--export', 'k6', join(dir, 'load.js'), '--users', '4', '--seconds', '5');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(existsSync(join(dir, 'load.js'))).toBe(true);
      expect(r.stdout).toMatch(/k6 script: 4 users, 4 operations\/s for 5 s/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
