/**
 * Front-door launchers: start a candidate with the front-door contract, wait until it listens, stop it.
 * Factories, like undici's interceptors: createReferenceFrontDoor(), createCommandFrontDoor(cmd),
 * createUrlFrontDoor(url). A candidate that never listens, dies or hangs is a FrontDoorLaunchError
 * with the reason and its own words (the tail of its output) — an `error` outcome, never pass or fail.
 */
import { createHash } from 'node:crypto';
import { accepts } from '../verify/listening.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../lab/lab.ts';
import { contractToEnv, type FrontDoorContract } from '../topology/contract.ts';
import { FrontDoorLaunchError } from '../errors.ts';
import type { ProfileName } from './profile-topology.ts';
import type { ComponentIdentity, ConfigFile, Family } from '../../reports/types.ts';
import { describeExit, spawnGroup, stopGroup } from './process-group.ts';
import { referenceArgs } from './reference-bundle.ts';

export interface LaunchOptions {
  profile: ProfileName;
  hardened: boolean;
  healthIntervalMs: number;
  options: Record<string, unknown>;
  /** Give up waiting for the candidate to listen after this long. */
  startTimeoutMs?: number;
}

export interface CandidateHandle {
  name: string;
  version: string | null;
  launcher: string;
  configDigest: string | null;
  /** Address and HTTPS port clients connect to. */
  address: string;
  ports: FrontDoorContract['ports'];
  /** Set by mail-only candidates (Dovecot): why HTTP rules cannot be judged. */
  httpUnsupported?: string;
  /** User-Agents of the candidate's own health checks (not user traffic). */
  healthCheckUserAgents?: string[];
  /** What it fronts (issue 12); absent: everything its launcher declared. */
  scope?: Family[];
  /** The TLS library the product reports, null when it does not say. */
  tlsLibrary?: string | null;
  /** Modules / features the product reports. */
  modules?: string[];
  /** The exact config text it runs with (generated, or the user's template filled). */
  config?: ConfigFile[];
  /** A composite candidate's products. */
  components?: ComponentIdentity[];
  /** Output the candidate printed so far (for the report). */
  output(): string;
  /** Why it is gone, if it exited. */
  exitReason(): string | null;
  /** Process group of a spawned candidate (its run-queue wait is read from /proc: harness/verify/lag.ts). */
  processGroup?: number;
  stop(): Promise<void>;
}

export interface FrontDoorLauncher {
  name: string;
  /** What the candidate can front (issue 12); absent: HTTP and mail. */
  scope?: Family[];
  start(lab: Lab, o: LaunchOptions): Promise<CandidateHandle>;
  /** The config it would generate for this lab as a template with {{PLACEHOLDERS}} (`frontdoor <name> --print-config`). */
  printConfig?(lab: Lab, o: LaunchOptions): Promise<string>;
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Build the contract for a candidate from a running lab. */
export function contractFor(lab: Lab, o: LaunchOptions, runDir: string): FrontDoorContract {
  mkdirSync(runDir, { recursive: true });
  const fd = lab.pki.frontDoor();
  const certFile = join(runDir, 'front-door.crt');
  const keyFile = join(runDir, 'front-door.key');
  writeFileSync(certFile, fd.certPem);
  writeFileSync(keyFile, fd.keyPem, { mode: 0o600 });
  const s = lab.state();
  return {
    topologyFile: s.topologyFile,
    directoryUrl: s.directoryUrl,
    caFile: s.caFile,
    certFile,
    keyFile,
    hostsFile: s.hostsFile,
    listenAddress: s.frontDoor.address,
    ports: s.frontDoor.ports,
    profile: o.profile,
    hardened: o.hardened,
    healthIntervalMs: o.healthIntervalMs,
    options: o.options,
    runDir,
  };
}

/** Resolve when host:port accepts a TCP connection; reject at the deadline or when the child exits. */
export async function waitForListening(host: string, port: number, timeoutMs: number, exited?: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const gone = exited?.();
    if (gone) throw new FrontDoorLaunchError(`the candidate exited before listening: ${gone}`);
    if (await accepts(host, port, 500)) return;
    if (Date.now() > deadline) throw new FrontDoorLaunchError(`the candidate did not listen on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50)); // connect retry interval, bounded by the deadline above
  }
}

/**
 * Spawn a process with the contract in its environment, as the leader of its own process group
 * (process-group.ts: nothing it starts outlives the run); capture its output; stop it with SIGTERM,
 * then SIGKILL to the whole group.
 */
export async function spawnCandidate(name: string, launcher: string, command: string, args: string[], lab: Lab, o: LaunchOptions, runDir: string, extra: { version?: string | null; configDigest?: string | null; shell?: boolean; cwd?: string } = {}): Promise<CandidateHandle> {
  const contract = contractFor(lab, o, runDir);
  let output = '';
  let exit: string | null = null;
  const g = spawnGroup(command, args, { cwd: extra.cwd ?? ROOT, env: { ...process.env, ...contractToEnv(contract) }, shell: extra.shell ?? false });
  const child = g.child;
  const keep = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (e) => (exit = `could not start ${command}: ${e.message}`));
  child.on('exit', (code, signal) => (exit = exit ?? `${describeExit(code, signal)}; last output:\n${output.slice(-2000)}`));
  try {
    await waitForListening(contract.listenAddress, contract.ports.https, o.startTimeoutMs ?? 20_000, () => exit);
  } catch (err) {
    g.kill();
    throw new FrontDoorLaunchError(`${name}: ${(err as Error).message}\n${output.slice(-2000)}`);
  }
  let stopping: Promise<void> | null = null;
  return {
    name,
    version: extra.version ?? null,
    launcher,
    configDigest: extra.configDigest ?? null,
    address: contract.listenAddress,
    ports: contract.ports,
    output: () => output,
    exitReason: () => exit,
    ...(child.pid !== undefined ? { processGroup: child.pid } : {}),
    stop: () => (stopping ??= stopGroup(g, 3000)),
  };
}

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * V8 flags of the reference in a lab world. A world's reference lives seconds and answers a few hundred
 * requests, yet V8 recompiled undici's HTTP parser (WebAssembly) with its optimizing tier in the first
 * second of every start: about 0.2 s of CPU on a background thread, as much as the start itself (22
 * starts in a full run, 34 in the largest control batch). A tiering budget 1000 times V8's default keeps
 * the parser on its baseline tier through a world's life (none of it in 11 s of an idle world's checks);
 * it is a budget, not a ban (`--liftoff-only` is the ban, and it cost the front-door bench's hot path),
 * so a reference under sustained load may still be optimized. It changes no behaviour.
 * `cas-conformance frontdoor` and the front-door bench start the reference with V8's defaults. Paired
 * full runs: bench/RESULTS.md.
 */
const LAB_REFERENCE_NODE_FLAGS = ['--wasm-tiering-budget=1800000000'];

/** Our own front door. For exchange2010/2007 the candidate is the mock at the front door's address, already in the lab. */
export function createReferenceFrontDoor(): FrontDoorLauncher {
  return {
    name: 'reference',
    async start(lab, o) {
      if (o.profile !== 'exchange2013') {
        const m = lab.topology.servers.find((s) => s.address === lab.topology.frontDoor.address);
        if (!m) throw new FrontDoorLaunchError(`profile ${o.profile}: the lab topology has no mock CAS at the front door's address (use topologyForProfile)`);
        const s = lab.state();
        return {
          name: 'reference', version: `mock ${m.build}`, launcher: 'reference (in-lab mock)', configDigest: lab.digest,
          address: s.frontDoor.address, ports: s.frontDoor.ports, output: () => '', exitReason: () => null, stop: async () => {},
        };
      }
      const runDir = join(lab.stateDir, 'frontdoor-reference');
      // A front-door port another lab took first (EADDRINUSE) is retried on fresh ports by every
      // launcher alike (registry.ts againOnPortClash).
      const h = await spawnCandidate('reference', 'reference', process.execPath, [...LAB_REFERENCE_NODE_FLAGS, ...(await referenceArgs())], lab, o, runDir, {
        version: '0.1.0',
        configDigest: digestOf(JSON.stringify({ profile: o.profile, hardened: o.hardened, options: o.options })),
      });
      // The reference opens its mail listeners after HTTPS: a rule must not meet a port not yet open.
      for (const p of [h.ports.imap, h.ports.imaps, h.ports.pop3, h.ports.pop3s]) if (p > 0) await waitForListening(h.address, p, 10_000, h.exitReason);
      return h;
    },
  };
}

