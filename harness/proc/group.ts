/**
 * The live processes of a process group, read from /proc (Linux): other processes' groups are visible
 * nowhere else. Zombies (exited, awaiting their reaper) do not count: they run nothing and hold no port.
 * @example
 * groupMembers(child.pid!) // ['4121', '4125']
 */
import { readdirSync, readFileSync } from 'node:fs';

/** PIDs of group `pgid`'s live processes; [] where /proc cannot be read. */
export function groupMembers(pgid: number): string[] {
  return scan(pgid).get(pgid) ?? [];
}

let snapshot: { at: number; groups: Map<number, string[]> } | null = null;

/**
 * Live members of every process group, from one scan of /proc at most `maxAgeMs` old. Samplers that
 * only need the membership roughly (candidate-wait: one per world, several worlds per process) share
 * one scan a second instead of each scanning /proc itself (a run's workers spent 0.4 s each on it).
 */
export function groupMembersRecent(pgid: number, maxAgeMs: number): string[] {
  // A group no snapshot has seen yet (a candidate started since) is read now, once, not up to maxAgeMs
  // later (a group of zombies only, on its way out, is in no snapshot: it must not force a scan each call).
  const fresh = !snapshot?.groups.has(pgid) && !looked.has(pgid) && groupExists(pgid);
  if (fresh) looked.add(pgid);
  if (!snapshot || fresh || Date.now() - snapshot.at > maxAgeMs) snapshot = { at: Date.now(), groups: scan() };
  return snapshot.groups.get(pgid) ?? [];
}

/** Groups read on their first lookup (bounded by the candidates a process starts). */
const looked = new Set<number>();

/**
 * Whether any process of group `pgid` exists, zombies included: one kill(2) with signal 0, where a scan of
 * /proc reads every process's stat (a run's workers spent about 1.2 s of CPU scanning it, mostly to see a
 * stopped candidate's group gone). EPERM: it exists, under another user.
 */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One pass over /proc: live members by process group (only `only`'s when given). */
function scan(only?: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // The command name (field 2) may hold spaces and parentheses: the fields after it start past the
    // last ')'; state is field 3, pgrp field 5.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pgrp = Number(rest[2]);
    if ((only !== undefined && pgrp !== only) || rest[0] === 'Z' || rest[0] === 'X') continue;
    const list = out.get(pgrp);
    if (list) list.push(name);
    else out.set(pgrp, [name]);
  }
  return out;
}

/**
 * Run-queue wait (ms) of a process's main thread so far (/proc/PID/schedstat, second field), or null
 * when it is gone. The main thread runs the event loop (or a worker's loop): its wait is what makes
 * answers late, where helper threads waiting in parallel would inflate a sum.
 */
export function mainThreadWaitMs(pid: string): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1] ?? 0) / 1e6;
  } catch {
    return null;
  }
}
