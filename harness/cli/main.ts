/**
 * `cas-conformance` command line. One file per command under commands/, listed here by hand.
 * Exit codes: 0 ok / conformant, 1 failed / not conformant, 2 usage or harness error.
 */
import { LabError } from '../errors.ts';

// Commands load on use: `run` pulls in vitest and the reports, `lab` the mocks; `--help` needs neither.
const topologyCommand: Command = async (a) => (await import('./commands/topology.ts')).topologyCommand(a);
const pkiCommand: Command = async (a) => (await import('./commands/pki.ts')).pkiCommand(a);
const labCommand: Command = async (a) => (await import('./commands/lab.ts')).labCommand(a);
const runCommand: Command = async (a) => (await import('./commands/run.ts')).runCommand(a);
const mergeCommand: Command = async (a) => (await import('./commands/run.ts')).mergeCommand(a);
const compareCommand: Command = async (a) => (await import('./commands/compare.ts')).compareCommand(a);
const compareRunCommand: Command = async (a) => (await import('./commands/compare.ts')).compareRunCommand(a);
const frontdoorCommand: Command = async (a) => (await import('./commands/frontdoor.ts')).frontdoorCommand(a);

export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  topology: { run: topologyCommand, help: 'topology show [NAME] [--json] | topology validate FILE | topology list' },
  pki: { run: pkiCommand, help: 'pki export DIR [--topology NAME|FILE]' },
  run: { run: runCommand, help: 'run [--front-door reference|command:"…"|url:…] [--profile P [--build B]] [--hardened] [--topology F] [--out DIR] [--baseline F] [--waivers F] [--fail-on warn] [--rule ID] [--list] [--repeat N] [--realtime] [--defect NAME]' },
  merge: { run: mergeCommand, help: 'merge BLOB_DIR [run options] --out DIR (after run --shard i/N)' },
  compare: { run: compareCommand, help: 'compare a.json b.json … [--out DIR]' },
  'compare-run': { run: compareRunCommand, help: 'compare-run --front-doors reference,nginx,haproxy,apache,caddy,dovecot [run options] [--out DIR]' },
  frontdoor: { run: frontdoorCommand, help: 'frontdoor reference --state s.json [--profile P] [--hardened] [--defect NAME]' },
  lab: { run: labCommand, help: 'lab up [--topology F] [--portable] [--ports fixed|ephemeral|real] [--state F] | lab check [--topology F] [--portable] | lab events --state F' },
};

/** Register a command (later areas add theirs: run, compare, frontdoor…). */
export function registerCommand(name: string, run: Command, help: string): void {
  COMMANDS[name] = { run, help };
}

function usage(): string {
  return ['usage: cas-conformance <command> …', '', ...Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(12)} ${c.help}`)].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof LabError) {
      console.error(`cas-conformance ${name}: ${err.message}`);
      return 2;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`cas-conformance ${name}: ${(err as Error).message}\n${cmd.help}`);
      return 2;
    }
    throw err;
  }
}
