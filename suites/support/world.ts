/**
 * A world: one lab plus the candidate front door in front of it, started once and shared by every rule
 * that names the same topology and options (the suites run in one worker, `isolate: false`). A world
 * that cannot start is remembered as the error it was, so every rule needing it reports `error` with
 * that reason instead of hanging or passing.
 * @example
 * const w = await world();                          // the profile's default topology
 * const midupgrade = await world(situationSpec(t, 'cas-pair-mid-upgrade'));   // a built-in variant (support/roles.ts)
 * const res = await request(w.url('/owa/'), { dispatcher: w.agent() });
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { topologyForProfile, type ProfileOptions } from '../../harness/frontdoor/profile-topology.ts';
import { resolveLauncher } from '../../harness/frontdoor/registry.ts';
import { candidateIdentity } from '../../harness/frontdoor/identity.ts';
import '../../harness/frontdoor/adapters.ts'; // registers nginx, haproxy, apache, caddy, dovecot, container
import type { CandidateHandle } from '../../harness/frontdoor/launcher.ts';
import { createLabAgent } from '../../harness/clients/lab-agent.ts';
import { findUser, profileDefaultTopology, topologyDocument, withoutVersionSites, type UserSpec } from '../../harness/topology/index.ts';
import { FrontDoorLaunchError, LabError } from '../../harness/errors.ts';
import { ignoreCandidateProbes } from '../../harness/verify/check.ts';
import { startCandidateWait } from '../../harness/verify/candidate-wait.ts';
import { runOptions, type RunOptions } from './run-options.ts';

export interface WorldSpec {
  /** A built-in topology variant instead of the profile's default (rules ask by situation: support/roles.ts situationSpec). */
  variant?: string;
  /** Profile options for the 2010/2007 candidate (crossSiteSilentRedirect, redirectToOptimalOwaServer, …). */
  options?: Omit<ProfileOptions, 'profile' | 'build'>;
  /** A private world even when topology and options match (rules that break things: health, faults). */
  key?: string;
  /** Named defects of this world's candidate (negative controls); default: the run's `--defect`s. */
  defects?: string[];
  /**
   * A world for one rule alone, stopped when that rule ends (rules that break things and judge the
   * candidate's state, such as health: no state inherited from an earlier rule, none left behind).
   */
  disposable?: boolean;
  /**
   * The rules of this world watch the candidate's health checks (or need it to notice a failure in
   * seconds): its candidate gets the lab's fast interval. Other shared worlds get the topology's real
   * one (Exchange's 50 s): their rules judge routing, not checks, and a candidate checking every CAS
   * every 2 s for a minute was the largest CPU cost of a run. Disposable worlds are fast unless they
   * say `false`: a private world whose rule judges no check and needs no failover (AUTH-02/03/05: who is
   * served as whom) gets Exchange's own interval, and none of the load of a check every 2 s.
   */
  watchesChecks?: boolean;
  /**
   * The built-in organisation without its version sites (harness/topology/defaults/without-version-sites.ts):
   * for rules that live in the main sites and need the fast interval, whose checks of the version
   * sites' CAS were load and nothing else. Ask for it only on a built-in topology (a user's own is
   * unchanged by it anyway).
   */
  compact?: boolean;
}

export interface World {
  readonly run: RunOptions;
  readonly lab: Lab;
  readonly candidate: CandidateHandle;
  /**
   * The organisation as configured, before any in-lab mock defect edited it (negative controls move
   * mailboxes or drop URLs to make the front-door mock misbehave): who plays which seed role is read
   * here, so a defect cannot change which users a rule judges.
   */
  readonly roleTopology: Lab['topology'];
  /** FQDN of the mock CAS playing the front door (exchange2010/2007 reference), else null. */
  readonly frontDoorMock: string | null;
  /** The health-check interval the candidate was started with (ms): see WorldSpec.watchesChecks. */
  readonly healthIntervalMs: number;
  /**
   * How long (ms) the candidate could not run for want of a CPU between two wall-clock times (its
   * processes' run-queue wait, harness/verify/candidate-wait.ts): a rule judging the candidate's own
   * timing widens its bound by it. 0 for a candidate the harness does not run.
   */
  candidateWaitMs(fromMs: number, toMs: number): number;
  /** Lab names with the front door's namespaces pointing at the candidate. */
  hosts(): { name: string; address: string }[];
  /**
   * A client agent: lab DNS, lab trust; `connections: 1` for NTLM-style clients. `source` names the
   * simulated user or device the connections come from: each source gets its own loopback address
   * (127.0.250.x), so a front door that keys affinity by client address is told apart from one that
   * keys it by user (portable mode has one address and ignores it).
   */
  agent(opts?: { connections?: number; source?: string }): Agent;
  /** The loopback address a source connects from (null in portable mode). */
  clientAddress(source: string): string | null;
  /** `https://<front-door namespace>:<port><path>`. */
  url(path: string, namespace?: string): string;
  user(name: string): UserSpec;
  /** The journal's current sequence number (events after it belong to the current case). */
  mark(): number;
  /** Why the candidate is gone, or null while it runs. */
  candidateGone(): string | null;
  /** Stop the candidate and the lab (disposable worlds; shared ones stop at the end of the run). */
  stop(): Promise<void>;
}

