/**
 * buildReport(): judged rule results plus run identity -> a ConformanceReport (summary and exit code
 * included). Results sharing a rule ID (--repeat N) are merged into attempts here.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { mergeAttempts } from './attempts.ts';
import { summarize } from './outcome.ts';
import type { ConformanceReport, FailOn, ProfileName, RuleResult } from './types.ts';

export interface BuildReportInput {
  profile: ProfileName;
  hardened: boolean;
  failOn: FailOn;
  /** Front-door build for the exchange2007 profile (RULES.md: build B), if any. */
  build?: string | null;
  candidate: ConformanceReport['candidate'];
  topology: ConformanceReport['topology'];
  rules: readonly RuleResult[];
  startedAt: Date;
  finishedAt: Date;
  /** Defaults to a random UUID. */
  runId?: string;
  /** Defaults to the version in the project's package.json. */
  toolVersion?: string;
  /** Defaults to os.hostname(); null leaves it out (reports meant to be shared). */
  host?: string | null;
  notes?: readonly string[];
  /** Errors outside any test (failed module, unhandled error, interrupted run): exit code 2 unless a rule failed. */
  runErrors?: number;
}

/**
 * Assemble the report.
 * @example
 * const report = buildReport({ profile: 'exchange2013', hardened: false, failOn: 'fail', candidate, topology,
 *   rules, startedAt, finishedAt: new Date() });
 */
export function buildReport(input: BuildReportInput): ConformanceReport {
  const rules = mergeAttempts(input.rules);
  const report: ConformanceReport = {
    schemaVersion: 1,
    run: {
      id: input.runId ?? randomUUID(),
      startedAt: input.startedAt.toISOString(),
      finishedAt: input.finishedAt.toISOString(),
      durationMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
      tool: { name: 'cas-conformance', version: input.toolVersion ?? toolVersion() },
      node: process.versions.node,
    },
    candidate: input.candidate,
    profile: { name: input.profile, hardened: input.hardened, failOn: input.failOn },
    topology: input.topology,
    summary: summarize(rules, input.failOn, { runErrors: input.runErrors ?? 0 }),
    rules,
  };
  const host = input.host === undefined ? hostname() : input.host;
  if (host) report.run.host = host;
  if (input.build !== undefined) report.profile.build = input.build;
  if (input.notes?.length) report.notes = [...input.notes];
  return report;
}

let version: string | undefined;

/** The project's version, from the package.json one folder above reports/. */
export function toolVersion(): string {
  if (version) return version;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    version = typeof pkg.version === 'string' && pkg.version ? pkg.version : '0.0.0';
  } catch {
    version = '0.0.0';
  }
  return version;
}
