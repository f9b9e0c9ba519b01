/**
 * Runs a list of steps in order, as a job or a composite action does: each step's `if:` decides
 * whether it runs (no `if:` = only while nothing failed, so the run stops at the first failing step;
 * `if: always()` steps still run), `run:` steps go to bash with their env and fresh $GITHUB_* files,
 * `uses: ./path` steps run a composite action of the workspace, other `uses:` are external actions
 * (skipped, see external.ts). Expressions are substituted before a step starts; one the runner does
 * not understand stops the whole run (ActionLocalError).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commandFileEnv, createCommandFiles, parseKeyValueFile, parsePathFile } from './command-files.ts';
import { ActionLocalError } from './errors.ts';
import { shouldRun, substitute, substituteAll, type ExprContext } from './expressions.ts';
import { runExternal } from './external.ts';
import { runShell } from './run-shell.ts';
import { loadAction, type StepDef } from './workflow.ts';

/** What one step came to, for the log and the tests. */
export interface StepRecord {
  /** "2.3" for the third step of the composite action run by step 2. */
  number: string;
  label: string;
  status: 'ok' | 'failed' | 'skipped';
  note: string;
  outputs: Record<string, string>;
}

/** State shared by every step of one job run. */
export interface JobState {
  repo: string;
  workspace: string;
  /** The run's temp folder: scripts and $GITHUB_* files. */
  filesDir: string;
  /** Environment of every step: the runner's own, GitHub's variables, and what steps wrote to $GITHUB_ENV. */
  env: Record<string, string>;
  /** Env values declared by the workflow and the job (the `env` context). */
  declaredEnv: Record<string, string>;
  github: Record<string, string>;
  deadline: number;
  write: (text: string) => void;
  records: StepRecord[];
  /** What the steps wrote to $GITHUB_STEP_SUMMARY, in order. */
  summary: string[];
  counter: number;
  /** `uses: ./...` inputs given on the command line (--with), applied to local actions. */
  withOverrides: Record<string, string>;
}

/** Inputs and matrix of the steps being run (a composite action sees inputs, a job sees matrix). */
export interface Scope { inputs?: Record<string, string>; matrix?: Record<string, string>; actionPath?: string }

