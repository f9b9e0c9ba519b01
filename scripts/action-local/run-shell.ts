/**
 * Runs one `run:` script the way a Linux GitHub runner does: the script is written to a file and
 * started with the step's shell (GitHub's own command lines for `bash`, `sh` and no shell at all), in
 * the workspace, with the step's environment. The shell gets its own process group so a timeout stops
 * everything the script started.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { ActionLocalError } from './errors.ts';

/** GitHub's command line per `shell:` (docs: "Using a specific shell"); undefined = no shell given. */
const SHELLS: Record<string, (file: string) => string[]> = {
  '': (f) => ['bash', '-e', f],
  bash: (f) => ['bash', '--noprofile', '--norc', '-eo', 'pipefail', f],
  sh: (f) => ['sh', '-e', f],
};

/** What a script run ended with. */
export interface ShellResult { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean }

/** Options of one script run. */
export interface ShellRun {
  script: string;
  shell: string | undefined;
  /** Where the script is written before it runs (in the run's temp folder). */
  scriptFile: string;
  cwd: string;
  env: Record<string, string>;
  /** Every chunk of stdout and stderr, in order. */
  write: (chunk: string) => void;
  /** Absolute time (ms since epoch) after which the script's process group is killed. */
  deadline: number;
  where: string;
}

/** Runs the script to its end (or the deadline) and returns how it ended. */
export function runShell(r: ShellRun): Promise<ShellResult> {
  const argv = SHELLS[r.shell ?? ''];
  if (!argv) throw new ActionLocalError(`${r.where}: unsupported shell "${r.shell}" (the local runner knows bash and sh)`);
  writeFileSync(r.scriptFile, r.script, { mode: 0o600 });
  const [cmd, ...args] = argv(r.scriptFile);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, { cwd: r.cwd, env: r.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let timedOut = false;
    const killGroup = (sig: NodeJS.Signals): void => { try { process.kill(-child.pid!, sig); } catch { /* already gone */ } };
    const timer = setTimeout(() => { timedOut = true; killGroup('SIGTERM'); setTimeout(() => killGroup('SIGKILL'), 5000).unref(); }, Math.max(0, r.deadline - Date.now()));
    // If the runner itself is stopped, the step's processes go with it.
    const onExit = (): void => killGroup('SIGKILL');
    process.once('exit', onExit);
    child.stdout.setEncoding('utf8').on('data', r.write);
    child.stderr.setEncoding('utf8').on('data', r.write);
    child.on('error', (e) => { clearTimeout(timer); process.off('exit', onExit); reject(new ActionLocalError(`${r.where}: cannot start ${cmd}: ${e.message}`)); });
    child.on('close', (code, signal) => { clearTimeout(timer); process.off('exit', onExit); resolve({ code, signal, timedOut }); });
  });
}
