/**
 * The job's workspace, standing in for what actions/checkout would produce: a temp folder whose
 * top-level entries are symbolic links to the repository's tracked top-level files and folders (and
 * node_modules, which the action's install step then finds in place). The repository's working tree
 * is used as it is on disk; what the job writes at the top level (the report folders) lands in the
 * temp folder, never in the repository, and goes when the folder is removed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionLocalError } from './errors.ts';

/** Creates the workspace for `repo` and returns its path (the caller removes it). */
export function createWorkspace(repo: string): string {
  let tracked: string;
  try { tracked = execFileSync('git', ['-C', repo, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 << 20 }); } catch (e) {
    throw new ActionLocalError(`${repo}: not a git working tree (git ls-files: ${(e as Error).message.split('\n')[0]})`);
  }
  const top = new Set(tracked.split('\0').filter(Boolean).map((p) => p.split('/')[0]!));
  top.add('node_modules');
  const ws = realpathSync(mkdtempSync(join(tmpdir(), 'action-ws-')));
  for (const name of top) if (existsSync(join(repo, name))) symlinkSync(join(repo, name), join(ws, name));
  return ws;
}
