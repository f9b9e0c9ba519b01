/**
 * Candidates in their own process group, so nothing they start outlives the run.
 *
 * A `command:` candidate runs under `/bin/sh -c`, and dash forks the command instead of exec'ing it; a
 * wrapper script may start listeners of its own. Signalling the one process the harness spawned
 * reaches only the shell. So every candidate starts detached (it leads a new process group) and is
 * stopped by signalling the group: SIGTERM, then SIGKILL to the whole group after a grace.
 *
 * The harness may also die without running any hook (a vitest worker ended by a signal). For that
 * the group's leader is a small POSIX-sh supervisor started through `setpriv --pdeathsig SIGTERM`: the
 * kernel sends it SIGTERM when the harness dies, and its trap sends SIGTERM to the group, waits for
 * the candidate (SIGKILL to the group after 3 s) and then SIGKILLs what is left of the group.
 * Without setpriv (not Linux) the group is still signalled by the harness's own exit hook.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { groupExists, groupMembers } from '../proc/group.ts';

/**
 * The supervisor: `$@` is the candidate's argv. The trap is installed before the candidate starts
 * (a signal arriving in between must not be lost); `trap '' ...` inside it keeps the group's own
 * SIGTERM from re-entering it. `kill -KILL 0` at the end takes the supervisor with the group.
 */
export const SUPERVISOR_SCRIPT = [
  'child=',
  'trap \'trap "" TERM INT HUP; kill -TERM 0 2>/dev/null; (sleep 3; kill -KILL 0 2>/dev/null) & [ -n "$child" ] && wait "$child"; kill -KILL 0\' TERM INT HUP',
  '"$@" &',
  'child=$!',
  'wait "$child"',
].join('\n');

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => process.platform === 'linux' && existsSync(p)) ?? null;

/** A spawned candidate and how to signal it. */
export interface GroupProcess {
  child: ChildProcess;
  /** True when the supervisor leads the group (Linux with setpriv). */
  supervised: boolean;
  /** Ask the candidate to stop: SIGTERM to the supervisor (it forwards to the group) or to the group. */
  terminate(): void;
  /** SIGKILL to every process of the group. */
  kill(): void;
}

// One exit hook for every live group (a hook per child trips Node's listener-leak warning).
const live = new Set<GroupProcess>();
let hooked = false;
function track(g: GroupProcess): void {
  live.add(g);
  g.child.once('exit', () => {
    // A leader that is gone leaves its group behind: whatever the candidate started goes too.
    g.kill();
    live.delete(g);
  });
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const x of live) x.kill();
  });
}

/** Signal a whole process group; false when it no longer exists. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Run `command` through `/bin/sh -c` (a `command:` candidate); `args` must then be empty. */
  shell?: boolean;
  stdio?: StdioOptions;
}

/**
 * Spawn a candidate as the leader of a new process group (under the supervisor where setpriv exists).
 * @example
 * const g = spawnGroup('sh wrapper.sh', [], { cwd: process.cwd(), env, shell: true });
 * g.terminate();                                  // SIGTERM reaches the wrapper and its children
 * setTimeout(() => g.kill(), 3000);               // SIGKILL to the group if it lingers
 */
export function spawnGroup(command: string, args: string[], o: SpawnGroupOptions): GroupProcess {
  const argv = o.shell ? ['/bin/sh', '-c', command] : [command, ...args];
  const [file, fileArgs] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '/bin/sh', '-c', SUPERVISOR_SCRIPT, 'cas-candidate', ...argv]] : [argv[0]!, argv.slice(1)];
  const child = spawn(file, fileArgs, { cwd: o.cwd, env: o.env, stdio: o.stdio ?? ['ignore', 'pipe', 'pipe'], detached: true });
  const g: GroupProcess = {
    child,
    supervised: SETPRIV !== null,
    terminate: () => {
      if (SETPRIV) child.kill('SIGTERM');
      else if (!signalGroup(child.pid, 'SIGTERM')) child.kill('SIGTERM');
    },
    kill: () => {
      if (!signalGroup(child.pid, 'SIGKILL')) child.kill('SIGKILL');
    },
  };
  track(g);
  return g;
}

/**
 * Stop a group: terminate, SIGKILL the group after `graceMs`, resolve when the leader is gone and no
 * live process of the group is left (the exit hook of `track` SIGKILLs stragglers; the kernel takes a
 * moment to finish them, and a caller that checks the process table right after must not see them).
 */
export async function stopGroup(g: GroupProcess, graceMs = 3000): Promise<void> {
  if (g.child.exitCode === null && g.child.signalCode === null) {
    const gone = new Promise<void>((r) => g.child.once('exit', () => r()));
    g.terminate();
    const timer = setTimeout(() => g.kill(), graceMs);
    await gone;
    clearTimeout(timer);
  }
  g.kill();
  await groupEmptied(g.child.pid, graceMs);
}

/**
 * Resolve when no process of group `pgid` is alive (zombies awaiting their reaper count as gone), or
 * after `timeoutMs`. Every 10 ms: a group that no longer exists at all (the common case once its leader
 * is reaped) ends the wait at once; otherwise, at most every 100 ms, /proc tells live members from
 * zombies (the only place other processes' groups are visible; a scan reads every process's stat).
 */
export async function groupEmptied(pgid: number | undefined, timeoutMs: number): Promise<void> {
  if (pgid === undefined || process.platform !== 'linux') return;
  const deadline = Date.now() + timeoutMs;
  let scanAt = 0;
  while (Date.now() < deadline && groupExists(pgid)) {
    if (Date.now() >= scanAt) {
      if (groupMembers(pgid).length === 0) return;
      scanAt = Date.now() + 100;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** `exit code N` / `signal S`, reading a supervised `128+N` status as the signal it stands for. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `signal ${signal}`;
  if (code !== null && code > 128 && code < 160) return `exit code ${code} (signal ${code - 128})`;
  return `exit code ${code ?? 'none'}`;
}
