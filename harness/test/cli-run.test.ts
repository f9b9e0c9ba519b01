/**
 * A run through the real CLI leaves nothing behind (issue 15 acceptance):
 * - `run --front-door command:"sh wrapper.sh"`, where the wrapper (FRONTDOOR.md's style) starts the
 *   candidate and another child listener in the background and waits: after the run, `pgrep -f` finds
 *   neither; the wrapper is found relative to the user's working directory, not the package's;
 * - the labs' temp folders are gone from the temp folder (TMPDIR points at a private one here, so
 *   other labs running on this machine do not count), after a run of two rounds (`--repeat 2`);
 * - with `--keep-lab` they stay, private: folder 0700, state file (the control token) 0600;
 * - the terminal shows a start line at once, then `[k/N] <outcome> ID title` lines.
 */
import { describe, expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function run(args: string[], cwd: string, tmp: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'run', ...args], { cwd, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1', CAS_RUN_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

/** Lab and run folders in `dir` (what a run may leave behind). */
function leftovers(dir: string): string[] {
  return readdirSync(dir).filter((n) => /^cas-(lab|run)-/.test(n));
}

describe.skipIf(process.platform !== 'linux')('a run leaves no process and no folder behind', () => {
  test('command:"sh wrapper.sh" with a child listener: pgrep finds nothing after the run; no lab folder remains', async () => {
    const user = mkdtempSync(join(tmpdir(), 'cas-user-'));
    const tmp = mkdtempSync(join(tmpdir(), 'cas-tmpdir-'));
    const marker = `cas-orphan-${process.pid}-${Date.now()}`;
    try {
      mkdirSync(join(user, 'proxy'));
      // The wrapper lives in the user's folder and is named relative to it.
      writeFileSync(join(user, 'proxy', 'wrapper.sh'), [
        '#!/bin/sh',
        `${JSON.stringify(process.execPath)} -e "require('net').createServer().listen(0, '127.0.0.1')" ${marker}-child &`,
        `${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'test/controls/candidates/ok200.mjs'))} ${marker}-candidate &`,
        'wait',
        '',
      ].join('\n'));
      const r = await run(['--front-door', 'command:sh proxy/wrapper.sh', '--rule', 'EAS-03', '--repeat', '2', '--out', join(user, 'out')], user, tmp);
      expect(r.out.split('\n')[0]).toMatch(/^cas-conformance: starting the lab and command:sh proxy\/wrapper\.sh; 1 rules, profile exchange2013, 2 times$/);
      expect(r.out).toMatch(/^\[1\/1\] (FAIL|ERR) +EAS-03 /m);
      // The candidate started (it was found relative to the user's folder) and was judged.
      expect(r.out).not.toMatch(/could not start|not found|No such file/);
      expect(existsSync(join(user, 'out', 'report.json'))).toBe(true);
      expect(spawnSync('pgrep', ['-f', marker]).status, spawnSync('pgrep', ['-af', marker]).stdout.toString()).toBe(1);
      expect(leftovers(tmp)).toEqual([]);
    } finally {
      spawnSync('pkill', ['-KILL', '-f', marker]); // leave nothing behind even when the check fails
      rmSync(user, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);

  test('--keep-lab keeps the lab folder, private (0700) with its state file 0600', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cas-tmpdir-'));
    const out = mkdtempSync(join(tmpdir(), 'cas-out-'));
    try {
      const r = await run(['--rule', 'AUTOD-01', '--keep-lab', '--quiet', '--out', out], ROOT, tmp);
      const kept = /lab folders kept in (\S+)/.exec(r.out)?.[1];
      expect(kept, r.out).toMatch(/^\/\S+$/);
      const labs = readdirSync(kept!).filter((n) => n.startsWith('cas-lab-'));
      expect(labs.length).toBeGreaterThanOrEqual(1);
      const lab = join(kept!, labs[0]!);
      expect(statSync(lab).mode & 0o777).toBe(0o700);
      expect(statSync(join(lab, 'state.json')).mode & 0o777).toBe(0o600);
      expect(r.out).not.toMatch(/^\[\d/m); // --quiet: no progress lines
    } finally {
      rmSync(tmp, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
