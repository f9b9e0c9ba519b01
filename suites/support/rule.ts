/**
 * `rule(id, …)`: one vitest test per RULES.md ID, carrying `{ rule }` in its meta (the reporter reads it),
 * skipped as `n/a` when the profile does not judge it, with evidence recorded whatever happens.
 *
 * What makes a verdict one a CI can gate on (issue 10):
 * - **Preconditions.** A rule says, with `t.require(what, ok, detail)`, what must have been observed for
 *   its verdict to mean anything (the user was served, the failover happened, the probe was seen). A
 *   missing one is a `fail` when the candidate prevented it and an `error` when the lab did (`blame:
 *   'lab'`). A body that finishes without any `t.require` is an `error`, never a pass: the check is
 *   structural. Every precondition, met or not, is listed in the evidence.
 * - **Cancellation.** The case timeout aborts `t.signal`, destroys every client agent the rule made
 *   through its world, and waits (bounded) for the body to stop before the next rule starts; the world
 *   handed to a cancelled rule refuses new clients.
 * - **Harness lag.** The worst lateness of the harness's own timers while the rule ran is measured
 *   (harness/verify/lag.ts) and kept in the evidence; timing rules widen their windows by `t.lag()` and
 *   call `t.onTime(what, budgetMs)` to turn an overloaded harness into an `error` with the figure.
 * - **Crashes.** A candidate that exited makes every later rule an `error` "candidate exited (code N)"
 *   with the tail of its output; the rule that was running says so in its reason.
 * - **Transport.** A candidate that is running but closes or resets the client's connection is judged
 *   (`fail`: that is its behaviour); one that refuses connections or never answers is an `error`.
 * @example
 * rule('EAS-03', {}, async (t) => {
 *   const w = await t.world();
 *   …
 *   t.require('Orange served by CAS2010 Site2 through the front door', served !== undefined, describeHttp(seen));
 *   check(status !== 451, 'never 451', `got ${status}`);
 * });
 */
import { test } from 'vitest';
import type { Agent } from 'undici';
import type { Evidence, Family, Level, Precondition, RuleMeta, TranscriptLine } from '../../reports/types.ts';
import { ruleMeta } from '../rules.ts';
import { CandidateExitedError, FrontDoorLaunchError, NoPreconditionError, PreconditionLabError, RuleCancelledError } from '../../harness/errors.ts';
import { world, type World, type WorldSpec } from './world.ts';
import { runOptions } from './run-options.ts';
import { outOfScopeReason, ruleInScope } from '../../harness/frontdoor/scope.ts';
import { levelFor as levelOf } from '../../reports/judge.ts';
import { CheckFailure } from '../../harness/verify/check.ts';
import { HarnessOverloadedError, lagMonitor, runQueueWaitMs } from '../../harness/verify/lag.ts';
import { acceptsAny } from '../../harness/verify/listening.ts';
import { OVERLOAD_LAG_MS, overloadBoundMs } from './overload.ts';
import type { JournalEvent } from '../../harness/journal/events.ts';
import { transportFailure } from './transport-failure.ts';

export interface RuleContext {
  readonly meta: RuleMeta;
  readonly level: Level;
  readonly profile: ReturnType<typeof runOptions>['profile'];
  readonly hardened: boolean;
  /**
   * Whether the candidate fronts `family` (its declared scope; true when it declared none). A rule that
   * judges both families (AUTH-01) judges only the ones the candidate fronts; a rule outside the scope
   * entirely never runs (`n/a`, "out of scope: ...").
   */
  inScope(family: Family): boolean;
  /** Aborted when the case times out or ends: pass it to every client call that takes a signal. */
  readonly signal: AbortSignal;
  /** `--slow` factor: multiply every client timeout by it (1 by default). */
  readonly slow: number;
  /** The world this rule runs in (started on first use); its agents are the rule's and die with it. */
  world(spec?: WorldSpec): Promise<World>;
  /**
   * A precondition: what must have been observed for the verdict to mean anything. Not met: `fail`
   * (blame 'candidate', the default: the candidate's behaviour prevented it) or `error` (blame 'lab').
   */
  require(what: string, ok: boolean, detail: string, opts?: { blame?: 'candidate' | 'lab' }): void;
  /** The harness's worst lateness (ms) since the rule started (or since `from`, a `performance.now()`). */
  lag(from?: number): number;
  /** Throw `error` "harness overloaded: lag N ms" when the harness was later than `budgetMs` since the rule started (or `from`). */
  onTime(what: string, budgetMs: number, from?: number): void;
  /** What the seed says should be seen (shown as "expected" in the report). */
  expect(text: string): void;
  /** What was seen. */
  observe(text: string): void;
  /** Client-leg transcript lines. */
  client(lines: TranscriptLine[] | TranscriptLine): void;
  note(text: string): void;
  /** Skip as n/a with a reason (an option the candidate's profile does not have, …). */
  notApplicable(reason: string): never;
}

