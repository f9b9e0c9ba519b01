/**
 * The local action runner (scripts/action-local): the in-repo workflow that uses the action
 * (.github/workflows/conformance-action.yml) runs through it in npm test against real labs: job judge's
 * matrix entry "reference" and job broken-candidate (a command: candidate that must come out not
 * conformant), with the rules the workflow names. The unit part checks the runner's own promises on
 * small synthetic workflows: it stops at the first failing step, passes $GITHUB_OUTPUT / $GITHUB_ENV
 * between steps, and refuses in one line (exit 2) what it does not understand instead of skipping it.
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { runJob } from '../../scripts/action-local/run-job.ts';
import type { WorkflowDef } from '../../scripts/action-local/workflow.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const tempEntries = (): string[] => readdirSync(tmpdir()).filter((n) => /^action-(ws|files)-/.test(n)).sort();

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), join(ROOT, 'scripts/action-local/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { err += c; });
    child.on('close', (code) => done({ code, out, err }));
  });
}

async function job(steps: unknown[]): Promise<{ failed: boolean; log: string; records: Awaited<ReturnType<typeof runJob>>['records'] }> {
  let log = '';
  const workflow = { jobs: { j: { steps } } } as unknown as WorkflowDef;
  const r = await runJob({ repo: ROOT, workflow, jobId: 'j', matrix: {}, withOverrides: {}, write: (t) => { log += t; } });
  return { failed: r.failed, log, records: r.records };
}

describe('the runner itself (no lab)', () => {
  test('stops at the first failing step; if: always() still runs; outputs and env pass between steps', async () => {
    const r = await job([
      { id: 'a', run: 'echo "x=1" >> "$GITHUB_OUTPUT"; printf "m<<EOF\\nline1\\nline2\\nEOF\\n" >> "$GITHUB_OUTPUT"; echo "FOO=bar" >> "$GITHUB_ENV"' },
      { run: 'test "${{ steps.a.outputs.x }}" = 1 && test "$FOO" = bar && test "$M" = "$(printf "line1\\nline2")"', env: { M: '${{ steps.a.outputs.m }}' } },
      { name: 'fails', run: 'exit 3' },
      { name: 'never', run: 'echo should-not-run' },
      { name: 'cleanup', if: 'always()', run: 'echo cleanup-ran' },
    ]);
    expect(r.failed).toBe(true);
    expect(r.records.map((s) => `${s.number} ${s.status}`)).toEqual(['1 ok', '2 ok', '3 failed', '4 skipped', '5 ok']);
    expect(r.log).toContain('[3] FAILED: fails -- exit 3');
    expect(r.log).not.toContain('should-not-run');
    expect(r.log).toContain('cleanup-ran');
  });

  test('an external action is reported skipped; upload-artifact of a missing path fails the step', async () => {
    const r = await job([
      { uses: 'actions/checkout@v4' },
      { uses: 'actions/upload-artifact@v4', with: { name: 'x', path: 'no-such-report' } },
    ]);
    expect(r.records[0]!.note).toMatch(/^skipped: external action \(actions\/checkout@v4\), not available offline/);
    expect(r.records[1]!.status).toBe('failed');
    expect(r.records[1]!.note).toContain('FAILED: no-such-report does not exist');
    expect(r.failed).toBe(true);
  });

  test('a local action: undeclared or missing required inputs are refused before its first step', async () => {
    await expect(job([{ uses: './.github/actions/cas-conformance', with: { 'front-door': 'reference', nope: 'x' } }])).rejects.toThrow(/input "nope" is not declared by \.\/\.github\/actions\/cas-conformance\/action\.yml/);
    await expect(job([{ uses: './.github/actions/cas-conformance', with: { rules: 'EAS-03' } }])).rejects.toThrow(/required input "front-door" of \.\/\.github\/actions\/cas-conformance is not given/);
  });

  test.each([
    ['an unknown context', { run: 'echo "${{ secrets.TOKEN }}"' }, /unsupported expression|secrets context is not supported/],
    ['an operator', { run: 'echo "${{ inputs.a || \'b\' }}"' }, /unsupported expression/],
    ['a github field it does not provide', { run: 'echo "${{ github.sha }}"' }, /github\.sha is not provided/],
    ['a real if: condition', { if: "github.event_name == 'push'", run: 'true' }, /unsupported if:/],
    ['an unknown step key', { run: 'true', 'working-directory': 'x' }, /key "working-directory" is not supported/],
    ['another shell', { run: 'true', shell: 'pwsh' }, /unsupported shell "pwsh"/],
  ])('%s: one line, exit 2, nothing run', async (_what, step, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'action-local-test-'));
    try {
      const file = join(dir, 'wf.yml');
      writeFileSync(file, stringify({ on: 'push', jobs: { j: { 'runs-on': 'ubuntu-latest', steps: [{ run: 'echo first-step-ran' }, step] } } }));
      const r = await cli([file]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(message);
      expect(r.out).not.toContain('first-step-ran');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the in-repo workflow through the runner (labs: run under the shared lock)', () => {
  // Job judge's entry "reference" and job broken-candidate: two labs, about 20-30 s. Entry "command"
  // (the same reference started as a command: candidate) costs one more lab and runs by hand:
  // node bin/run-ts.js scripts/action-local/main.ts .github/workflows/conformance-action.yml
  test('conformance-action.yml: judge (reference) and broken-candidate run, reports exist, the broken candidate exits 1', async () => {
    const before = tempEntries();
    const started = Date.now();
    const r = await cli(['.github/workflows/conformance-action.yml', '--job', 'judge', '--matrix', 'name=reference', '--job', 'broken-candidate']);
    const seconds = (Date.now() - started) / 1000;
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('2 job run(s), 0 failed');
    // External actions are named as skipped, and what stands in for them is checked.
    expect(r.out).toContain('skipped: external action (actions/checkout@v4), not available offline');
    expect(r.out).toContain('skipped: external action (actions/setup-node@v4), not available offline');
    for (const name of ['reference', 'broken']) {
      expect(r.out).toMatch(new RegExp(`skipped: external action \\(actions/upload-artifact@v4\\), not available offline; checked instead: conformance-report-${name} holds \\d+ file\\(s\\): [^\\n]*report\\.html, report\\.json, summary\\.md`));
    }
    // The suite really ran: the reference and the command candidate conformant, the broken one not.
    expect(r.out.match(/reference \(exchange2013\): 4 pass, 0 fail/g)).toHaveLength(1);
    expect(r.out).toMatch(/ok200\.mjs \(exchange2013\): 0 pass, 2 fail/);
    expect(r.out.match(/outputs: exit-code=0 report-dir=/g)).toHaveLength(1);
    expect(r.out).toMatch(/FAILED: \.\/\.github\/actions\/cas-conformance -- outputs: exit-code=1 [^\n]*continue-on-error/);
    expect(r.out).toContain('ok: The broken candidate is not conformant (exit code 1)');
    // The action's summary.md reached $GITHUB_STEP_SUMMARY, as on GitHub's run page.
    expect(r.out).toMatch(/--- job summary of judge \(\$GITHUB_STEP_SUMMARY\) ---\n[^]*EAS-03[^]*--- end of job summary ---/);
    expect(r.out).toMatch(/--- job summary of broken-candidate \(\$GITHUB_STEP_SUMMARY\) ---\n[^]*OWA-01[^]*--- end of job summary ---/);
    // Temp workspaces and $GITHUB_* files are gone; nothing was written into the repository.
    expect(tempEntries()).toEqual(before);
    expect(readdirSync(ROOT).filter((n) => n.startsWith('conformance-report-'))).toEqual([]);
    // About 20 s on a quiet machine (two labs); timing is reported, not judged (npm test runs two files at once).
    console.log(`conformance-action.yml through action-local: ${seconds.toFixed(1)} s`);
  }, 150_000);
});
