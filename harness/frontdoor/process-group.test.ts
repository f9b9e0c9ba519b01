/**
 * Nothing a candidate starts outlives it (issue 15, "Orphans"): a shell wrapper that starts a child
 * listener and waits is stopped whole; a harness killed with SIGKILL takes the wrapper and its child
 * along (setpriv --pdeathsig on the supervisor); a candidate that exits by itself leaves no child.
 */
import { describe, expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnGroup, stopGroup } from './process-group.ts';
import { processesMentioning } from './adapters/test-support.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A wrapper in the style of FRONTDOOR.md: starts the real (here: a stand-in) listener in the background and waits. */
function wrapper(dir: string, marker: string): string {
  const listener = join(dir, 'listener.cjs');
  writeFileSync(listener, `require('net').createServer((s) => s.end()).listen(0, '127.0.0.1', () => console.log('listening'));\n`);
  const file = join(dir, 'wrapper.sh');
  writeFileSync(file, `#!/bin/sh\n${JSON.stringify(process.execPath)} ${JSON.stringify(listener)} ${marker} &\nwait\n`);
  return file;
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let i = 0; i < 400 && Date.now() < deadline; i++) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 25)); // bounded poll of another process's state (no event exists for it)
  }
  return cond();
}

function cleanup(marker: string): void {
  for (const pid of processesMentioning(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

describe.skipIf(process.platform !== 'linux')('process groups', () => {
  test('stopping a `sh wrapper.sh` candidate stops the listener it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    const marker = `cas-pg-stop-${process.pid}-${Date.now()}`;
    try {
      const g = spawnGroup(`sh ${wrapper(dir, marker)}`, [], { cwd: dir, env: process.env, shell: true });
      const out: string[] = [];
      g.child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
      expect(await until(() => out.join('').includes('listening'), 10_000)).toBe(true);
      expect(processesMentioning(marker)).toHaveLength(1);
      await stopGroup(g, 3000);
      expect(await until(() => processesMentioning(marker).length === 0, 5000)).toBe(true);
    } finally {
      cleanup(marker);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a candidate that exits by itself leaves none of its children behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    const marker = `cas-pg-exit-${process.pid}-${Date.now()}`;
    try {
      const listener = join(dir, 'l.cjs');
      const ready = join(dir, 'ready');
      writeFileSync(listener, `require('net').createServer().listen(0, '127.0.0.1', () => require('fs').writeFileSync(${JSON.stringify(ready)}, 'x'));\n`);
      // The candidate leaves once its child listens (a bounded wait inside the candidate itself).
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(listener)} ${marker} & i=0; while [ ! -f ${ready} ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; exit 3`;
      const g = spawnGroup(cmd, [], { cwd: dir, env: process.env, shell: true });
      const exited = new Promise<number | null>((r) => g.child.once('exit', (code) => r(code)));
      expect(await exited).toBe(3);
      expect(await until(() => processesMentioning(marker).length === 0, 5000)).toBe(true);
    } finally {
      cleanup(marker);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a harness killed with SIGKILL takes the wrapper and its listener along', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-'));
    const marker = `cas-pg-kill-${process.pid}-${Date.now()}`;
    try {
      const script = wrapper(dir, marker);
      const harness = join(dir, 'harness.mts'); // .mts: ESM outside the project's package scope
      writeFileSync(harness, `import { spawnGroup } from ${JSON.stringify(join(ROOT, 'harness/frontdoor/process-group.ts'))};
const g = spawnGroup(${JSON.stringify(`sh ${script}`)}, [], { cwd: ${JSON.stringify(dir)}, env: process.env, shell: true });
g.child.stdout.on('data', (d) => d.toString().includes('listening') && console.log('READY'));
setInterval(() => {}, 1000);\n`);
      const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), harness], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ready = await new Promise<boolean>((r) => {
        const t = setTimeout(() => r(false), 15_000);
        child.stdout.on('data', (d: Buffer) => d.toString().includes('READY') && (clearTimeout(t), r(true)));
      });
      expect(ready).toBe(true);
      expect(processesMentioning(marker)).toHaveLength(1);
      child.kill('SIGKILL');
      expect(await until(() => processesMentioning(marker).length === 0, 6000)).toBe(true);
      // pgrep -f, as a user would check (exit 1: no process matched).
      expect(spawnSync('pgrep', ['-f', marker]).status).toBe(1);
    } finally {
      cleanup(marker);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
