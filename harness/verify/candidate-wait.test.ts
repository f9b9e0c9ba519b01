/**
 * The candidate's run-queue wait: busy processes outnumbering the cores wait for a CPU, and the sampler
 * reads that wait for the group between two times; a group it does not know reads 0.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { startCandidateWait } from './candidate-wait.ts';

describe.skipIf(process.platform !== 'linux')('candidate run-queue wait', () => {
  it('reads the wait of a group whose processes outnumber the cores, and 0 for no group', async () => {
    // One detached leader (its own group) running busy loops: one per core plus two, so some must wait.
    const loops = availableParallelism() + 2;
    const script = `const { fork } = require('node:child_process'); if (process.argv[2] !== 'child') for (let i = 1; i < ${loops}; i++) fork(__filename, ['child']); const end = Date.now() + 5000; while (Date.now() < end) {}`;
    const file = `/tmp/cas-busy-${process.pid}.cjs`;
    (await import('node:fs')).writeFileSync(file, script);
    const leader = spawn(process.execPath, [file], { detached: true, stdio: 'ignore' });
    try {
      const wait = startCandidateWait(leader.pid);
      const from = Date.now();
      // Until the sampler has seen some wait (the loops run 5 s): read after each of its samples,
      // bounded by the loops' own life.
      const deadline = from + 4000;
      let waited = 0;
      while ((waited = wait.waitBetween(from, Date.now())) === 0 && Date.now() < deadline) await wait.sampled();
      wait.stop();
      expect(waited).toBeGreaterThan(0);
      expect(waited).toBeLessThan(3000);
      expect(startCandidateWait(undefined).waitBetween(from, Date.now())).toBe(0);
    } finally {
      try {
        process.kill(-leader.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      (await import('node:fs')).rmSync(file, { force: true });
    }
  });
});
