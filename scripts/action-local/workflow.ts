/**
 * The parts of a workflow file and of a composite action.yml the local runner reads, loaded with the
 * `yaml` package and checked key by key: a key the runner does not implement is refused (one line),
 * since ignoring, say, `services:` or `working-directory:` would run something else than GitHub runs.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ActionLocalError } from './errors.ts';

/** One step of a job or of a composite action. */
export interface StepDef {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, unknown>;
  with?: Record<string, unknown>;
  if?: unknown;
  'continue-on-error'?: unknown;
}

/** One job: its steps and, if any, a matrix given as an `include` list. */
export interface JobDef {
  name?: string;
  env?: Record<string, unknown>;
  'timeout-minutes'?: number;
  strategy?: { matrix?: { include?: Record<string, unknown>[] } };
  steps: StepDef[];
}

/** A workflow file. */
export interface WorkflowDef { name?: string; env?: Record<string, unknown>; jobs: Record<string, JobDef> }

/** A composite action's metadata. */
export interface ActionDef {
  name: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>;
  outputs?: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: StepDef[] };
}

const STEP_KEYS = new Set(['id', 'name', 'uses', 'run', 'shell', 'env', 'with', 'if', 'continue-on-error']);
// runs-on and permissions say where and with which token a job runs on GitHub: nothing to do offline.
const JOB_KEYS = new Set(['name', 'runs-on', 'permissions', 'timeout-minutes', 'strategy', 'env', 'steps']);
const WORKFLOW_KEYS = new Set(['name', 'on', 'permissions', 'env', 'jobs']);

function checkKeys(obj: object, known: Set<string>, where: string): void {
  for (const k of Object.keys(obj)) if (!known.has(k)) throw new ActionLocalError(`${where}: key "${k}" is not supported by the local runner`);
}

function readYaml(file: string): unknown {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new ActionLocalError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`); }
  try { return parse(text); } catch (e) { throw new ActionLocalError(`${file}: not YAML (${(e as Error).message.split('\n')[0]})`); }
}

/** Checks one list of steps: known keys, exactly one of uses/run. */
export function checkSteps(steps: unknown, where: string): StepDef[] {
  if (!Array.isArray(steps) || steps.length === 0) throw new ActionLocalError(`${where}: steps must be a non-empty list`);
  steps.forEach((s: StepDef, i) => {
    const at = `${where} step ${i + 1}${s.name ? ` (${s.name})` : ''}`;
    checkKeys(s, STEP_KEYS, at);
    if (!!s.uses === !!s.run) throw new ActionLocalError(`${at}: a step needs exactly one of uses: and run:`);
    if (s.shell !== undefined && s.shell !== 'bash' && s.shell !== 'sh') throw new ActionLocalError(`${at}: unsupported shell "${s.shell}" (the local runner knows bash and sh)`);
  });
  return steps as StepDef[];
}

/** Loads a workflow file and checks every job. */
export function loadWorkflow(file: string): WorkflowDef {
  const wf = readYaml(file) as WorkflowDef;
  if (!wf || typeof wf !== 'object' || !wf.jobs) throw new ActionLocalError(`${file}: no jobs`);
  checkKeys(wf, WORKFLOW_KEYS, file);
  for (const [id, job] of Object.entries(wf.jobs)) {
    checkKeys(job, JOB_KEYS, `${file} job ${id}`);
    const m = job.strategy?.matrix;
    if (job.strategy) checkKeys(job.strategy, new Set(['matrix', 'fail-fast']), `${file} job ${id} strategy`);
    if (m) checkKeys(m, new Set(['include']), `${file} job ${id} strategy.matrix (only an include list is supported)`);
    checkSteps(job.steps, `${file} job ${id}`);
  }
  return wf;
}

/** Loads a composite action's action.yml. */
export function loadAction(file: string): ActionDef {
  const a = readYaml(file) as ActionDef;
  if (!a || typeof a !== 'object' || !a.runs) throw new ActionLocalError(`${file}: no runs:`);
  checkKeys(a, new Set(['name', 'description', 'author', 'branding', 'inputs', 'outputs', 'runs']), file);
  if (a.runs.using !== 'composite') throw new ActionLocalError(`${file}: runs.using "${a.runs.using}" is not supported (composite only)`);
  checkSteps(a.runs.steps, file);
  return a;
}
