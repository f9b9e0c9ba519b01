/**
 * `node bin/run-ts.js scripts/action-local/main.ts WORKFLOW [--job ID] [--matrix KEY=VALUE]... [--with KEY=VALUE]...`
 *
 * Runs jobs of a workflow of this repository on this machine, without GitHub and without containers:
 * run: steps in bash, `uses: ./...` composite actions followed into their action.yml, external actions
 * reported as skipped (see README.md). Exit 0 when every job run succeeded, 1 when one failed, 2 on bad
 * input or anything the runner cannot run faithfully (one line).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionLocalError } from './errors.ts';
import { matrixEntries, runJob } from './run-job.ts';
import { preflight } from './preflight.ts';
import { loadWorkflow } from './workflow.ts';

const USAGE = 'usage: action-local WORKFLOW.yml [--job ID] [--matrix KEY=VALUE]... [--with INPUT=VALUE]...';
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function pair(v: string | undefined, opt: string): [string, string] {
  const eq = v?.indexOf('=') ?? -1;
  if (!v || eq <= 0) throw new ActionLocalError(`${opt} needs KEY=VALUE`);
  return [v.slice(0, eq), v.slice(eq + 1)];
}

async function main(argv: string[]): Promise<number> {
  let file: string | undefined;
  const jobs: string[] = [];
  const matrix: Record<string, string> = {};
  const withOverrides: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--job') { const v = argv[++i]; if (!v) throw new ActionLocalError('--job needs an ID'); jobs.push(v); }
    else if (a === '--matrix') { const [k, v] = pair(argv[++i], '--matrix'); matrix[k] = v; }
    else if (a === '--with') { const [k, v] = pair(argv[++i], '--with'); withOverrides[k] = v; }
    else if (a === '-h' || a === '--help') { process.stdout.write(`${USAGE}\n`); return 0; }
    else if (a.startsWith('-') || file) throw new ActionLocalError(`unexpected argument "${a}"; ${USAGE}`);
    else file = a;
  }
  if (!file) throw new ActionLocalError(USAGE);
  const wf = loadWorkflow(resolve(file));
  const ids = jobs.length ? jobs : Object.keys(wf.jobs);
  for (const id of ids) if (!wf.jobs[id]) throw new ActionLocalError(`no job "${id}" in ${file} (jobs: ${Object.keys(wf.jobs).join(', ')})`);
  // Every job is checked before the first step of any job runs.
  for (const id of ids) preflight(wf, id, REPO, { job: id, run_id: '', run_attempt: '', workspace: '' });
  let failed = 0;
  let ran = 0;
  for (const id of ids) {
    for (const entry of matrixEntries(wf, id)) {
      if (Object.entries(matrix).some(([k, v]) => k in entry && entry[k] !== v)) continue;
      ran++;
      const r = await runJob({ repo: REPO, workflow: wf, jobId: id, matrix: entry, withOverrides, write: (t) => process.stdout.write(t) });
      // GitHub shows what the steps wrote to $GITHUB_STEP_SUMMARY on the run's page; here, after the job.
      if (r.summary) process.stdout.write(`--- job summary of ${id} ($GITHUB_STEP_SUMMARY) ---\n${r.summary.replace(/\n?$/, '\n')}--- end of job summary ---\n`);
      if (r.failed) failed++;
    }
  }
  if (ran === 0) throw new ActionLocalError(`no matrix entry matches ${Object.entries(matrix).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  process.stdout.write(`${ran} job run(s), ${failed} failed\n`);
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  if (e instanceof ActionLocalError) { process.stderr.write(`action-local: ${e.message}\n`); process.exitCode = 2; return; }
  throw e;
});
