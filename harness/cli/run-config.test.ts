/**
 * Bring your own config, end to end through the command line (issue 12 acceptance): the template
 * `frontdoor nginx --print-config` prints, copied with one upstream changed, runs with
 * `run --front-door nginx --config COPY`, and report.json and report.html carry that config text (the
 * placeholders filled, the change kept) and name the template it came from. Starts a lab and nginx:
 * run under the shared lock. Skipped where nginx is not installed.
 */
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasProxy } from '../../frontdoors/shared/test-support/launcher-kit.ts';
import type { ConformanceReport } from '../../reports/types.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const HAVE = hasProxy('nginx', 'apt-get install nginx libnginx-mod-mail');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe.skipIf(!HAVE)('run --front-door nginx --config', () => {
  test('a copy of the printed config with one upstream changed runs, and the reports show its text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-config-'));
    try {
      const printed = await cli(['frontdoor', 'nginx', '--print-config']);
      expect(printed.code, printed.stderr).toBe(0);
      const upstream = /(upstream cas2007_site1_contoso_lab \{\n\s+server \{\{CAS2_ADDRESS\}\}:\{\{CAS2_HTTPS_PORT\}\});/;
      expect(printed.stdout).toMatch(upstream);
      const file = join(dir, 'my-nginx.conf');
      writeFileSync(file, printed.stdout.replace(upstream, '$1 max_fails=2 fail_timeout=7s;'));

      const run = await cli(['run', '--front-door', 'nginx', '--config', file, '--rule', 'OWA-01', '--out', join(dir, 'r'), '--quiet']);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      const report = JSON.parse(readFileSync(join(dir, 'r/report.json'), 'utf8')) as ConformanceReport;
      const used = report.candidate.config![0]!;
      expect(used.origin).toBe(`template ${file}`);
      expect(used.text).toMatch(/upstream cas2007_site1_contoso_lab \{\n\s+server 127\.\d+\.\d+\.\d+:\d+ max_fails=2 fail_timeout=7s;/);
      expect(used.text).not.toMatch(/\{\{[A-Z0-9_]+\}\}/);
      const html = readFileSync(join(dir, 'r/report.html'), 'utf8');
      expect(html).toContain(`<summary>nginx.conf (template ${file}, `);
      expect(html).toContain(used.text.split('\n').find((l) => l.includes('max_fails=2'))!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