const KEEP_KINDS = new Set(['http', 'hop', 'mail', 'eventlog', 'tls']);
/** How long a cancelled body may take to notice before the next rule starts anyway. */
const CANCEL_GRACE_MS = 5000;

function journalEvidence(w: World | undefined, since: number): unknown[] {
  if (!w) return [];
  const events = w.lab.journal.since(since).filter((e: JournalEvent) => KEEP_KINDS.has(e.kind) && !(e.kind === 'http' && e.userAgent === 'HttpProxy.ClientAccessServer2010Ping'));
  return events.slice(0, 60);
}

/** The last candidate that exited in this worker: later rules report it instead of running. */
let exited: string | null = null;

/** rule()'s options. The seed quote is not one: it lives in the catalogue only (suites/rules.ts). */
export interface RuleOptions {
  timeoutMs?: number;
  /**
   * The rule judges only worlds of its own (`t.world({ disposable: true })`), so it may run beside its
   * neighbours in the file that are marked so too (vitest runs consecutive concurrent tests together,
   * up to suites/vitest.config.ts's maxConcurrency). For rules that mostly wait on a candidate's timers.
   */
  concurrent?: boolean;
  /**
   * Every verdict of the rule rests on the candidate's timers (health checks, their repeat, failover
   * and recovery): a starved machine makes a correct candidate time out its own checks and move users,
   * which reads as a wrong answer ("stays on A"), not as a passed deadline. So any failure of such a
   * rule is timing-shaped: voided (an `error` with the would-be verdict) when the harness was overloaded.
   */
  timing?: boolean;
}

