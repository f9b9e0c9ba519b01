/**
 * Steps that `uses:` an action from another repository (actions/checkout, actions/setup-node,
 * actions/upload-artifact...). They are not downloaded: each is reported "skipped: external action
 * (<name>), not available offline", followed by what the local run does instead, so the workflow still
 * means something without them. upload-artifact is the one with a check: the path it would upload
 * must exist and hold files after the run (a missing report fails the step, even where GitHub would
 * only warn), because "the reports were uploaded" is what that step stands for.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ActionLocalError } from './errors.ts';

/** What became of an external step. */
export interface ExternalResult { failed: boolean; note: string }

/** Where the local run stands in for an external action. */
export interface ExternalEnv { workspace: string; repo: string }

function filesUnder(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}

function checkUpload(withArgs: Record<string, string>, env: ExternalEnv, where: string): ExternalResult {
  const paths = (withArgs.path ?? '').split('\n').map((s) => s.trim()).filter(Boolean);
  if (paths.length === 0) throw new ActionLocalError(`${where}: upload-artifact without a path`);
  const notes: string[] = [];
  let failed = false;
  for (const p of paths) {
    if (/[*?[!]/.test(p)) throw new ActionLocalError(`${where}: upload-artifact path "${p}" is a pattern; the local runner checks plain paths only`);
    const abs = resolve(env.workspace, p);
    const files = existsSync(abs) ? filesUnder(abs) : [];
    if (files.length === 0) {
      failed = true;
      notes.push(`FAILED: ${p} ${existsSync(abs) ? 'is empty' : 'does not exist'} (nothing to upload; if-no-files-found: ${withArgs['if-no-files-found'] || 'warn'})`);
    } else {
      notes.push(`${p} holds ${files.length} file(s): ${files.map((f) => relative(abs, f) || p).sort().join(', ')}`);
    }
  }
  return { failed, note: `checked instead: ${notes.join('; ')}; artifact name "${withArgs.name || 'artifact'}"` };
}

/** Handles one external step: never runs it, says what stands in for it. */
export function runExternal(uses: string, withArgs: Record<string, string>, env: ExternalEnv, where: string): ExternalResult {
  const name = uses.split('@')[0]!;
  const skipped = `skipped: external action (${uses}), not available offline`;
  switch (name) {
    case 'actions/checkout':
      return { failed: false, note: `${skipped}; the workspace is ${env.workspace}, linking the working tree of ${env.repo} (files as they are on disk)` };
    case 'actions/setup-node':
      return { failed: false, note: `${skipped}; node ${process.version} from PATH runs the steps${withArgs['node-version'] ? ` (the step asks for ${withArgs['node-version']})` : ''}` };
    case 'actions/upload-artifact': {
      const r = checkUpload(withArgs, env, where);
      return { failed: r.failed, note: `${skipped}; ${r.note}` };
    }
    default:
      return { failed: false, note: skipped };
  }
}
