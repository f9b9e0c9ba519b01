/**
 * One load run, end to end: the lab (in this process), the candidate in front of it (its own process
 * tree), M simulated users for D seconds with the failover midway, then the figures of load.json.
 * Everything started here stops here, whatever happens (faults cleared, clients closed, candidate and
 * lab stopped). A lab or candidate that cannot start is a LoadHarnessError (exit 2), never a verdict.
 * @example
 * const r = await runLoad({ frontDoor: 'reference', defects: [], plan: checkLoadPlan({ users: '4', seconds: '5' }), failover: true });
 * r.verdict.outcome; // 'pass'
 */
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startLab, type Lab } from '../lab/lab.ts';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';
import { resolveLauncher } from '../frontdoor/registry.ts';
import '../frontdoor/adapters.ts'; // registers nginx, haproxy, apache, caddy, dovecot, container
import type { CandidateHandle } from '../frontdoor/launcher.ts';
import type { Family } from '../../reports/types.ts';
import { LabError } from '../errors.ts';
import { toolVersion } from '../cli/main.ts';
import { LoadHarnessError } from './errors.ts';
import type { LoadPlan } from './limits.ts';
import { population } from './population.ts';
import { SimUser, type SimEnv } from './sim-user.ts';
import { subjectOwners } from './served-users.ts';
import { JournalTap } from './journal-tap.ts';
import { TreeUsage } from './proc-usage.ts';
import { FailoverDriver, failoverReport } from './failover.ts';
import { runScenario } from './scenario.ts';
import { judgeAll } from './judge.ts';
import { latencyRows } from './latency.ts';
import { LOAD_PROTOCOLS } from './oracle.ts';
import { OP_KINDS, PROTOCOL_OF, type LoadResult, type Op, type OpKind } from './types.ts';

export interface LoadRunOptions {
  /** `--front-door`: reference, nginx, haproxy, command:..., url:... */
  frontDoor: string;
  defects: string[];
  /** Built-in topology name or file (default contoso). */
  topology?: string;
  scope?: Family[];
  config?: Record<string, string>;
  plan: LoadPlan;
  failover: boolean;
  /** Per client request; default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Progress lines. */
  log?: (line: string) => void;
}

const MAIL_KINDS: OpKind[] = ['imap-session', 'pop3-session'];

async function startCandidate(o: LoadRunOptions): Promise<{ lab: Lab; candidate: CandidateHandle; scope: Family[] }> {
  let topology;
  try {
    topology = topologyForProfile(o.topology ?? 'contoso', { profile: 'exchange2013', defects: o.defects });
  } catch (err) {
    throw new LoadHarnessError(`topology ${o.topology ?? 'contoso'}: ${(err as Error).message}`, { cause: err });
  }
  const lab = await startLab({ topology });
  try {
    const launcher = resolveLauncher(o.frontDoor, { ...(o.scope ? { scope: o.scope } : {}), ...(o.config ? { config: o.config } : {}) });
    const candidate = await launcher.start(lab, {
      profile: 'exchange2013', hardened: false, healthIntervalMs: topology.frontDoor.fastHealthIntervalMs, options: { defects: o.defects },
    });
    const scope = (candidate.scope ?? launcher.scope ?? ['http', 'mail']).filter((f) => !(f === 'http' && candidate.httpUnsupported));
    return { lab, candidate, scope };
  } catch (err) {
    await lab.stop();
    if (err instanceof LabError) throw err;
    throw new LoadHarnessError(`${o.frontDoor}: ${(err as Error).message}`, { cause: err });
  }
}

