/**
 * What this run judges, passed from `cas-conformance run` to the suite workers through the
 * environment (CAS_RUN_OPTIONS, JSON). Defaults: the reference front door, exchange2013, fast health.
 */
import type { ProfileName } from '../../harness/frontdoor/profile-topology.ts';
import type { Family } from '../../reports/types.ts';

export interface RunOptions {
  profile: ProfileName;
  /** exchange2007: the front door's build (2007-rtm … 2007-sp3); exchange2010: 2010-sp2-ru1 by default. */
  build?: string;
  hardened: boolean;
  /** `reference`, `command:<cmd>`, `url:<https://host:port>`, or a real proxy name (nginx, haproxy, …). */
  frontDoor: string;
  /** A topology file or name replacing the profile's default (variants still apply). */
  topology?: string;
  /** Health rules at the topology's real interval instead of the fast one. */
  realtime: boolean;
  /** Named defects passed to the reference front door (test aids). */
  defects: string[];
  /** Negative controls: defects per rule ID (each rule runs in a world carrying its own defects). */
  ruleDefects?: Record<string, string[]>;
  /** Where candidate identity and logs go. */
  runDir: string;
  /** Seconds a case may take before it is an error. */
  caseTimeoutMs: number;
  /** `--slow FACTOR`: every client timeout and case timeout is multiplied by it (slow CI runners). */
  slow: number;
  /** What the candidate fronts (its adapter's declaration or `--scope`); absent: everything. Rules outside it are n/a. */
  scope?: Family[];
  /** `--config`: the user's config template per product (`nginx` -> absolute path). */
  config?: Record<string, string>;
}

export function runOptions(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const raw = env.CAS_RUN_OPTIONS ? (JSON.parse(env.CAS_RUN_OPTIONS) as Partial<RunOptions>) : {};
  return {
    profile: raw.profile ?? 'exchange2013',
    ...(raw.build ? { build: raw.build } : {}),
    hardened: raw.hardened ?? false,
    frontDoor: raw.frontDoor ?? 'reference',
    ...(raw.topology ? { topology: raw.topology } : {}),
    realtime: raw.realtime ?? false,
    defects: raw.defects ?? [],
    ...(raw.ruleDefects ? { ruleDefects: raw.ruleDefects } : {}),
    runDir: raw.runDir ?? `${process.cwd()}/.cache/run`,
    caseTimeoutMs: raw.caseTimeoutMs ?? 30_000,
    slow: typeof raw.slow === 'number' && raw.slow >= 1 ? raw.slow : 1,
    ...(Array.isArray(raw.scope) && raw.scope.length ? { scope: raw.scope } : {}),
    ...(raw.config ? { config: raw.config } : {}),
  };
}
