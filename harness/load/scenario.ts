/**
 * The load loop: every simulated user runs its operations one after the other, paced so that all users
 * together aim at the target rate, for the planned duration. A user late on its pace starts its next
 * operation at once (no catch-up burst). Every third operation of each kind (the first included) is sent
 * again straight to the mock the oracle names (the baseline), except inside the fault window. Bounded in time (the duration, then each
 * client's own timeout) and in count (MAX_OPS).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { JournalTap } from './journal-tap.ts';
import type { FailoverDriver } from './failover.ts';
import type { LoadPlan } from './limits.ts';
import type { SimUser } from './sim-user.ts';
import { PROTOCOL_OF, type Op, type OpKind } from './types.ts';

/** One user's round of operations: every protocol early, the cheap ones more often (a Monday morning's mix). */
export const ROTATION: readonly OpKind[] = [
  'owa-signin', 'eas-options', 'ews-getfolder', 'eas-sync', 'autodiscover', 'imap-session',
  'owa-page', 'eas-foldersync', 'ews-getfolder', 'pop3-session', 'owa-page', 'eas-sync',
];

/** A user's 1st, 4th, 7th... operation of each kind is repeated straight to the mock. */
export const BASELINE_EVERY = 3;
const MAX_OPS = 200_000;

export interface ScenarioOptions {
  sims: readonly SimUser[];
  plan: LoadPlan;
  /** Operation kinds in scope (HTTP and/or mail). */
  kinds: readonly OpKind[];
  tap: JournalTap;
  t0: number;
  failover: FailoverDriver | null;
  signal?: AbortSignal;
  /** Where operations go as they start (the failover driver reads it while the load runs). */
  ops?: Op[];
  /** Called with each finished operation (progress). */
  onOp?: (op: Op) => void;
}

export interface ScenarioResult {
  ops: Op[];
  peakInFlight: number;
}

/**
 * Run the load.
 * @example
 * const { ops } = await runScenario({ sims, plan, kinds, tap, t0: performance.now(), failover: null });
 */
export async function runScenario(o: ScenarioOptions): Promise<ScenarioResult> {
  const ops: Op[] = o.ops ?? [];
  const rotation = ROTATION.filter((k) => o.kinds.includes(k));
  if (!rotation.length) return { ops, peakInFlight: 0 };
  const endAt = o.t0 + o.plan.seconds * 1000;
  const intervalMs = (1000 * o.sims.length) / o.plan.rate;
  let inFlight = 0;
  let peak = 0;

  const runOp = async (sim: SimUser, kind: OpKind, via: Op['via'], pairOf?: Op): Promise<Op> => {
    const op: Op = {
      n: ops.length + 1, sim: sim.spec.id, sam: sim.sam, kind, protocol: PROTOCOL_OF[kind], via,
      start: performance.now() - o.t0, end: 0, outcome: 'error', detail: '', requests: 0, servedUsers: [], events: [], ...(pairOf ? { pairOf: pairOf.n } : {}),
    };
    ops.push(op);
    o.tap.current.set(sim.spec.id, op);
    peak = Math.max(peak, ++inFlight);
    try {
      const c = await sim.run(kind, via);
      Object.assign(op, { outcome: c.outcome, detail: c.detail, requests: c.requests, servedUsers: c.servedUsers }, c.sessionLost ? { sessionLost: true } : {});
      // Another user's data is never an ok answer, whatever the status (the judge counts it as cross-user too).
      const others = c.servedUsers.filter((u) => u !== sim.sam);
      if (others.length && c.outcome === 'ok') Object.assign(op, { outcome: 'error', detail: `${c.detail}, with the data of ${others.join(', ')}` });
    } finally {
      op.end = performance.now() - o.t0;
      inFlight--;
      if (o.tap.current.get(sim.spec.id) === op) o.tap.current.delete(sim.spec.id);
    }
    o.onOp?.(op);
    return op;
  };

  const loop = async (sim: SimUser, i: number): Promise<void> => {
    // Users start spread over one interval, each at its own place in the round.
    let next = o.t0 + (i / o.sims.length) * intervalMs;
    let k = i;
    const seen = new Map<OpKind, number>();
    for (;;) {
      const wait = next - performance.now();
      if (wait > 0) await delay(Math.min(wait, endAt - performance.now() + 1));
      if (performance.now() >= endAt || o.signal?.aborted || ops.length >= MAX_OPS) return;
      let kind = rotation[k++ % rotation.length]!;
      // A silent redirect leaves the front door: each OWA visit of such a user is a sign-in through it.
      if (kind === 'owa-page' && sim.spec.expect.owa.path !== 'proxied') kind = 'owa-signin';
      const fd = await runOp(sim, kind, 'front-door');
      const now = performance.now() - o.t0;
      const nth = (seen.get(kind) ?? 0) + 1;
      seen.set(kind, nth);
      if (nth % BASELINE_EVERY === 1 && !o.failover?.inWindow(now) && performance.now() < endAt && sim.directHost(PROTOCOL_OF[kind]) !== null) {
        await runOp(sim, kind, 'direct', fd);
      }
      next = Math.max(next + intervalMs, performance.now());
    }
  };

  await Promise.all(o.sims.map((s, i) => loop(s, i)));
  return { ops, peakInFlight: peak };
}