function flag(v: unknown, where: string): boolean {
  if (v === undefined || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw new ActionLocalError(`${where}: continue-on-error must be true or false for the local runner, not ${JSON.stringify(v)}`);
}

async function runScript(step: StepDef, ctx: ExprContext, scope: Scope, st: JobState, where: string): Promise<{ ok: boolean; outputs: Record<string, string>; note: string }> {
  const stepEnv = substituteAll(step.env, ctx, `${where} env`);
  const n = ++st.counter;
  const files = createCommandFiles(st.filesDir, n);
  const env: Record<string, string> = { ...st.env, ...st.declaredEnv, ...stepEnv, ...commandFileEnv(files) };
  if (scope.actionPath) env.GITHUB_ACTION_PATH = scope.actionPath;
  const started = Date.now();
  const r = await runShell({ script: substitute(step.run!, ctx, `${where} run`), shell: step.shell, scriptFile: join(st.filesDir, `step-${n}.sh`), cwd: st.workspace, env, write: st.write, deadline: st.deadline, where });
  const outputs = parseKeyValueFile(files.output);
  Object.assign(st.env, parseKeyValueFile(files.env));
  const added = parsePathFile(files.path);
  if (added.length) st.env.PATH = [...added.reverse(), st.env.PATH].join(':');
  const summary = readFileSync(files.summary, 'utf8');
  if (summary) st.summary.push(summary);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const ended = r.timedOut ? 'timed out' : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return { ok: r.code === 0 && !r.timedOut, outputs, note: `${ended} after ${secs} s` };
}

/** Runs one composite action of the workspace (`uses: ./path`); returns whether a step failed and its outputs. */
async function runLocalAction(step: StepDef, ctx: ExprContext, st: JobState, number: string, where: string): Promise<{ failed: boolean; outputs: Record<string, string> }> {
  const dir = resolve(st.workspace, step.uses!);
  const action = loadAction(join(dir, 'action.yml'));
  const given = { ...substituteAll(step.with, ctx, `${where} with`), ...st.withOverrides };
  const declared = action.inputs ?? {};
  for (const k of Object.keys(given)) if (!(k in declared)) throw new ActionLocalError(`${where}: input "${k}" is not declared by ${step.uses}/action.yml`);
  const inputs: Record<string, string> = {};
  for (const [k, d] of Object.entries(declared)) {
    if (k in given) inputs[k] = given[k]!;
    else if (d.required) throw new ActionLocalError(`${where}: required input "${k}" of ${step.uses} is not given`);
    else inputs[k] = d.default === undefined ? '' : String(d.default);
  }
  const inner = await runSteps(action.runs.steps, { inputs, actionPath: dir }, st, `${number}.`, `${step.uses}/action.yml`);
  const innerCtx: ExprContext = { inputs, steps: inner.steps, github: { ...st.github, action_path: dir }, env: st.declaredEnv };
  const outputs: Record<string, string> = {};
  for (const [k, o] of Object.entries(action.outputs ?? {})) outputs[k] = substitute(o.value, innerCtx, `${step.uses}/action.yml outputs.${k}`);
  return { failed: inner.failed, outputs };
}

/**
 * Runs the steps in order. `prefix` numbers them ("" for a job, "2." inside the action run by step 2).
 * Returns whether a step failed (continue-on-error steps do not count) and the outputs by step id.
 */
export async function runSteps(steps: StepDef[], scope: Scope, st: JobState, prefix: string, where: string): Promise<{ failed: boolean; steps: ExprContext['steps'] }> {
  const byId: ExprContext['steps'] = {};
  let failed = false;
  for (const [i, step] of steps.entries()) {
    const number = `${prefix}${i + 1}`;
    const label = step.name ?? step.uses ?? step.run!.split('\n')[0]!.slice(0, 60);
    const at = `${where} step ${number} (${label})`;
    const ctx: ExprContext = { inputs: scope.inputs, matrix: scope.matrix, steps: byId, github: scope.actionPath ? { ...st.github, action_path: scope.actionPath } : st.github, env: st.declaredEnv };
    const record = (status: StepRecord['status'], note: string, outputs: Record<string, string> = {}): void => {
      st.records.push({ number, label, status, note, outputs });
      st.write(`[${number}] ${status === 'ok' ? 'ok' : status === 'failed' ? 'FAILED' : 'skipped'}: ${label}${note ? ` -- ${note}` : ''}\n`);
    };
    const continueOnError = flag(step['continue-on-error'], at);
    if (!shouldRun(step.if, failed, at)) { record('skipped', 'skipped: an earlier step failed'); if (step.id) byId[step.id] = { outputs: {} }; continue; }
    let ok: boolean;
    let outputs: Record<string, string> = {};
    let note: string;
    if (step.run !== undefined) {
      st.write(`[${number}] run: ${label}\n`);
      ({ ok, outputs, note } = await runScript(step, ctx, scope, st, at));
    } else if (step.uses!.startsWith('./')) {
      st.write(`[${number}] uses: ${step.uses} (composite action of the workspace)\n`);
      const r = await runLocalAction(step, ctx, st, number, at);
      ok = !r.failed;
      outputs = r.outputs;
      note = `outputs: ${Object.entries(outputs).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}`;
    } else if (/^[\w.-]+\/[\w.\/-]+@[\w.\/-]+$/.test(step.uses!)) {
      const r = runExternal(step.uses!, substituteAll(step.with, ctx, `${at} with`), { workspace: st.workspace, repo: st.repo }, at);
      ok = !r.failed;
      note = r.note;
      if (ok) { record('skipped', note); if (step.id) byId[step.id] = { outputs: {} }; continue; }
    } else {
      throw new ActionLocalError(`${at}: uses: "${step.uses}" is neither ./path nor owner/repo@ref`);
    }
    if (step.id) byId[step.id] = { outputs };
    if (!ok && continueOnError) note += '; continue-on-error: the job goes on';
    record(ok ? 'ok' : 'failed', note, outputs);
    if (!ok && !continueOnError) failed = true;
  }
  return { failed, steps: byId };
}