const worlds = new Map<string, Promise<World>>();
/** Worlds other than the profile's default one, by the test file that started them (stopped when it ends). */
const byFile = new Map<string, Set<string>>();
let currentFile = '';

/** Called before each suite file (suites/support/file-worlds.ts): worlds started now belong to `file`. */
export function enterFile(file: string): void {
  currentFile = file;
}

/**
 * Stop the worlds a file started other than the default one (variants, private keys): no candidate keeps
 * probing through the rest of the run (issue 14). Another file that wants the same world starts it again.
 */
export async function leaveFile(file: string): Promise<void> {
  const keys = byFile.get(file);
  byFile.delete(file);
  if (!keys) return;
  const stopping: Promise<World>[] = [];
  for (const k of keys) {
    const p = worlds.get(k);
    worlds.delete(k);
    if (p) stopping.push(p);
  }
  await Promise.allSettled(stopping.map(async (p) => (await p).stop()));
}

/** The run's topology: the file `cas-conformance run` resolved (--topology or the profile's default), else the default's name. */
function defaultTopology(run: RunOptions): string {
  return run.topology ?? profileDefaultTopology(run.profile);
}

async function createWorld(run: RunOptions, spec: WorldSpec): Promise<World> {
  const defects = spec.defects ?? run.defects;
  const named = spec.variant ?? defaultTopology(run);
  let topology;
  let roleTopology;
  try {
    const base = spec.compact ? withoutVersionSites(topologyDocument(named)) : named;
    // The front-door mock stands in only for the reference: any other candidate must be the one answering.
    topology = topologyForProfile(base, { profile: run.profile, ...(run.build ? { build: run.build } : {}), ...spec.options, defects, frontDoorMock: run.frontDoor === 'reference' });
    roleTopology = defects.length ? topologyForProfile(base, { profile: run.profile, ...(run.build ? { build: run.build } : {}), ...spec.options, frontDoorMock: run.frontDoor === 'reference' }) : topology;
  } catch (err) {
    throw new LabError(`topology ${named}${spec.compact ? ' (without its version sites)' : ''} for ${run.profile}: ${(err as Error).message}`, { cause: err });
  }
  const lab = await startLab({ topology });
  const launcher = resolveLauncher(run.frontDoor, { ...(run.scope ? { scope: run.scope } : {}), ...(run.config ? { config: run.config } : {}) });
  let candidate: CandidateHandle;
  const fastChecks = !run.realtime && (spec.watchesChecks ?? !!spec.disposable);
  const healthIntervalMs = fastChecks ? topology.frontDoor.fastHealthIntervalMs : topology.frontDoor.healthIntervalMs;
  try {
    candidate = await launcher.start(lab, {
      profile: run.profile,
      hardened: run.hardened,
      healthIntervalMs,
      options: { ...spec.options, defects },
    });
  } catch (err) {
    await lab.stop();
    if (err instanceof LabError) throw err;
    throw new FrontDoorLaunchError(`${launcher.name}: ${(err as Error).message}`, { cause: err });
  }
  ignoreCandidateProbes(candidate.healthCheckUserAgents ?? []);
  const candidateWait = startCandidateWait(candidate.processGroup);
  try {
    mkdirSync(run.runDir, { recursive: true });
    writeFileSync(join(run.runDir, 'candidate.json'), JSON.stringify({ ...candidateIdentity(candidate), topology: topology.name, digest: lab.digest }));
  } catch {
    // identity is informative; the run goes on without it
  }
  const ns = new Set(topology.frontDoor.namespaces);
  // Portable mode binds everything to 127.0.0.1 (the host may have no other loopback address).
  const portable = lab.bindAddress(topology.frontDoor.address) === '127.0.0.1' && topology.frontDoor.address !== '127.0.0.1';
  const sources = new Map<string, string>();
  const clientAddress = (source: string): string | null => {
    if (portable) return null;
    let a = sources.get(source);
    if (!a) {
      const n = sources.size;
      a = `127.0.${250 + Math.floor(n / 250)}.${(n % 250) + 1}`;
      sources.set(source, a);
    }
    return a;
  };
  const hosts = () => lab.hosts().map((h) => (ns.has(h.name) ? { name: h.name, address: candidate.address } : h));
  return {
    run,
    lab,
    roleTopology: roleTopology ?? topology,
    candidate,
    frontDoorMock: topology.servers.find((s) => s.address === topology.frontDoor.address)?.fqdn ?? null,
    healthIntervalMs,
    candidateWaitMs: (fromMs, toMs) => candidateWait.waitBetween(fromMs, toMs),
    hosts,
    agent: (o = {}) => {
      const localAddress = o.source ? clientAddress(o.source) : null;
      return createLabAgent({ hosts: hosts(), ca: lab.trustBundle(), connections: o.connections, maxCachedSessions: 0, ...(localAddress ? { localAddress } : {}) });
    },
    clientAddress,
    url: (path, namespace = topology.frontDoor.namespaces[0]!) => `https://${namespace}:${candidate.ports.https}${path}`,
    user: (name) => {
      const u = findUser(topology, name) ?? topology.users.find((x) => x.name === name);
      if (!u) throw new LabError(`no user ${name} in ${topology.name}`);
      return u;
    },
    mark: () => lab.journal.seq,
    candidateGone: () => candidate.exitReason(),
    stop: async () => {
      candidateWait.stop();
      await candidate.stop().catch(() => undefined);
      await lab.stop();
    },
  };
}

