/**
 * Runs one job of a workflow (once per matrix entry) in a fresh workspace and temp folder, both
 * removed afterwards. GitHub's variables the steps read are set (GITHUB_WORKSPACE, GITHUB_JOB,
 * GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, RUNNER_TEMP, CI); GITHUB_ACTIONS is not, since this is not GitHub.
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionLocalError } from './errors.ts';
import { substitute, substituteAll } from './expressions.ts';
import { runSteps, type JobState, type StepRecord } from './run-steps.ts';
import { createWorkspace } from './workspace.ts';
import type { WorkflowDef } from './workflow.ts';

/** Options of one job run. */
export interface JobRunOptions {
  repo: string;
  workflow: WorkflowDef;
  jobId: string;
  /** The matrix entry (from the job's include list) or {} without a matrix. */
  matrix: Record<string, string>;
  withOverrides: Record<string, string>;
  write: (text: string) => void;
}

/** What a job run came to. */
export interface JobResult { jobId: string; name: string; failed: boolean; records: StepRecord[]; summary: string; seconds: number }

/** The job's matrix entries: its include list, or one empty entry. */
export function matrixEntries(workflow: WorkflowDef, jobId: string): Record<string, string>[] {
  const include = workflow.jobs[jobId]?.strategy?.matrix?.include;
  if (!include) return [{}];
  return include.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)])));
}

/** Runs the job once, start to end; the temp folders are removed even when a step throws. */
export async function runJob(o: JobRunOptions): Promise<JobResult> {
  const job = o.workflow.jobs[o.jobId];
  if (!job) throw new ActionLocalError(`no job "${o.jobId}" (jobs: ${Object.keys(o.workflow.jobs).join(', ')})`);
  const started = Date.now();
  const workspace = createWorkspace(o.repo);
  const filesDir = realpathSync(mkdtempSync(join(tmpdir(), 'action-files-')));
  const runId = String(Math.floor(started / 1000));
  const github = { job: o.jobId, run_id: runId, run_attempt: '1', workspace };
  const base = { inputs: undefined, matrix: o.matrix, steps: {}, github, env: {} };
  const name = substitute(job.name ?? o.jobId, base, `job ${o.jobId} name`);
  const declaredEnv = { ...substituteAll(o.workflow.env, base, 'workflow env'), ...substituteAll(job.env, base, `job ${o.jobId} env`) };
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    CI: 'true', GITHUB_WORKSPACE: workspace, GITHUB_JOB: o.jobId, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: '1', RUNNER_TEMP: filesDir,
  };
  const st: JobState = {
    repo: o.repo, workspace, filesDir, env, declaredEnv, github, write: o.write, records: [], summary: [], counter: 0, withOverrides: o.withOverrides,
    deadline: started + (job['timeout-minutes'] ?? 360) * 60_000,
  };
  o.write(`job ${o.jobId}: ${name}\n`);
  try {
    const r = await runSteps(job.steps, { matrix: o.matrix }, st, '', `job ${o.jobId}`);
    const seconds = (Date.now() - started) / 1000;
    o.write(`job ${o.jobId}: ${r.failed ? 'FAILED' : 'succeeded'} in ${seconds.toFixed(1)} s\n`);
    return { jobId: o.jobId, name, failed: r.failed, records: st.records, summary: st.summary.join(''), seconds };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(filesDir, { recursive: true, force: true });
  }
}