/**
 * The user's working directory: `command:./proxy.sh` means the proxy.sh beside the user, not beside
 * this package. `cas-conformance run` records it in CAS_USER_CWD before the suite workers start.
 */
export function userCwd(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAS_USER_CWD || process.cwd();
}

/** Any executable, run by /bin/sh from the user's working directory: the contract goes through the environment (FRONTDOOR.md). */
export function createCommandFrontDoor(command: string): FrontDoorLauncher {
  return {
    name: `command:${command}`,
    start: (lab, o) => spawnCandidate(commandName(command), 'command', command, [], lab, o, join(lab.stateDir, 'frontdoor-command'), { shell: true, configDigest: digestOf(command), cwd: userCwd() }),
  };
}

/**
 * A command candidate's name for reports: the script or program it runs, not its interpreter
 * (`node test/controls/candidates/ok200.mjs` -> `ok200.mjs`); `--name` overrides it.
 * @example
 * commandName('node --import tsx ./my-door.ts --port 1') // 'my-door.ts'
 */
export function commandName(command: string): string {
  const INTERPRETERS = /^(node|nodejs|bun|deno|python[0-9.]*|ruby|perl|php|java|sh|bash|dash|zsh|env|exec|npx|tsx|ts-node|uv|pipx|run)$/;
  const words = command.trim().replace(/^"|"$/g, '').split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.replace(/^['"]|['"]$/g, '');
    if (/^[A-Z_][A-Z0-9_]*=/.test(w) || w.startsWith('-')) continue;
    const base = w.split('/').pop() ?? w;
    if (INTERPRETERS.test(base) && i < words.length - 1) continue;
    if (['run', 'exec'].includes(base) && i > 0) continue;
    return base || 'command';
  }
  return 'command';
}

/** A candidate already running at a URL (its own address and ports: it must reach the lab by itself). */
export function createUrlFrontDoor(url: string): FrontDoorLauncher {
  return {
    name: `url:${url}`,
    async start(lab, o) {
      const u = new URL(url);
      const port = Number(u.port || 443);
      await waitForListening(u.hostname, port, o.startTimeoutMs ?? 5000);
      const s = lab.state();
      return {
        name: u.host, version: null, launcher: 'url', configDigest: null, address: u.hostname,
        ports: { ...s.frontDoor.ports, https: port }, output: () => '', exitReason: () => null, stop: async () => {},
      };
    },
  };
}
