/**
 * Failover under load (issue 16 item 3): midway through the load, one CAS of the busiest pool (two or
 * more CAS of one version in one site serving the simulated users: contoso's Site3 pair) fails: first
 * it answers 503 to everything (its health checks and its user requests), then its port refuses
 * connections (HTTPS and mail), later it recovers. The faults go through the lab's fault table
 * (harness/control/faults.ts). Then, from what the clients and the journal saw: the outage per protocol
 * (failure -> end of the last failed user request of the pool's users), the time from recovery to user
 * traffic reaching the CAS again, affinity kept for users whose CAS stayed up (003: "a user who is
 * proxied to CAS-01 the first time will always be proxied to CAS-01"), and session losses.
 */
import type { FaultTable, ActiveFault } from '../control/faults.ts';
import type { JournalTap } from './journal-tap.ts';
import type { SimUserSpec } from './population.ts';
import { LOAD_PROTOCOLS, type LoadProtocol } from './oracle.ts';
import type { FailoverReport, Op, OutageRow } from './types.ts';

/** Where in the load phase each step happens (fractions of the duration). */
export const FAILOVER_SCHEDULE = { fail: 0.3, refuse: 0.45, recover: 0.6 } as const;

const HTTP_PROTOCOLS: LoadProtocol[] = ['owa', 'eas', 'ews', 'autodiscover'];

/** Pools (two or more CAS) and how many simulated users each serves, busiest first. */
export function pools(sims: readonly SimUserSpec[]): { pool: string[]; users: number }[] {
  const count = new Map<string, Set<string>>();
  for (const s of sims) {
    for (const p of LOAD_PROTOCOLS) {
      const e = s.expect[p];
      if (e.pool.length < 2 || !e.journalExpected || e.path !== 'proxied') continue;
      const key = [...e.pool].sort().join(' ');
      count.set(key, (count.get(key) ?? new Set()).add(s.id));
    }
  }
  return [...count].map(([k, v]) => ({ pool: k.split(' '), users: v.size })).sort((a, b) => b.users - a.users || a.pool[0]!.localeCompare(b.pool[0]!));
}

