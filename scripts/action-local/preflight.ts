/**
 * Checks a whole job before any step runs: every `${{ }}` expression and every `if:` of the job and
 * of the composite actions it uses by path must be of a form the runner understands. A workflow the
 * runner cannot follow is refused up front, instead of after half of it ran.
 */
import { join, resolve } from 'node:path';
import { shouldRun, substitute, type ExprContext } from './expressions.ts';
import { loadAction, type StepDef, type WorkflowDef } from './workflow.ts';

/** A table in which every name exists (value ''): only the form of the expressions is checked here. */
const anyName = (): Record<string, string> => new Proxy({}, { has: () => true, get: () => '' });

function checkValue(v: unknown, ctx: ExprContext, where: string): void {
  if (typeof v === 'string') substitute(v, ctx, where);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) checkValue(x, ctx, `${where} ${k}`);
}

function checkSteps(steps: StepDef[], ctx: ExprContext, repo: string, where: string): void {
  const seen: ExprContext['steps'] = {};
  steps.forEach((s, i) => {
    const at = `${where} step ${i + 1}${s.name ? ` (${s.name})` : ''}`;
    const here = { ...ctx, steps: { ...seen } };
    shouldRun(s.if, false, at);
    checkValue({ run: s.run, env: s.env, with: s.with }, here, at);
    if (s.uses?.startsWith('./')) {
      const dir = resolve(repo, s.uses);
      const action = loadAction(join(dir, 'action.yml'));
      const actionCtx: ExprContext = { inputs: anyName(), steps: {}, github: { ...ctx.github, action_path: dir }, env: ctx.env };
      checkSteps(action.runs.steps, actionCtx, repo, `${s.uses}/action.yml`);
      const all: ExprContext['steps'] = {};
      for (const x of action.runs.steps) if (x.id) all[x.id] = { outputs: anyName() };
      checkValue(Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, o]) => [k, o.value])), { ...actionCtx, steps: all }, `${s.uses}/action.yml outputs`);
    }
    if (s.id) seen[s.id] = { outputs: anyName() };
  });
}

/** Throws ActionLocalError at the first expression or condition of the job the runner cannot evaluate. */
export function preflight(workflow: WorkflowDef, jobId: string, repo: string, github: Record<string, string>): void {
  const job = workflow.jobs[jobId]!;
  const ctx: ExprContext = { matrix: anyName(), steps: {}, github, env: anyName() };
  checkValue({ name: job.name, env: job.env }, ctx, `job ${jobId}`);
  checkValue(workflow.env, ctx, 'workflow env');
  checkSteps(job.steps, ctx, repo, `job ${jobId}`);
}