export function rule(id: string, opts: RuleOptions, body: (t: RuleContext) => Promise<void>): void {
  // Identity, levels, severity, scope and the seed quote come from the catalogue only (suites/rules.ts).
  const meta: RuleMeta = ruleMeta(id);
  const run = runOptions();
  const caseTimeoutMs = Math.round((opts.timeoutMs ?? run.caseTimeoutMs) * run.slow);
  // vitest's own timeout is a backstop: the case bound below fires first, so a hang is an `error` with evidence.
  test(`${id} ${meta.title}`, { meta: { rule: meta }, timeout: caseTimeoutMs + CANCEL_GRACE_MS + 10_000, ...(opts.concurrent ? { concurrent: true } : {}) }, async (ctx) => {
    const level = levelOf(meta, run.profile, run.hardened);
    if (level === '-') ctx.skip(`n/a: ${id} is not judged in profile ${run.profile}${run.hardened ? ' + hardened' : ''}`);
    if (!ruleInScope(meta.scope, run.scope)) ctx.skip(`n/a: ${outOfScopeReason(run.scope!)}`);
    const ev: Evidence = { expected: '', observed: '', client: [], journal: [] };
    const preconditions: Precondition[] = [];
    const lag = lagMonitor();
    // Lag counts from when the rule's world is ready (a world's start-up blocks the loop; it is no window of the rule's).
    let started = lag.now();
    const abort = new AbortController();
    const agents = new Set<Agent>();
    const disposables: World[] = [];
    let waitAtStart: WaitStart | undefined;
    let w: World | undefined;
    let since = 0;
    const t: RuleContext = {
      meta, level, profile: run.profile, hardened: run.hardened, signal: abort.signal, slow: run.slow,
      inScope: (family) => !run.scope || run.scope.includes(family),
      world: async (spec) => {
        if (abort.signal.aborted) throw new RuleCancelledError(`${id} was cancelled: no new world`);
        const defects = run.ruleDefects?.[id];
        const shared = await world(defects ? { ...spec, defects } : spec);
        // A world that came up after the rule ended (its start queued behind others: world.ts) would
        // miss the rule's clean-up: it is stopped here.
        if (spec?.disposable && abort.signal.aborted) {
          await shared.stop().catch(() => undefined);
          throw new RuleCancelledError(`${id} was cancelled: its world came up after it ended`);
        }
        if (spec?.disposable) disposables.push(shared);
        if (!w) {
          since = shared.mark();
          started = lag.now();
          waitAtStart = { candidate: runQueueWaitMs(shared.candidate.processGroup), at: Date.now(), ...(shared.candidate.processGroup !== undefined ? { pgid: shared.candidate.processGroup } : {}) };
        }
        w = scoped(shared, agents, abort.signal, id);
        const gone = shared.candidateGone();
        if (gone) throw new CandidateExitedError(`candidate exited before ${id} (${gone.split('\n')[0]})${tail(gone)}`);
        return w;
      },
      require: (what, ok, detail, o = {}) => {
        const blame = o.blame ?? 'candidate';
        preconditions.push({ what, met: ok, detail: ok ? detail : detail || 'not observed', blame });
        if (ok) return;
        if (blame === 'lab') throw new PreconditionLabError(`precondition not established by the lab: ${what} (${detail || 'not observed'})`);
        throw new CheckFailure(`precondition: ${what}`, detail || 'not observed');
      },
      lag: (from) => lag.maxSince(from ?? started),
      onTime: (what, budgetMs, from) => {
        const late = lag.maxSince(from ?? started);
        if (late > budgetMs) throw new HarnessOverloadedError(late, what);
      },
      expect: (text) => void (ev.expected = ev.expected ? `${ev.expected}\n${text}` : text),
      observe: (text) => void (ev.observed = ev.observed ? `${ev.observed}\n${text}` : text),
      client: (lines) => void ev.client.push(...(Array.isArray(lines) ? lines : [lines])),
      note: (text) => void (ev.notes ??= []).push(text),
      notApplicable: (reason) => ctx.skip(`n/a: ${reason}`),
    };
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const bound = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        const late = lag.maxSince(started);
        reject(late > caseTimeoutMs / 4
          ? new HarnessOverloadedError(late, `${id} within its case timeout of ${caseTimeoutMs} ms`)
          : new FrontDoorLaunchError(`no verdict within the case timeout of ${caseTimeoutMs} ms: the candidate (or the lab) hangs (harness lag ${Math.round(late)} ms)`));
      }, caseTimeoutMs);
    });
    const running = body(t);
    try {
      if (exited) throw new CandidateExitedError(`candidate exited earlier in this run (${exited.split('\n')[0]})${tail(exited)}`);
      await Promise.race([running, bound]);
      if (!preconditions.length) throw new NoPreconditionError(`${id} checked no precondition: a pass would not show that the behaviour it judges happened`);
    } catch (err) {
      if (err instanceof CheckFailure) {
        t.expect(err.expected);
        t.observe(err.actual);
      }
      const gone = w?.candidateGone();
      if (gone) {
        exited = gone;
        throw new CandidateExitedError(`the candidate exited while ${id} ran (${gone.split('\n')[0]})${tail(gone)}`, { cause: err });
      }
      const shape = opts.timing && err instanceof CheckFailure ? 'deadline' : timingShape(err);
      const overload = shape ? overloaded(lag.maxSince(started), run.slow, shape, opts.timing ? w?.healthIntervalMs : undefined) : null;
      if (overload && !(err instanceof HarnessOverloadedError) && !(err instanceof CandidateExitedError)) {
        throw new HarnessOverloadedError(overload.lagMs, `${id} (${overload.why}); the verdict would have been: ${String((err as Error).message ?? err).split('\n').slice(0, 2).join(' / ').slice(0, 300)}`);
      }
      const transport = transportFailure(err);
      if (transport === 'closed') {
        const why = w?.candidate.httpUnsupported ? `${w.candidate.httpUnsupported}: ` : '';
        throw new CheckFailure('the front door answers the client', `${why}the candidate (running) closed the connection without an answer: ${(err as Error).message}`);
      }
      if (transport === 'refused' && w && w.candidate.processGroup !== undefined && !w.candidateGone() && (await acceptsAny(w.candidate.address, Object.values(w.candidate.ports), 1000))) {
        // The candidate runs and accepts connections on another of its ports, but refuses this one: it
        // does not serve the clients of that port (HAProxy with no plaintext IMAP/POP3 listener), a fail.
        // One that accepts on none is down (a wrapper can outlive its proxy), and a candidate we do not
        // run (url:) may simply be down: both stay an error below.
        throw new CheckFailure('the front door accepts connections on the port its clients use', `the candidate (running) refused the connection: ${(err as Error).message}`);
      }
      if (transport) {
        const why = w?.candidate.httpUnsupported ? `${w.candidate.httpUnsupported}: ` : '';
        throw new FrontDoorLaunchError(`${why}the candidate did not answer (${transport}): ${(err as Error).message}`, { cause: err });
      }
      throw err;
    } finally {
      clearTimeout(timer);
      abort.abort(new RuleCancelledError(`${id} ended`));
      for (const a of agents) a.destroy().catch(() => {});
      if (timedOut) {
        // Let the cancelled body notice (its agents are gone) before the next rule starts; bounded.
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([running.catch(() => {}), new Promise<void>((r) => (grace = setTimeout(r, CANCEL_GRACE_MS)))]);
        clearTimeout(grace);
      }
      ev.journal = journalEvidence(w, since);
      if (preconditions.length) ev.preconditions = preconditions;
      const late = lag.maxSince(started);
      const share = cpuWaitShare(waitAtStart);
      ev.lag = { maxMs: Math.round(late), loopDelayP99Ms: Math.round(lag.loopDelay().p99), ...(share !== null ? { candidateCpuWaitShare: Math.round(share * 100) / 100 } : {}) };
      ctx.task.meta.evidence = ev;
      await Promise.allSettled(disposables.map((d) => d.stop()));
    }
  });
}