let starting: Promise<unknown> = Promise.resolve();
/** How long a world start waits for the one before it (a candidate that never listens takes 20 s to fail). */
const QUEUE_BOUND_MS = 5_000;
/**
 * Worlds of one suite worker start one at a time. The health block starts five at once: their labs'
 * and candidates' start-up and first check rounds (full TLS handshakes, about 250 in this worker)
 * stalled the worker's event loop for most of a second, and every rule running then carried that lag
 * as its widening to the end. Of two soaks of three runs, one voided HC-08 at 785 ms of lag and the
 * other a rule at 963 ms; queued, two soaks of seven runs in all voided nothing (worst lag 560 ms).
 * It costs the last of COOK-04's three worlds about 2 s. A start waits for the previous one at most
 * QUEUE_BOUND_MS, so a candidate that hangs at its start delays the next world by that much, not by
 * its whole start timeout. A rule that ended while its world was queued stops it (rule.ts).
 */
function oneAtATime(start: () => Promise<World>): Promise<World> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((r) => (timer = setTimeout(r, QUEUE_BOUND_MS)));
  const next = Promise.race([starting, bound]).then(() => (clearTimeout(timer), start()));
  starting = next.catch(() => undefined);
  return next;
}

/** The world for a spec, started on first use. */
export function world(spec: WorldSpec = {}): Promise<World> {
  const run = runOptions();
  if (spec.disposable) return oneAtATime(() => createWorld(run, spec));
  const key = JSON.stringify([spec.variant ?? '', spec.options ?? {}, spec.key ?? '', spec.defects ?? run.defects, !!spec.watchesChecks, !!spec.compact]);
  let w = worlds.get(key);
  if (!w) {
    w = oneAtATime(() => createWorld(run, spec));
    worlds.set(key, w);
    const isDefault = !spec.variant && !spec.options && !spec.key && !spec.defects && !spec.watchesChecks && !spec.compact;
    if (!isDefault && currentFile) byFile.set(currentFile, (byFile.get(currentFile) ?? new Set()).add(key));
  }
  return w;
}

/** Stop every world (end of run). */
export async function stopWorlds(): Promise<void> {
  const all = [...worlds.values()];
  worlds.clear();
  await Promise.allSettled(all.map(async (p) => (await p).stop()));
}
