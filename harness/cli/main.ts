/**
 * `cas-conformance` command line. One file per command under commands/, listed here by hand; each
 * loads only when used (`run` pulls in vitest and the reports, `lab` the mocks; `--help` needs neither).
 * Exit codes: 0 ok / conformant, 1 failed / not conformant, 2 usage or harness error.
 * Every error ends as one line on stderr (and, for a bad command line, the command's usage), never a
 * stack trace: set CAS_DEBUG=1 to see one.
 */
import { readFileSync } from 'node:fs';
import { renderUsage, UsageError, wantsHelp, type CommandSpec } from './usage.ts';
import { COMPARE_SPEC, FRONTDOOR_SPEC, LAB_SPEC, PKI_SPEC, TOPOLOGY_SPEC } from './specs.ts';

export type Command = (args: string[]) => Promise<number>;

interface Entry {
  summary: string;
  spec(): Promise<CommandSpec> | CommandSpec;
  run: Command;
}

const runSpecs = () => import('./commands/run-spec.ts');

const COMMANDS: Record<string, Entry> = {
  run: { summary: 'Judge one front door: run the rules, write report.json, junit.xml, report.html, summary.md.', spec: async () => (await runSpecs()).RUN_SPEC(), run: async (a) => (await import('./commands/run.ts')).runCommand(a) },
  merge: { summary: 'One report from sharded runs (after run --shard i/N).', spec: async () => (await runSpecs()).MERGE_SPEC(), run: async (a) => (await import('./commands/run.ts')).mergeCommand(a) },
  compare: { summary: COMPARE_SPEC.summary, spec: () => COMPARE_SPEC, run: async (a) => (await import('./commands/compare.ts')).compareCommand(a) },
  'compare-run': { summary: 'Run several front doors one after the other, then compare them.', spec: async () => (await runSpecs()).COMPARE_RUN_SPEC(), run: async (a) => (await import('./commands/compare.ts')).compareRunCommand(a) },
  lab: { summary: LAB_SPEC.summary, spec: () => LAB_SPEC, run: async (a) => (await import('./commands/lab.ts')).labCommand(a) },
  frontdoor: { summary: FRONTDOOR_SPEC.summary, spec: () => FRONTDOOR_SPEC, run: async (a) => (await import('./commands/frontdoor.ts')).frontdoorCommand(a) },
  topology: { summary: TOPOLOGY_SPEC.summary, spec: () => TOPOLOGY_SPEC, run: async (a) => (await import('./commands/topology.ts')).topologyCommand(a) },
  pki: { summary: PKI_SPEC.summary, spec: () => PKI_SPEC, run: async (a) => (await import('./commands/pki.ts')).pkiCommand(a) },
  probe: { summary: 'Read-only fingerprint of a CAS, and its differences from the mock of its build (docs/fidelity.md).', spec: async () => (await import('./commands/probe.ts')).PROBE_SPEC, run: async (a) => (await import('./commands/probe.ts')).probeCommand(a) },
  load: { summary: 'Load a front door in the lab: misroutes and cross-user answers under load, failover midway, latency and cost (docs/load.md).', spec: async () => (await import('./commands/load.ts')).LOAD_SPEC, run: async (a) => (await import('./commands/load.ts')).loadCommand(a) },
};

/** Register a command (later areas add theirs). */
export function registerCommand(name: string, run: Command, spec: CommandSpec): void {
  COMMANDS[name] = { summary: spec.summary, spec: () => spec, run };
}

/** The tool's version (package.json). */
export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'usage: cas-conformance <command> [options]      (cas-conformance <command> --help for its options)',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`),
    '',
    'options:',
    '  -h, --help     print this help',
    '  -V, --version  print the version',
    '',
    'exit codes: 0 conformant / ok, 1 not conformant, 2 bad input or harness error',
  ].join('\n');
}

/**
 * An error as one line: issue lists (waivers, topology, report schema) joined with "; ", the code in
 * front when it says more than the class name.
 */
export function errorLine(err: unknown): string {
  const e = err as { message?: unknown; issues?: unknown };
  let msg = typeof e?.message === 'string' ? e.message : String(err);
  if (Array.isArray(e?.issues) && e.issues.length) {
    const head = msg.split('\n')[0]!.replace(/:$/, '');
    msg = `${head}: ${(e.issues as { path: string; message: string }[]).map((i) => `${i.path}: ${i.message}`).join('; ')}`;
  }
  return msg.split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');
}

/** Errors that are bad input or a broken lab (they carry a string code): anything else is a bug. */
function isExpected(err: unknown): boolean {
  return typeof (err as { code?: unknown })?.code === 'string';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`cas-conformance ${toolVersion()}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const about = rest[0] && name === 'help' ? COMMANDS[rest[0]] : undefined;
    if (about) console.log(renderUsage(await about.spec(), { full: true }));
    else console[name ? 'log' : 'error'](usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`cas-conformance: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    if (wantsHelp(rest)) {
      console.log(renderUsage(await cmd.spec(), { full: true }));
      return 0;
    }
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`cas-conformance ${name}: ${err.message}\n\n${renderUsage(err.command ?? (await cmd.spec()))}`);
      return 2;
    }
    if (process.env.CAS_DEBUG === '1') console.error(err);
    console.error(`cas-conformance ${name}: ${isExpected(err) ? '' : 'internal error: '}${errorLine(err)}`);
    return 2;
  }
}
