/**
 * `cas-conformance run --topology FILE` (issue 13): the topology is resolved once in the main process
 * and every worker reads the resolved file, so a user's own file works where it used to end in
 * `error` "no built-in topology". The file here is the import of the contoso export set; the two rules
 * are the issue's own example (EAS-03, OWA-04, both about Orange). Starts a lab and the reference
 * front door: run it under the shared lock (HELPERS.md).
 */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { importTopology } from './import/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('run --topology FILE', () => {
  test('an imported topology file runs: both rules judged (pass), the report names the file\'s topology', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cas-run-topology-'));
    try {
      const file = join(dir, 'my-org.json');
      writeFileSync(file, JSON.stringify(importTopology(join(ROOT, 'test/fixtures/exchange-export/contoso'), { name: 'my-org' }).topology, null, 2));
      const out = join(dir, 'report');
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/cas-conformance.js'), 'run', '--topology', file, '--rule', 'EAS-03', '--rule', 'OWA-04', '--out', out, '--quiet'], {
        cwd: dir, // a relative path or another working directory must not matter to the workers
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, CAS_RUN_OPTIONS: '' },
      });
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { topology: { name: string }; rules: { id: string; outcome: string; reason?: string }[] };
      const outcomes = Object.fromEntries(report.rules.map((x) => [x.id, x.outcome]));
      expect(outcomes, `${r.stdout}\n${r.stderr}`).toEqual({ 'EAS-03': 'pass', 'OWA-04': 'pass' });
      expect(report.topology.name).toBe('my-org');
      expect(r.stdout + r.stderr).not.toMatch(/no built-in topology/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 320_000);
});
