/**
 * The command line as a user meets it (issue 15): `--help` on every command (exit 0, every option on a
 * line of its own with its help), `--version`, and a table of bad inputs, each answered with one line
 * on stderr and exit 2, no stack trace, before any lab starts. The tables call `main()` in process
 * (what it prints and returns); a few cases run the real binary to check the process end to end.
 */
import { afterEach, describe, expect, test, vi, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runArgs } from './commands/run.ts';
import { main } from './main.ts';
import { COMPARE_RUN_SPEC, MERGE_SPEC, RUN_SPEC } from './commands/run-spec.ts';
import { COMPARE_SPEC, FRONTDOOR_SPEC, LAB_SPEC, PKI_SPEC, TOPOLOGY_SPEC } from './specs.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BIN = join(ROOT, 'bin/cas-conformance.js');

function cli(args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', CAS_DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // A bad input must be refused before anything starts: a case that takes this long failed.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** main() in this process, with what it printed. */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(`${a.join(' ')}\n`));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(`${a.join(' ')}\n`));
  const prev = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    vi.restoreAllMocks();
    if (prev === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = prev;
  }
}
afterEach(() => vi.restoreAllMocks());

const SPECS = [RUN_SPEC(), MERGE_SPEC(), COMPARE_RUN_SPEC(), COMPARE_SPEC, LAB_SPEC, FRONTDOOR_SPEC, TOPOLOGY_SPEC, PKI_SPEC];