/**
 * A failure that a late machine can cause: a deadline or bound passed, nothing seen in time, an answer
 * missing, or the 502/503/504 and "unavailable" a front door gives when its own health checks timed out.
 * A wrong answer that does not depend on time (a 401, a misroute, a relay) stays the candidate's fail.
 * A 503 cannot tell "no target" (a fail on any machine) from "my probe timed out" (a starved machine):
 * runs showed both (a CI control's 17 ms 503 at 1021 ms of lag; the reference's own probes timing out
 * at 1680 ms), so it is voided like a deadline, and the error carries the would-be verdict.
 */
type TimingShape = 'deadline' | 'unavailable';
function timingShape(err: unknown): TimingShape | null {
  const e = err as { message?: unknown; expected?: unknown; actual?: unknown };
  const text = [e.message, e.expected, e.actual].filter((x) => typeof x === 'string').join('\n');
  if (/within \d|timed? ?out|no answer|not seen|deadline|\blate\b|no health check|did not finish/i.test(text)) return 'deadline';
  if (/\b50[234]\b|unavailable/i.test(text)) return 'unavailable';
  return null;
}

/** Where the candidate's run-queue wait stood when the rule's world was ready. */
type WaitStart = { candidate: number | null; at: number; pgid?: number };

/**
 * Whether the harness was too late for a timing-shaped failure to mean anything (overload.ts: 1 s, or a
 * quarter of the check interval for a rule on the candidate's checks). The candidate's CPU-wait share is
 * recorded (evidence.lag) but does not void a verdict: on a busy but sane 2-core run it already reads
 * 0.2-0.9, so no bound tells overload from normal sharing.
 */
function overloaded(lagMs: number, slow: number, shape: TimingShape, intervalMs?: number): { lagMs: number; why: string } | null {
  const boundMs = overloadBoundMs({ slow, intervalMs });
  return lagMs > boundMs ? { lagMs, why: `harness timers ${Math.round(lagMs)} ms late (a ${shape === 'deadline' ? 'passed deadline' : '5xx or "unavailable" answer'} is not judged then${boundMs < OVERLOAD_LAG_MS * slow ? `: past a quarter of the ${intervalMs} ms check interval` : ''})` } : null;
}

/** Share of the rule's wall time the candidate's processes (summed) spent runnable but waiting for a CPU. */
function cpuWaitShare(start: WaitStart | undefined): number | null {
  if (!start || start.candidate === null) return null;
  const now = runQueueWaitMs(start.pgid);
  const wall = Date.now() - start.at;
  if (now === null || wall <= 0) return null;
  return (now - start.candidate) / wall;
}

/** The world as one rule sees it: agents it makes are tracked (destroyed when the rule ends); none after. */
function scoped(w: World, agents: Set<Agent>, signal: AbortSignal, id: string): World {
  return {
    ...w,
    agent: (o) => {
      if (signal.aborted) throw new RuleCancelledError(`${id} was cancelled: no new client`);
      const a = w.agent(o);
      agents.add(a);
      return a;
    },
  };
}

function tail(reason: string): string {
  const rest = reason.split('\n').slice(1).join('\n').trim();
  return rest ? `; last output:\n${rest.slice(-1500)}` : '';
}