/** Run the load scenario against one candidate. */
export async function runLoad(o: LoadRunOptions): Promise<LoadResult> {
  const log = o.log ?? (() => {});
  const startedAt = new Date().toISOString();
  const { lab, candidate, scope } = await startCandidate(o);
  const tag = randomBytes(3).toString('hex');
  const t = lab.topology;
  const portable = lab.bindAddress(t.frontDoor.address) === '127.0.0.1' && t.frontDoor.address !== '127.0.0.1';
  const ns = new Set(t.frontDoor.namespaces);
  const hosts = lab.hosts().map((h) => (ns.has(h.name) ? { name: h.name, address: candidate.address } : h));
  const requests = { 'front-door': 0, direct: 0 };
  const env: SimEnv = {
    topology: t, hosts, ca: lab.trustBundle(),
    namespace: t.frontDoor.namespaces[0]!, autodiscoverNamespace: t.frontDoor.namespaces.find((n) => n.startsWith('autodiscover.')) ?? t.frontDoor.namespaces[0]!,
    ports: { https: candidate.ports.https, imaps: candidate.ports.imaps, pop3s: candidate.ports.pop3s },
    labPort: (name, logical) => lab.ports.get(name, logical), tag, timeoutMs: o.timeoutMs ?? 10_000, owners: subjectOwners(t),
    countRequest: (via) => void requests[via]++,
  };
  const specs = population(t, o.plan.users, tag, portable);
  const sims = specs.map((s) => new SimUser(s, env));
  const kinds = OP_KINDS.filter((k) => (MAIL_KINDS.includes(k) ? scope.includes('mail') : scope.includes('http')));
  const inScope = LOAD_PROTOCOLS.filter((p) => kinds.some((k) => PROTOCOL_OF[k] === p));
  const usage = new TreeUsage(process.pid);
  let driver: FailoverDriver | null = null;
  let tap: JournalTap | null = null;
  try {
    log(`${candidate.name}: ${o.plan.users} users (${[...new Set(specs.map((s) => s.user.name))].join(', ')}) at ${o.plan.rate} operations/s for ${o.plan.seconds} s${o.failover ? ', failover midway' : ''}`);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const t0 = performance.now();
    tap = new JournalTap(lab.journal, tag, new Set(specs.map((s) => s.user.samAccountName.toLowerCase())), t0);
    tap.start();
    usage.start();
    const live: Op[] = [];
    if (o.failover) {
      driver = new FailoverDriver(lab.faults, specs, () => live, t0);
      driver.schedule(o.plan.seconds);
    }
    const result = await runScenario({ sims, plan: o.plan, kinds, tap, t0, failover: driver, ops: live, ...(o.signal ? { signal: o.signal } : {}) });
    driver?.recover();
    const elapsed = (performance.now() - t0) / 1000;
    const cost = usage.stop();
    lag.disable();
    const harnessLag = { p50: round(lag.percentile(50) / 1e6), p99: round(lag.percentile(99) / 1e6), max: round(lag.max / 1e6) };
    tap.stop();
    const gone = candidate.exitReason();
    if (gone) throw new LoadHarnessError(`the candidate exited during the load: ${gone.split('\n')[0]}`);
    const { correctness, reasons } = judgeAll(result.ops, specs, tap.mail, inScope);
    const failover = failoverReport(driver ?? new FailoverDriver(lab.faults, specs, () => [], t0), result.ops, tap, specs, o.failover);
    const latency = latencyRows(result.ops, (op) => !driver?.inWindow(op.start));
    const fdOps = result.ops.filter((x) => x.via === 'front-door');
    const mailSessions = fdOps.filter((x) => x.protocol === 'imap' || x.protocol === 'pop3').length;
    const httpRequests = requests['front-door'] - mailSessions;
    const notes: string[] = [];
    const direct = result.ops.filter((x) => x.via === 'direct');
    const directBad = direct.filter((x) => x.outcome !== 'ok');
    if (directBad.length) notes.push(`baseline: ${directBad.length} of ${direct.length} operations straight to the mocks were not ok (e.g. ${directBad[0]!.kind} ${directBad[0]!.detail}); their latencies are left out`);
    if (portable) notes.push('portable lab: every simulated user connects from 127.0.0.1');
    if (harnessLag.p99 > 100) notes.push(`harness event-loop delay p99 ${harnessLag.p99} ms (max ${harnessLag.max} ms): the mocks and clients were late too; read latencies with the baseline next to them`);
    if (!cost.measured) notes.push(`cost: ${cost.reason}`);
    const exitCode = reasons.length ? 1 : 0;
    return {
      version: 1, tool: `cas-conformance ${toolVersion()}`, startedAt,
      candidate: { name: candidate.name, version: candidate.version, launcher: candidate.launcher, configDigest: candidate.configDigest, defects: o.defects },
      topology: { name: t.name, digest: lab.digest },
      plan: { users: o.plan.users, seconds: o.plan.seconds, rate: o.plan.rate, failover: o.failover, scope },
      users: specs.map((s) => ({ sim: s.id, user: s.user.name, roles: s.roles, address: s.address })),
      throughput: {
        ops: fdOps.length, opsPerSecond: round(fdOps.length / elapsed), requests: requests['front-door'], requestsPerSecond: round(requests['front-door'] / elapsed),
        mailSessions, baselineOps: direct.length, peakInFlight: result.peakInFlight,
      },
      correctness, strayEvents: tap.stray, harnessLag, failover, latency,
      cost: { ...cost, cpuMsPerRequest: cost.measured && requests['front-door'] ? round((cost.cpuSeconds * 1000) / requests['front-door'], 3) : null },
      verdict: { outcome: exitCode ? 'fail' : 'pass', reasons, exitCode },
      notes: [...notes, `HTTP requests through the candidate: ${httpRequests}; mail sessions: ${mailSessions}`],
    };
  } finally {
    driver?.recover();
    tap?.stop();
    await Promise.allSettled(sims.map((s) => s.close()));
    await candidate.stop().catch(() => undefined);
    await lab.stop();
  }
}

function round(n: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