describe('help and version', () => {
  test('every option of every command has a one-line help', () => {
    for (const spec of SPECS) {
      for (const [name, o] of Object.entries(spec.options)) {
        expect(o.help, `${spec.name} --${name}`).toBeTruthy();
        expect(o.help, `${spec.name} --${name}`).not.toMatch(/\n/);
      }
    }
  });

  test.each(['run', 'merge', 'compare', 'compare-run', 'lab', 'frontdoor', 'topology', 'pki'])('%s --help: exit 0, usage and every option on its own line', async (name) => {
    const r = await inProcess([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: cas-conformance ${name}`));
    const spec = SPECS.find((s) => s.name === name)!;
    const lines = r.stdout.split('\n');
    for (const opt of [...Object.keys(spec.options), 'help']) expect(lines.filter((l) => new RegExp(`^ +(-\\w, )?--${opt}(?![\\w-])`).test(l)), `--${opt}`).toHaveLength(1);
  }, 30_000);

  test('run --help (the real binary) lists --shard, --quiet and every option the parser accepts', async () => {
    const r = await cli(['run', '--help']);
    expect(r.code).toBe(0);
    for (const opt of Object.keys(runArgs)) expect(r.stdout).toContain(`--${opt}`);
    expect(r.stdout).toMatch(/--shard i\/N/);
    expect(r.stdout).toMatch(/--quiet /);
  });

  test('--version, --help, and no command at all', async () => {
    expect((await cli(['--version'])).stdout).toMatch(/^cas-conformance \d+\.\d+\.\d+\n$/);
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['run', 'merge', 'compare', 'lab', 'frontdoor', 'topology', 'pki']) expect(help.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const none = await inProcess([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: /);
  });

  test('run --list explains the levels', async () => {
    const r = await inProcess(['run', '--list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/levels: R required .*S recommended .*I informational/);
  });
});

describe('bad input: one line on stderr, exit 2, no stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-bad-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const notJson = file('not-json.json', '{ "waivers": [');
  const badDate = file('bad-date.json', JSON.stringify({ waivers: [{ rule: 'EAS-03', reason: 'vendor bug', expires: '2027-02-30' }] }));
  const unknownRule = file('unknown-rule.json', JSON.stringify({ waivers: [{ rule: 'XYZ-99', reason: 'typo', expires: '2027-01-31' }] }));
  const notReport = file('not-report.json', JSON.stringify({ hello: 'world' }));

  // [arguments, what the one line must say]
  const TABLE: [string[], RegExp][] = [
    [['run', '--waivers', join(dir, 'missing.json')], /--waivers .*missing\.json: .*ENOENT/],
    [['run', '--waivers', notJson], /--waivers .*: .*cannot read JSON/],
    [['run', '--waivers', badDate], /waivers\[0\]\.expires: must be a calendar date YYYY-MM-DD, got "2027-02-30"/],
    [['run', '--waivers', unknownRule], /waivers\[0\]\.rule: no rule XYZ-99/],
    [['run', '--baseline', notJson], /--baseline .*: cannot read a JSON report/],
    [['run', '--baseline', notReport], /--baseline .*: not a cas-conformance report\.json/],
    [['run', '--shard', '3/2'], /--shard 3\/2: the shard index must be from 1 to 2/],
    [['run', '--shard', '0/2'], /--shard 0\/2: the shard index must be from 1 to 2/],
    [['run', '--shard', 'abc'], /--shard must be i\/N/],
    [['compare', notReport], /not a cas-conformance report\.json/],
    [['compare', notJson], /cannot read a JSON report/],
    [['run', '--front-door', 'bogus'], /unknown front door "bogus" \(known: reference, nginx/],
    [['run', '--front-door', 'command:'], /command: needs a command/],
    [['run', '--front-door', 'url:nonsense'], /not a URL/],
    [['compare-run', '--front-doors', 'reference,bogus'], /unknown front door "bogus"/],
    [['run', '--profile', 'exchange2016'], /--profile must be exchange2013, exchange2010 or exchange2007/],
    [['run', '--fail-on', 'never'], /--fail-on must be fail, warn, critical, major, minor/],
    [['run', '--repeat', '0'], /--repeat must be an integer from 1 to 50/],
    [['run', '--slow', 'fast'], /--slow must be a number from 1 to 20/],
    [['run', '--rule', 'NOPE-1'], /--rule NOPE-1: no such rule/],
    [['run', '--build', '2007-sp3', '--profile', 'exchange2010'], /needs an Exchange 2010 build/],
    [['run', '--defect', 'no-such-defect'], /--defect no-such-defect: not a defect of the reference/],
    [['run', '--rule-defects', notJson], /--rule-defects .*: cannot read JSON/],
    [['topology', 'show', 'no-such-topology'], /no built-in topology and no file/],
    [['lab', 'events', '--state', join(dir, 'missing-state.json')], /cannot read the lab state file/],
    [['frontdoor', 'reference', '--state', join(dir, 'missing-state.json')], /cannot read the lab state file/],
  ];

  test.each(TABLE)('%j', async (args, said) => {
    const r = await inProcess(args);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^cas-conformance ${args[0]}: `));
    expect(lines[0]).toMatch(said);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  }, 30_000);

  // A bad command line: the line that says what is wrong, then the command's usage.
  const USAGE: string[][] = [['run', '--bogus'], ['run', '--out'], ['lab', 'up', '--ports', 'x'], ['lab'], ['lab', 'sideways'], ['frontdoor'], ['pki'], ['topology', 'validate']];
  test.each(USAGE)('%j: the problem, then the command\'s usage', async (...args) => {
    const r = await inProcess(args);
    expect(r.code).toBe(2);
    const [first, blank, usage] = r.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^cas-conformance ${args[0]}: \\S`));
    expect(blank).toBe('');
    expect(usage).toMatch(new RegExp(`^usage: cas-conformance ${args[0]}`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  test('the real binary: a bad waivers file is one line on stderr, exit 2, no stack trace', async () => {
    const r = await cli(['run', '--waivers', badDate]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^cas-conformance run: --waivers .*waivers\[0\]\.expires/);
  });

  test('an unknown command names itself and lists the commands', async () => {
    const r = await inProcess(['sideways']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^cas-conformance: unknown command "sideways"\n/);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});
