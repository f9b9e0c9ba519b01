/**
 * Run a proxy binary once and collect what it said: config tests (`nginx -t`, `haproxy -c`,
 * `apache2 -t`, `caddy validate`, `doveconf -n`) and version queries (`nginx -v` prints on stderr).
 * Bounded in time and output; never throws for a non-zero exit (the caller reads `code` and the
 * proxy's own words). Also: find a binary on PATH and the sbin folders Debian installs proxies in.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Killed at the deadline. */
  timedOut: boolean;
  /** spawn failed (ENOENT, EACCES): the message, else null. */
  spawnError: string | null;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const MAX_OUTPUT = 256 * 1024;

/**
 * Run `command args` to completion (SIGKILL at the deadline, default 15 s).
 * @example
 * const r = await runProcess('/usr/sbin/nginx', ['-t', '-c', conf]);
 * if (r.code !== 0) throw new Error(r.stderr);
 */
export function runProcess(command: string, args: string[], o: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: string | null = null;
    const child = spawn(command, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-MAX_OUTPUT)));
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-MAX_OUTPUT)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 15_000);
    child.on('error', (e) => (spawnError = e.message));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, spawnError });
    });
  });
}

/** Folders searched after PATH: Debian puts nginx, haproxy, apache2 and dovecot in /usr/sbin. */
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin'];

/**
 * Absolute path of an executable named `name`, or null when it is not installed.
 * @example
 * const nginx = findBinary('nginx'); // '/usr/sbin/nginx' or null
 */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN];
  for (const d of dirs) {
    const p = join(d, name);
    if (isExecutable(p)) return p;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
