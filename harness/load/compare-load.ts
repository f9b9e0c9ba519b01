/**
 * `compare-run --load`: the load scenario against one candidate of the comparison, with the options
 * that candidate's conformance run had (front door, defects, topology, scope), at the default plan
 * (20 users, 30 s, failover midway). Writes load.json and load.html beside its report and returns its
 * row for the matrix (reports/load-row.ts). A load that cannot run is an error row, never a pass.
 */
import { join, relative } from 'node:path';
import type { Family } from '../../reports/types.ts';
import { loadErrorRow, loadRowOf, type LoadRow } from '../../reports/load-row.ts';
import { checkLoadPlan } from './limits.ts';
import { runLoad } from './run-load.ts';

export interface CompareCandidate {
  frontDoor: string;
  /** The comparison's profile: the load's oracle is written for exchange2013 only. */
  profile?: string;
  defects: string[];
  topology?: string;
  scope?: Family[];
  config?: Record<string, string>;
  /** The candidate's report folder (load.json and load.html go there). */
  outDir: string;
}

/**
 * Run the load for one candidate of compare-run.
 * @example
 * rows.push(await loadRowFor(request, outDir));
 */
export async function loadRowFor(c: CompareCandidate, compareDir: string, log: (line: string) => void = console.log): Promise<LoadRow> {
  const { summaryLines, writeLoadFiles } = await import('../cli/commands/load.ts');
  if (c.profile && c.profile !== 'exchange2013') return loadErrorRow(c.frontDoor, `the load scenario judges the exchange2013 profile only (this comparison: ${c.profile})`);
  try {
    const r = await runLoad({
      frontDoor: c.frontDoor, defects: c.defects, plan: checkLoadPlan({}), failover: true, log,
      ...(c.topology ? { topology: c.topology } : {}), ...(c.scope ? { scope: c.scope } : {}), ...(c.config ? { config: c.config } : {}),
    });
    const files = await writeLoadFiles(r, c.outDir);
    log(summaryLines(r, files).join('\n'));
    return loadRowOf(r, relative(compareDir, join(c.outDir, 'load.html')));
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0]!;
    log(`load ${c.frontDoor}: not run: ${reason}`);
    return loadErrorRow(c.frontDoor, reason);
  }
}
