/**
 * Help of `run`, `merge` and `compare-run`, built from `runArgs` (commands/run.ts) so the help lists
 * exactly the options the parser accepts.
 */
import type { CommandSpec, OptionTable } from '../usage.ts';
import { runArgs } from './run.ts';

const EXIT = 'exit codes: 0 conformant, 1 not conformant (or a regression against --baseline), 2 bad input or harness error';
/** What the level column means (run --list, run --help). */
export const LEVEL_LEGEND = 'levels: R required (a failure fails the run), S recommended (a failure is a warning; fails with --fail-on warn), I informational (never fails), - not judged in this profile';
const LEVELS = LEVEL_LEGEND;

/** `cas-conformance run --help`. */
export function RUN_SPEC(): CommandSpec {
  return {
    name: 'run',
    summary: 'Judge one front door: start a lab of mock Exchange servers, start the candidate in front of it, run every rule with real clients, write the reports.',
    usage: ['run [options]'],
    options: runArgs as unknown as OptionTable,
    notes: [LEVELS, EXIT, 'example: cas-conformance run --front-door command:"./my-proxy.sh" --out report'],
  };
}

/** `cas-conformance merge --help`. */
export function MERGE_SPEC(): CommandSpec {
  return {
    name: 'merge',
    summary: 'Merge the vitest blobs of `run --shard i/N` into one report (give the same run options).',
    usage: ['merge BLOB_DIR [run options] --out DIR'],
    options: runArgs as unknown as OptionTable,
    notes: [EXIT],
  };
}

/** The options of compare-run: run's plus --front-doors (a function: run.ts imports this file, so runArgs is read at call time, not at load). */
export function compareRunArgs() {
  return {
    ...runArgs,
    'front-doors': { type: 'string', value: 'LIST', help: 'comma-separated candidates, a composite as http+mail (default reference,nginx+dovecot,haproxy+dovecot,apache,caddy)' },
    findings: { type: 'string', value: 'DIR', help: 'also write each candidate\'s findings page DIR/<product>.md (docs/frontdoors), keeping its hand-written notes' },
    load: { type: 'boolean', help: 'also run `cas-conformance load` (20 users, 30 s, failover) against each candidate: a load row next to the scorecard' },
  } as const;
}

/** `cas-conformance compare-run --help`. */
export function COMPARE_RUN_SPEC(): CommandSpec {
  return {
    name: 'compare-run',
    summary: 'Run several candidates one after the other with the same options, then write the comparison matrix.',
    usage: ['compare-run [--front-doors reference,nginx+dovecot,haproxy+dovecot,apache,caddy] [run options] [--out DIR] [--findings DIR]'],
    options: compareRunArgs() as unknown as OptionTable,
    notes: [LEVELS, 'exit codes: 0 every candidate conformant, 1 any not conformant, 2 a harness error (or bad input)'],
  };
}
