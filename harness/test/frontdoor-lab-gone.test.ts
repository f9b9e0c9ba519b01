/**
 * `cas-conformance frontdoor reference --state s.json` stops by itself, with exit code 3 and one line
 * saying why, when its lab goes away (issue 15: it kept running and logging ECONNREFUSED after `lab up`
 * had stopped): when the lab's folder is removed, and when the lab's directory refuses connections.
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab } from '../lab/lab.ts';
import { writeStateFile } from '../lab/state.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Start the standalone reference against a lab; resolves once it printed READY. */
function startReference(stateFile: string) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'frontdoor', 'reference', '--state', stateFile], { env: { ...process.env, CAS_FRONTDOOR_QUIET: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (out += d));
  const exited = new Promise<{ code: number | null; ms: number }>((r) => {
    let gone = 0;
    child.on('exit', (code) => r({ code, ms: Date.now() - gone }));
    // Measured from when the test takes the lab away.
    (child as unknown as { markGone: () => void }).markGone = () => (gone = Date.now());
  });
  const ready = new Promise<boolean>((r) => {
    const t = setTimeout(() => r(false), 30_000);
    child.stdout.on('data', () => out.includes('READY') && (clearTimeout(t), r(true)));
    child.on('exit', () => r(false));
  });
  return { child, ready, exited, output: () => out, markGone: () => (child as unknown as { markGone: () => void }).markGone() };
}

describe.skipIf(process.platform !== 'linux')('the standalone reference follows its lab', () => {
  test('the lab stops and its folder goes: the reference exits 3, saying so', async () => {
    const lab = await startLab({ topology: 'contoso' });
    const stateFile = join(lab.stateDir, 'state.json');
    const fd = startReference(stateFile);
    try {
      expect(await fd.ready, fd.output()).toBe(true);
      fd.markGone();
      await lab.stop();
      const { code, ms } = await fd.exited;
      expect(code).toBe(3);
      expect(fd.output()).toMatch(/reference front door: stopping: its lab's folder is gone/);
      expect(ms).toBeLessThan(10_000);
    } finally {
      fd.child.kill('SIGKILL');
      await lab.stop();
    }
  }, 60_000);

  test('the lab\'s directory refuses connections (folder kept): the reference exits 3 within seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-kept-'));
    const lab = await startLab({ topology: 'contoso', stateDir: dir });
    const stateFile = join(dir, 's.json');
    writeStateFile(stateFile, lab.state());
    const fd = startReference(stateFile);
    try {
      expect(await fd.ready, fd.output()).toBe(true);
      fd.markGone();
      await lab.stop();
      const { code, ms } = await fd.exited;
      expect(code).toBe(3);
      expect(fd.output()).toMatch(/reference front door: stopping: the lab's directory at http:\/\/127\.0\.0\.1:\d+ refused 5 connections in a row/);
      expect(ms).toBeLessThan(15_000);
    } finally {
      fd.child.kill('SIGKILL');
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
