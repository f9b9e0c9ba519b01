/**
 * The data of one load run: operations as they happened (client side), what the journal says about
 * each, and the figures load.json carries (docs/load.md describes every field).
 */
import type { LoadProtocol } from './oracle.ts';

/** One user action. `owa-signin` types credentials; `owa-page` reloads the mailbox with the session. */
export const OP_KINDS = ['owa-signin', 'owa-page', 'eas-options', 'eas-foldersync', 'eas-sync', 'ews-getfolder', 'autodiscover', 'imap-session', 'pop3-session'] as const;
export type OpKind = (typeof OP_KINDS)[number];

export const PROTOCOL_OF: Record<OpKind, LoadProtocol> = {
  'owa-signin': 'owa', 'owa-page': 'owa', 'eas-options': 'eas', 'eas-foldersync': 'eas', 'eas-sync': 'eas',
  'ews-getfolder': 'ews', autodiscover: 'autodiscover', 'imap-session': 'imap', 'pop3-session': 'pop3',
};

/** What the client made of an answer. */
export type OpOutcome = 'ok' | 'refused' | 'error';

/** A journal event attached to the operation that was in flight for its simulated user. */
export interface SeenEvent {
  seq: number;
  /** ms since the load started. */
  at: number;
  server: string;
  vdir: string;
  /** The user the mock served the request as (null before authentication). */
  user: string | null;
  decision: string;
  status: number;
}

export interface Op {
  n: number;
  sim: string;
  /** samAccountName of the simulated user's topology user. */
  sam: string;
  kind: OpKind;
  protocol: LoadProtocol;
  /** Through the candidate, or straight to a mock (the baseline). */
  via: 'front-door' | 'direct';
  /** ms since the load started. */
  start: number;
  end: number;
  outcome: OpOutcome;
  /** Status or protocol answer, short (`200`, `401`, `IMAP LOGIN: NO ...`, `timeout`). */
  detail: string;
  /** HTTP requests the client sent for it (mail sessions: 1). */
  requests: number;
  /** Users the answer named: X-Lab-Served-User, body tokens, OWA's data-user, mail subjects' owners. */
  servedUsers: string[];
  /** Baseline operations: the operation through the candidate it repeats (same user, same kind, just before). */
  pairOf?: number;
  /** OWA: a signed-in session was answered with a sign-in page (the user had to sign in again). */
  sessionLost?: boolean;
  events: SeenEvent[];
}

export interface Example {
  sim: string;
  user: string;
  kind: OpKind | 'mail-session';
  /** ms since the load started. */
  at: number;
  text: string;
}

export interface ProtocolCount {
  ops: number;
  ok: number;
  refused: number;
  errors: number;
  misroutes: number;
  crossUser: number;
  /** Answered on the client side but no mock journaled serving the user (where one must). */
  unconfirmed: number;
}

export interface LatencyRow {
  kind: OpKind;
  /** Operations measured through the candidate / straight to the mocks (ok answers, outside the fault window). */
  n: number;
  baselineN: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  baselineP50: number | null;
  baselineP95: number | null;
  baselineP99: number | null;
  /** Pairs (an operation through the candidate and its repetition straight to the mock, both ok) behind the added figures. */
  pairs: number;
  /** Over the pairs: candidate percentile minus baseline percentile, ms (null without pairs). */
  addedP50: number | null;
  addedP95: number | null;
  addedP99: number | null;
  /** Histogram buckets (upper bounds, ms) and counts of both legs. */
  buckets: number[];
  counts: number[];
  baselineCounts: number[];
}

export interface OutageRow {
  protocol: LoadProtocol;
  /** Operations of users of the failed pool during the fault window. */
  ops: number;
  failed: number;
  /** ms from the failure to the end of the last failed user request of the pool's users (0: none failed). */
  outageMs: number;
  /** ms from recovery to the first user request the recovered CAS served (null: not within the run). */
  returnMs: number | null;
  /** The fault window divided by its operations: the outage is known to about this many ms (requests are paced). */
  resolutionMs: number | null;
}

export interface FailoverReport {
  exercised: boolean;
  /** Why not, when not. */
  reason?: string;
  server?: string;
  pool?: string[];
  users?: string[];
  /** ms since the load started. */
  failAt?: number;
  refuseAt?: number;
  recoverAt?: number;
  outage: OutageRow[];
  /** Users (and protocol) whose CAS stayed up: served by that same CAS after the failure. */
  affinity: { kept: number; total: number; broken: string[] };
  /** Users of the failed CAS moved to another CAS of the pool (per protocol). */
  moved: string[];
  sessionLosses: number;
  sessionLossUsers: string[];
  /** ms from recovery to the candidate's own request (health check) answered by the recovered CAS (null: none seen). */
  probeReturnMs?: number | null;
}

export interface CostReport {
  measured: boolean;
  reason?: string;
  /** Processes of the candidate's tree seen. */
  processes: number;
  cpuSeconds: number;
  /** Mean CPU over the load phase, percent of one core. */
  cpuPercent: number;
  peakRssMiB: number;
  /** CPU ms per front-door request (HTTP requests + mail sessions). */
  cpuMsPerRequest: number | null;
}

export interface LoadResult {
  version: 1;
  tool: string;
  startedAt: string;
  candidate: { name: string; version: string | null; launcher: string; configDigest: string | null; defects: string[] };
  topology: { name: string; digest: string };
  plan: { users: number; seconds: number; rate: number; failover: boolean; scope: string[] };
  users: { sim: string; user: string; roles: string[]; address: string | null }[];
  /** Achieved figures. */
  throughput: { ops: number; opsPerSecond: number; requests: number; requestsPerSecond: number; mailSessions: number; baselineOps: number; peakInFlight: number };
  correctness: {
    perProtocol: Record<LoadProtocol, ProtocolCount>;
    misroutes: number;
    crossUser: number;
    refusals: number;
    errors: number;
    unconfirmed: number;
    examples: { misroutes: Example[]; crossUser: Example[]; refusals: Example[]; errors: Example[]; unconfirmed: Example[] };
  };
  /** Requests a mock journaled for a simulated user while none of its operations was in flight. */
  strayEvents: number;
  /**
   * Event-loop delay of the harness process (mocks and load generator) during the load, ms: when it is
   * high, latencies measure the harness as much as the candidate (docs/validity.md "Harness lag").
   */
  harnessLag: { p50: number; p99: number; max: number };
  failover: FailoverReport;
  latency: LatencyRow[];
  cost: CostReport;
  /** pass: zero misroutes and zero cross-user responses, with every protocol in scope served; fail otherwise. */
  verdict: { outcome: 'pass' | 'fail'; reasons: string[]; exitCode: 0 | 1 };
  notes: string[];
}
