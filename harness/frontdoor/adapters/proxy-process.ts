/**
 * Run a real proxy in the foreground as a child of the harness and hand it back as a CandidateHandle:
 * wait until it listens on the port that proves it is up (HTTPS for web proxies, IMAPS for a mail-only
 * proxy such as Dovecot: launcher.ts's spawnCandidate always waits on HTTPS, hence this file), keep
 * the tail of its output and of the log files it writes into its run dir, stop it with SIGTERM, then
 * SIGKILL to its whole process group (Apache and Dovecot fork workers that must not outlive it;
 * process-group.ts starts it as a group leader).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { waitForListening, type CandidateHandle } from '../launcher.ts';
import type { FrontDoorContract } from '../../topology/contract.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { describeExit, spawnGroup, stopGroup } from '../process-group.ts';

export interface ProxyProcessSpec {
  /** User-Agents of the proxy's own health checks (the suite does not count them as user traffic). */
  healthCheckUserAgents?: string[];
  /** Candidate name in the report (`apache`). */
  name: string;
  command: string;
  args: string[];
  contract: FrontDoorContract;
  /** The port whose TCP accept means "ready" (default: the contract's HTTPS port). */
  readyPort?: number;
  /** Files the proxy logs into (run dir); their tails join `output()`. */
  logFiles?: string[];
  env?: NodeJS.ProcessEnv;
  version: string | null;
  configDigest: string;
  startTimeoutMs?: number;
  /** Grace after SIGTERM before SIGKILL (FRONTDOOR.md: 3 s). */
  stopGraceMs?: number;
  /** Lines the adapter wants in front of the output (a fallback it took, a limitation). */
  notes?: string[];
}

const KEEP = 64 * 1024;

/** Last `max` bytes of a file, '' when it does not exist (yet). */
export function tailFile(file: string, max = 8 * 1024): string {
  let fd: number | undefined;
  try {
    const size = statSync(file).size;
    const len = Math.min(size, max);
    const buf = Buffer.alloc(len);
    fd = openSync(file, 'r');
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Spawn the proxy, wait until `readyPort` accepts, and return its handle. A proxy that exits or never
 * listens is a FrontDoorLaunchError carrying the proxy's own words.
 * @example
 * const handle = await startProxyProcess({ name: 'apache', command: bin, args: ['-DFOREGROUND', '-f', conf], contract,
 *   logFiles: [join(runDir, 'error.log')], version: 'Apache/2.4.71', configDigest: configDigest(conf) });
 */
export async function startProxyProcess(spec: ProxyProcessSpec): Promise<CandidateHandle> {
  const { contract } = spec;
  let out = '';
  let exit: string | null = null;
  const output = () => {
    const logs = (spec.logFiles ?? []).map((f) => [f, tailFile(f)] as const).filter(([, t]) => t);
    const head = (spec.notes ?? []).map((n) => `[cas-conformance] ${n}\n`).join('');
    return head + out + logs.map(([f, t]) => `\n--- ${basename(f)} ---\n${t}`).join('');
  };
  // Its own process group under the supervisor (process-group.ts): SIGTERM when the harness dies,
  // however it dies, and workers (Apache, Dovecot fork them) go with the group. Apache and Dovecot log
  // to files and would otherwise live on, probing ports a later lab reuses.
  const g = spawnGroup(spec.command, spec.args, { cwd: contract.runDir, env: { ...process.env, ...spec.env } });
  const child = g.child;
  const keep = (d: Buffer) => void (out = (out + d.toString('utf8')).slice(-KEEP));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('error', (e) => {
      exit = exit ?? `could not start ${spec.command}: ${e.message}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      // A master that died leaves its workers in the group: process-group.ts SIGKILLs the group.
      exit = exit ?? `${describeExit(code, signal)}; last output:\n${output().slice(-2000)}`;
      resolve();
    });
  });
  try {
    await waitForListening(contract.listenAddress, spec.readyPort ?? contract.ports.https, spec.startTimeoutMs ?? 20_000, () => exit);
  } catch (err) {
    g.kill();
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    throw new FrontDoorLaunchError(`${spec.name}: ${(err as Error).message}\n${output().slice(-3000)}`, { cause: err });
  }
  let stopping: Promise<void> | null = null;
  return {
    ...(spec.healthCheckUserAgents ? { healthCheckUserAgents: spec.healthCheckUserAgents } : {}),
    name: spec.name,
    version: spec.version,
    launcher: spec.name,
    configDigest: spec.configDigest,
    address: contract.listenAddress,
    ports: contract.ports,
    output,
    exitReason: () => exit,
    stop: () => (stopping ??= exit ? Promise.resolve(g.kill()) : stopGroup(g, spec.stopGraceMs ?? 3000)),
  };
}
