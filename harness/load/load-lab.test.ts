/**
 * The load scenario in a real lab, small (6 users, 5 s): the reference passes with zero misroutes and
 * zero cross-user answers, every protocol served, the failover exercised on the Site3 pair and the
 * figures present; with the `misroute-1pct` defect (at a rate high enough to draw hundredth requests)
 * misroutes are counted. Starts a lab and a candidate: run it under the shared lock
 * (`flock /tmp/cas-heavy.lock timeout 900 npx vitest run harness/load/load-lab.test.ts`).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLoadPlan } from './limits.ts';
import { runLoad } from './run-load.ts';
import { writeLoadFiles } from '../cli/commands/load.ts';

describe('load against the reference front door (lab)', () => {
  it('6 users, 5 s, failover midway: pass, zero misroutes, zero cross-user, figures and files', async () => {
    const r = await runLoad({ frontDoor: 'reference', defects: [], plan: checkLoadPlan({ users: '6', seconds: '5', rate: '8' }), failover: true });
    expect(r.verdict.reasons).toEqual([]);
    expect(r.verdict.exitCode).toBe(0);
    expect(r.correctness.misroutes).toBe(0);
    expect(r.correctness.crossUser).toBe(0);
    const served = Object.entries(r.correctness.perProtocol).filter(([, c]) => c.ok > 0).map(([p]) => p);
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(r.failover.exercised).toBe(true);
    expect(r.failover.pool).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
    expect(r.failover.outage.length).toBeGreaterThan(0);
    expect(r.latency.some((l) => l.p99 !== null)).toBe(true);
    expect(r.latency.some((l) => l.baselineN > 0)).toBe(true);
    expect(r.cost.measured).toBe(true);
    expect(r.cost.cpuSeconds).toBeGreaterThan(0);
    expect(new Set(r.users.map((u) => u.address)).size).toBe(6);
    const dir = mkdtempSync(join(tmpdir(), 'load-lab-'));
    try {
      const files = await writeLoadFiles(r, dir);
      expect(JSON.parse(readFileSync(files.json, 'utf8')).verdict.outcome).toBe('pass');
      expect(readFileSync(files.html, 'utf8')).toMatch(/<svg /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('misroute-1pct: misroutes counted, with the CAS of the wrong site named', async () => {
    const r = await runLoad({ frontDoor: 'reference', defects: ['misroute-1pct'], plan: checkLoadPlan({ users: '6', seconds: '6', rate: '40' }), failover: false });
    expect(r.correctness.misroutes).toBeGreaterThan(0);
    expect(r.verdict.exitCode).toBe(1);
    expect(r.correctness.examples.misroutes[0]!.text).toMatch(/the oracle allows/);
  }, 180_000);
});
