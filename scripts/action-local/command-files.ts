/**
 * The files GitHub gives each step to talk back to the runner: $GITHUB_OUTPUT, $GITHUB_ENV,
 * $GITHUB_PATH and $GITHUB_STEP_SUMMARY. Each step gets empty ones in the run's temp folder; after the
 * step they are read in GitHub's format: `name=value` lines or `name<<DELIM` ... `DELIM` blocks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ActionLocalError } from './errors.ts';

/** Paths of one step's files. */
export interface CommandFiles { output: string; env: string; path: string; summary: string }

/** Fresh empty files for step number `n` in `dir`. */
export function createCommandFiles(dir: string, n: number): CommandFiles {
  const files = { output: join(dir, `output-${n}`), env: join(dir, `env-${n}`), path: join(dir, `path-${n}`), summary: join(dir, `summary-${n}`) };
  for (const f of Object.values(files)) writeFileSync(f, '', { mode: 0o600 });
  return files;
}

/** The variables exported to the step, named as GitHub names them. */
export function commandFileEnv(f: CommandFiles): Record<string, string> {
  return { GITHUB_OUTPUT: f.output, GITHUB_ENV: f.env, GITHUB_PATH: f.path, GITHUB_STEP_SUMMARY: f.summary };
}

/** Parses a $GITHUB_OUTPUT or $GITHUB_ENV file into name/value pairs. */
export function parseKeyValueFile(file: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) body.push(lines[i]!);
      if (i >= lines.length) throw new ActionLocalError(`${file}: ${name}<<${delim} has no closing ${delim}`);
      out[name!] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ActionLocalError(`${file}: line "${line.slice(0, 60)}" is neither name=value nor name<<DELIM`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** Directories a step added to $GITHUB_PATH, one a line. */
export function parsePathFile(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
}
