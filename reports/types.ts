/**
 * The conformance report's data model. `report.json` is a ConformanceReport; every other output
 * (junit.xml, report.html, summary.md, compare matrix, baseline diff) is rendered from it.
 * Suites fill RuleMeta and Evidence (vitest `task.meta.rule` / `task.meta.evidence`), the reporter
 * builds RuleResult and ConformanceReport. The published JSON Schema is schema/report.schema.json:
 * keep both in step (reports/validate.test.ts checks a typed fixture against the schema).
 */

/** R required, S recommended, I informational, '-' not applicable (RULES.md "Levels"). */
export type Level = 'R' | 'S' | 'I' | '-';
export type ProfileName = 'exchange2013' | 'exchange2010' | 'exchange2007';
export type Outcome = 'pass' | 'fail' | 'warn' | 'n/a' | 'info' | 'waived' | 'error';
/**
 * How much a failure of the rule hurts users (issue 12): `critical` a user gets another user's data,
 * credentials are exposed or security is bypassed; `major` a user cannot reach their mailbox or is sent
 * to the wrong one; `minor` degraded (an extra sign-in, slower failover, lost affinity); `fingerprint`
 * an Exchange-specific detail users do not feel (the probe's User-Agent).
 */
export type Severity = 'critical' | 'major' | 'minor' | 'fingerprint';
/** The protocol families a front door can front: HTTP (every web vdir) and mail (IMAP4/POP3). */
export type Family = 'http' | 'mail';
/**
 * The gate of a run (`--fail-on`): `fail` any R failure (the default), `warn` any R failure or S
 * warning, `critical` / `major` / `minor` only R failures of that severity or worse.
 */
export type FailOn = 'fail' | 'warn' | 'critical' | 'major' | 'minor';

/** Every outcome, in the order reports list them (worst first after pass). */
export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'warn', 'error', 'waived', 'info', 'n/a'];
export const PROFILES: readonly ProfileName[] = ['exchange2013', 'exchange2010', 'exchange2007'];
export const LEVELS: readonly Level[] = ['R', 'S', 'I', '-'];
/** Worst first. */
export const SEVERITIES: readonly Severity[] = ['critical', 'major', 'minor', 'fingerprint'];
export const FAMILIES: readonly Family[] = ['http', 'mail'];
export const FAIL_ON: readonly FailOn[] = ['fail', 'warn', 'critical', 'major', 'minor'];
/** The n/a reason of a rule outside the candidate's scope starts with this (suites/support/rule.ts writes it). */
export const OUT_OF_SCOPE = 'out of scope:';

/** Carried by each vitest test in `task.meta.rule` (test option `meta` or set in the body). */
export interface RuleMeta {
  /** Stable rule ID from RULES.md, e.g. 'EAS-03'. */
  id: string;
  /** The ID's prefix, e.g. 'EAS'. */
  area: string;
  /** The rule text from RULES.md. */
  title: string;
  levels: { exchange2013: Level; exchange2010: Level; exchange2007: Level };
  /** For hardened-only rules ('R' or 'S'); their base levels are '-'. */
  hardened?: Level;
  /** How much a failure hurts users (always set by suites/rules.ts; optional for other producers). */
  severity?: Severity;
  /** The families the rule judges: out of the candidate's scope entirely, it is `n/a` (always set by suites/rules.ts). */
  scope?: Family[];
  /** Seed file name (null for hardened rules, which have no seed) and the sentence quoted. */
  source: { seed: string | null; quote: string };
}

/** One line of the client leg: what the client sent (C), got (S), or a remark (note). */
export interface TranscriptLine {
  dir: 'C' | 'S' | 'note';
  line: string;
  /** Milliseconds since the stimulus, when known. */
  at?: number;
}

/** Carried in `task.meta.evidence`, set by the test before or at its check. */
export interface Evidence {
  /** What the seed says should be seen. */
  expected: string;
  /** What was seen. */
  observed: string;
  /** The client leg. */
  client: TranscriptLine[];
  /** The front-door-to-CAS leg: journal events (JSON objects with kind, server, ...). */
  journal: unknown[];
  notes?: string[];
  /**
   * What had to be observed for the verdict to mean anything (the user was served, the failover
   * happened, the probe was seen), each with whether it was. A missing one is `fail` when the
   * candidate prevented it (blame candidate) and `error` when the lab did — never `pass`.
   */
  preconditions?: Precondition[];
  /** The harness's own worst lateness while the rule ran (ms), for timing-window rules. */
  lag?: { maxMs: number; loopDelayP99Ms?: number; candidateCpuWaitShare?: number };
}

export interface Precondition {
  what: string;
  met: boolean;
  detail: string;
  blame?: 'candidate' | 'lab';
}

/** One judged rule. */
export interface RuleResult {
  id: string;
  area: string;
  title: string;
  /** The level that applied to this run (profile level, or the hardened level). */
  level: Level;
  /** From the rule catalogue; absent in reports written before severities existed. */
  severity?: Severity;
  /** The families the rule judges (absent in older reports). */
  scope?: Family[];
  outcome: Outcome;
  /** Why: for n/a, error, waived and fail (and warn/info when a check failed). */
  reason?: string;
  source: RuleMeta['source'];
  evidence?: Evidence;
  durationMs: number;
  /** One entry per run of the rule under `--repeat N`. */
  attempts?: { outcome: Outcome; durationMs: number }[];
  /** True when the attempts did not all end the same way. */
  flaky?: boolean;
}

/** One config file a candidate ran with, verbatim. */
export interface ConfigFile {
  /** File name as the product sees it (`nginx.conf`). */
  name: string;
  /** `generated` (the adapter's own config) or `template <path>` (the user's `--config`, filled). */
  origin: string;
  text: string;
}

/** What a candidate is: the report names it, so a reader knows exactly what was judged. */
export interface CandidateIdentity {
  /** `--name`, else the adapter's product name (`nginx`, `nginx+dovecot`), else the command's script. */
  name: string;
  version: string | null;
  launcher: string;
  /** Digest of the config text (all files), null when the candidate has no config we know of. */
  configDigest: string | null;
  options: Record<string, unknown>;
  /** What it fronts; absent in older reports (then: everything). */
  scope?: Family[];
  /** The TLS library the product reports (`OpenSSL 3.0.15 3 Sep 2024`), null when it does not say. */
  tlsLibrary?: string | null;
  /** Modules / features the product reports as loaded or built in. */
  modules?: string[];
  /** The exact config text it ran with. */
  config?: ConfigFile[];
  /** A composite front door (`nginx+dovecot`): each product and what it fronts. */
  components?: ComponentIdentity[];
}

/** One product of a composite candidate. */
export interface ComponentIdentity {
  name: string;
  version: string | null;
  scope: Family[];
  tlsLibrary?: string | null;
  modules?: string[];
}

export interface ConformanceReport {
  schemaVersion: 1;
  run: {
    id: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    tool: { name: 'cas-conformance'; version: string };
    node: string;
    host?: string;
  };
  candidate: CandidateIdentity;
  profile: { name: ProfileName; hardened: boolean; build?: string | null; failOn: FailOn };
  topology: { name: string; digest: string };
  summary: Record<Outcome, number> & { total: number; conformant: boolean; exitCode: 0 | 1 | 2 };
  rules: RuleResult[];
  /**
   * Run-level remarks: expired waivers, tests without rule metadata, errors outside any test.
   * Optional so that reports written before it existed still validate.
   */
  notes?: string[];
}
