/**
 * A temp folder the lab owns (keys, state file, hosts file): removed when the lab stops and, should
 * the process end without stopping it (a suite worker exiting), at process exit. Issue 15: 294 lab
 * folders were left in /tmp after an afternoon of runs. `keep` (`--keep-lab`) leaves it for a look.
 */
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const pending = new Set<string>();
let hooked = false;

function removeNow(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 2 });
  } catch {
    // best effort: a folder that cannot be removed is not worth failing a run over
  }
  pending.delete(path);
}

/**
 * Own `path`: it is removed by `remove()` or at process exit, whichever comes first.
 * @example
 * const t = ownTempDir(mkdtempSync(join(tmpdir(), 'cas-lab-')), false);
 * lab.onStop(async () => t.remove());
 */
export function ownTempDir(path: string, keep: boolean): { path: string; remove(): void } {
  if (keep) return { path, remove: () => {} };
  pending.add(path);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const p of [...pending]) removeNow(p);
    });
  }
  return { path, remove: () => removeNow(path) };
}

/**
 * Where labs put their temp folders: CAS_LAB_TMP when `cas-conformance run` made one for the run (it
 * removes that whole folder at exit, even when a suite worker was killed before its own hook ran),
 * else the system temp folder.
 */
export function labTempRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.CAS_LAB_TMP;
  return root && existsSync(root) ? root : tmpdir();
}