/** The member of `pool` that served the most user requests through the candidate so far (the busy one). */
export function busiest(pool: readonly string[], ops: readonly Op[]): string {
  const n = new Map(pool.map((s) => [s, 0]));
  for (const op of ops) if (op.via === 'front-door') for (const e of op.events) if (e.user && n.has(e.server)) n.set(e.server, n.get(e.server)! + 1);
  return [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/** Drives the faults on a schedule; every step is recorded in ms since the load started. */
export class FailoverDriver {
  server: string | null = null;
  pool: string[] = [];
  failAt: number | null = null;
  refuseAt: number | null = null;
  recoverAt: number | null = null;
  reason: string | null = null;
  readonly #faults: ActiveFault[] = [];
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(readonly table: FaultTable, readonly sims: readonly SimUserSpec[], readonly ops: () => readonly Op[], readonly t0: number) {}

  /** Schedule the three steps over a load of `seconds`. */
  schedule(seconds: number): void {
    const at = (f: number, fn: () => void) => this.#timers.push(setTimeout(fn, f * seconds * 1000));
    at(FAILOVER_SCHEDULE.fail, () => this.#fail());
    at(FAILOVER_SCHEDULE.refuse, () => this.#refuse());
    at(FAILOVER_SCHEDULE.recover, () => this.recover());
  }

  #now(): number {
    return performance.now() - this.t0;
  }

  #fail(): void {
    const busy = pools(this.sims)[0];
    if (!busy) {
      this.reason = 'no site of the topology has two CAS of one version serving the simulated users: nothing to fail over to';
      return;
    }
    this.pool = busy.pool;
    this.server = busiest(busy.pool, this.ops());
    this.#faults.push(this.table.inject({ server: this.server, endpoint: '*', kind: 'status', status: 503 }));
    this.failAt = this.#now();
  }

  #refuse(): void {
    if (!this.server) return;
    this.#faults.push(this.table.inject({ server: this.server, endpoint: '*', kind: 'refuse' }));
    this.refuseAt = this.#now();
  }

  /** Clear this driver's faults (the recovery; also the cleanup when the load ends early). */
  recover(): void {
    for (const t of this.#timers) clearTimeout(t);
    if (!this.#faults.length) return;
    for (const f of this.#faults.splice(0)) this.table.clear(f.id);
    this.recoverAt ??= this.#now();
  }

  /** Is `at` inside the fault window (plus `graceMs` after recovery)? */
  inWindow(at: number, graceMs = 2000): boolean {
    return this.failAt !== null && at >= this.failAt && (this.recoverAt === null || at <= this.recoverAt + graceMs);
  }
}

/**
 * The failover figures.
 * @example
 * const f = failoverReport(driver, ops, tap, sims, true);
 * f.outage.find((o) => o.protocol === 'ews')?.outageMs;
 */
export function failoverReport(d: FailoverDriver, ops: readonly Op[], tap: Pick<JournalTap, 'mail' | 'own'>, sims: readonly SimUserSpec[], enabled: boolean): FailoverReport {
  const empty = { outage: [], affinity: { kept: 0, total: 0, broken: [] }, moved: [], sessionLosses: 0, sessionLossUsers: [] };
  const fd = ops.filter((o) => o.via === 'front-door');
  const losses = fd.filter((o) => o.sessionLost);
  const lossInfo = { sessionLosses: losses.length, sessionLossUsers: [...new Set(losses.map((o) => `${o.sim} (${o.sam})`))] };
  if (!enabled) return { ...empty, ...lossInfo, exercised: false, reason: 'failover off (--no-failover)' };
  if (!d.server || d.failAt === null) return { ...empty, ...lossInfo, exercised: false, reason: d.reason ?? 'the load ended before the failure step' };
  const victim = d.server;
  const failAt = d.failAt;
  const recoverAt = d.recoverAt ?? Number.POSITIVE_INFINITY;
  const bySim = new Map(sims.map((s) => [s.id, s]));
  const affected = (o: Op) => bySim.get(o.sim)!.expect[o.protocol].pool.includes(victim);
  const outage: OutageRow[] = [];
  for (const p of LOAD_PROTOCOLS) {
    const window = fd.filter((o) => o.protocol === p && affected(o) && o.start >= failAt && o.start < recoverAt);
    const pre = fd.filter((o) => o.protocol === p && affected(o));
    if (!pre.length) continue;
    const failed = window.filter((o) => o.outcome !== 'ok');
    const outageMs = failed.length ? Math.round(Math.max(...failed.map((o) => o.end)) - failAt) : 0;
    let returnAt: number | null = null;
    if (Number.isFinite(recoverAt)) {
      if (p === 'imap' || p === 'pop3') {
        const proto = p === 'imap' ? 'imap4' : 'pop3';
        returnAt = tap.mail.filter((m) => m.server === victim && m.protocol === proto && m.login === 'ok' && m.at >= recoverAt).map((m) => m.at).sort((a, b) => a - b)[0] ?? null;
      } else {
        returnAt = fd.filter((o) => o.protocol === p).flatMap((o) => o.events).filter((e) => e.server === victim && e.user && e.at >= recoverAt).map((e) => e.at).sort((a, b) => a - b)[0] ?? null;
      }
    }
    const windowMs = (Number.isFinite(recoverAt) ? recoverAt : Math.max(failAt, ...fd.map((o) => o.end))) - failAt;
    outage.push({ protocol: p, ops: window.length, failed: failed.length, outageMs, returnMs: returnAt === null ? null : Math.round(returnAt - recoverAt), resolutionMs: window.length ? Math.round(windowMs / window.length) : null });
  }
  const probeBack = Number.isFinite(recoverAt) ? tap.own.filter((o) => o.server === victim && o.at >= recoverAt && o.status < 500).map((o) => o.at).sort((a, b) => a - b)[0] : undefined;
  // Affinity: per (user, protocol) of the pool, the CAS that served it last before the failure.
  let kept = 0;
  let total = 0;
  const broken: string[] = [];
  const moved: string[] = [];
  for (const s of sims) {
    for (const p of HTTP_PROTOCOLS) {
      if (!s.expect[p].pool.includes(victim) || s.expect[p].path !== 'proxied') continue;
      const served = fd.filter((o) => o.sim === s.id && o.protocol === p).flatMap((o) => o.events).filter((e) => e.user === simSam(s) && d.pool.includes(e.server));
      const before = served.filter((e) => e.at < failAt).at(-1)?.server;
      const after = served.filter((e) => e.at >= failAt);
      if (!before || !after.length) continue;
      const label = `${s.id} ${s.user.samAccountName} ${p}`;
      if (before === victim) {
        const to = [...new Set(after.filter((e) => e.at < recoverAt).map((e) => e.server))].filter((x) => x !== victim);
        if (to.length) moved.push(`${label}: ${victim} -> ${to.join(', ')}`);
        continue;
      }
      total++;
      const others = [...new Set(after.map((e) => e.server))].filter((x) => x !== before);
      if (others.length) broken.push(`${label}: ${before} -> ${others.join(', ')}`);
      else kept++;
    }
  }
  return {
    exercised: true, server: victim, pool: d.pool, users: [...new Set(sims.filter((s) => LOAD_PROTOCOLS.some((p) => s.expect[p].pool.includes(victim))).map((s) => `${s.id} (${s.user.samAccountName})`))],
    failAt: Math.round(failAt), ...(d.refuseAt !== null ? { refuseAt: Math.round(d.refuseAt) } : {}), ...(d.recoverAt !== null ? { recoverAt: Math.round(d.recoverAt) } : {}),
    outage, affinity: { kept, total, broken: broken.slice(0, 20) }, moved: moved.slice(0, 40), ...lossInfo,
    probeReturnMs: probeBack === undefined ? null : Math.round(probeBack - recoverAt),
  };
}

function simSam(s: SimUserSpec): string {
  return s.user.samAccountName.toLowerCase();
}
