/**
 * VER -- version compatibility of a front door of build B with targets of each build (RULES.md "VER").
 * The targets are the topology's version targets by role (built-in: one small site per build); what each
 * pair must do is written here from 002 and 003 (the oracle rule), the pair itself is observed through
 * the front door and tied to the journal (support/ver-matrix.ts).
 */
import { describe } from 'vitest';
import { rule, type RuleContext } from './support/rule.ts';
import type { World } from './support/world.ts';
import { check } from '../harness/verify/check.ts';
import { describeRelays } from '../harness/verify/no-relay.ts';
import { CONCRETE, describeCell, easCell, frontDoorBuild, highestFolderOn, owaCell, relation, versionTargetsOf, type Cell, type VerTarget } from './support/ver-matrix.ts';
import { findBuild } from '../mocks/builds/catalogue.ts';
import { AnswerWatch } from './support/answer-watch.ts';

/** The topology's version targets (roles.ts: one user behind each CAS build), optionally of one product; none: n/a. */
function targetsOf(t: RuleContext, w: World, product?: 2007 | 2010): VerTarget[] {
  const out = versionTargetsOf(w).filter((x) => product === undefined || findBuild(x.build)?.product === product);
  if (!out.length) t.notApplicable(`your topology has no user behind a ${product ? `CAS${product}` : 'legacy CAS'} outside the front door's and Internet-facing sites (a version target)`);
  return out;
}

describe('VER', () => {
  rule('VER-01', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    // 003: "Proxying is supported from one Client Access server to another Client Access server when the destination Client
    // Access server is running the same version of Exchange Server or an earlier version"; 002: for OWA an earlier one only once the front door
    // holds "the highest control directory that is present on the destination CAS" (copied: extra resource folders).
    t.expect(`front door ${b}: OWA and EAS to a target of the same build work; to an older one EAS works and OWA works once the front door holds its highest folder (refused before); to a newer one both are refused`);
    const TARGETS_2007 = targetsOf(t, w, 2007);
    const cells: { cell: Cell; folder: boolean }[] = [];
    const watch = new AnswerWatch();
    for (const target of TARGETS_2007) {
      cells.push({ cell: await owaCell(w, target, watch), folder: false });
      cells.push({ cell: await easCell(w, target, watch), folder: false });
    }
    const older = TARGETS_2007.filter((x) => relation(b, x.build) === 'older');
    const folders: string[] = [];
    for (const x of older) {
      const f = await highestFolderOn(w, x.servers[0]!);
      if (f) folders.push(f);
    }
    // The lab must show each older target's resource folder for the "folder held" half to be judged.
    t.require('each older target shows its highest OWA resource folder (to copy to the front door, 002)', folders.length === older.length, `older targets: ${older.map((x) => x.build).join(', ') || 'none'}; folders found: ${folders.join(', ') || 'none'}`, { blame: 'lab' });
    if (older.length) {
      t.observe(`folders copied to the front door (002): ${folders.join(', ')}`);
      const wf = await t.world({ options: { extraResourceFolders: folders } });
      for (const target of older) cells.push({ cell: await owaCell(wf, target), folder: true });
    }
    for (const { cell, folder } of cells) t.observe(`${describeCell(b, cell)}${folder ? ' [front door holds the folder]' : ''}`);
    // Every pair must have been answered by the front door: a pair without an answer is neither "works" nor "refused".
    const unanswered = cells.filter(({ cell }) => cell.kind === 'no-answer');
    t.require('the front door answered every pair (OWA and EAS, each target build)', unanswered.length === 0, unanswered.map(({ cell }) => `${cell.protocol} ${cell.target}: ${cell.detail}`).join('; '));
    const wrong: string[] = [];
    for (const { cell, folder } of cells) {
      const rel = relation(b, cell.target);
      const works = rel === 'same' || (rel === 'older' && (cell.protocol === 'EAS' || folder));
      const want = works ? 'works' : 'refused';
      // "works" is proxied to the target: by the front door itself, not relayed by another legacy CAS.
      const relayed = cell.kind === 'works' && cell.relays.length > 0;
      if (cell.kind !== want || !cell.grounded || relayed) {
        wrong.push(`${cell.protocol} ${cell.target}${folder ? ' (folder held)' : ''}: expected ${want}, got ${cell.kind}${cell.grounded ? '' : ' (journal disagrees)'}${relayed ? ` (relayed: ${describeRelays(cell.relays)})` : ''}`);
        t.client(cell.transcript.slice(-12));
      }
    }
    check(wrong.length === 0, 'every pair as 002 and 003 say', wrong.join('; '));
  });

  rule('VER-02', { timeoutMs: 60_000 }, async (t) => {
    const w = await t.world();
    const b = frontDoorBuild(w);
    const targets = t.profile === 'exchange2007' ? targetsOf(t, w, 2007) : targetsOf(t, w);
    t.expect(`the matrix front door ${b} x target build (${targets.map((x) => x.build).join(', ')}) x protocol (OWA, EAS): every pair observed, each a concrete outcome that the journal bears out`);
    const cells: Cell[] = [];
    const watch = new AnswerWatch();
    for (const target of targets) {
      cells.push(await owaCell(w, target, watch));
      cells.push(await easCell(w, target, watch));
    }
    // The matrix itself is the evidence (informational: RULES VER-02).
    t.observe(`front door ${b}\n${['target', 'OWA', 'EAS'].join(' | ')}\n${targets.map((x) => [x.build, ...['OWA', 'EAS'].map((p) => cells.find((c) => c.target === x.build && c.protocol === p)?.kind ?? '(missing)')].join(' | ')).join('\n')}`);
    for (const c of cells) t.observe(describeCell(b, c));
    const unanswered = cells.filter((c) => c.kind === 'no-answer');
    t.require('the front door answered every pair (OWA and EAS, each target build)', unanswered.length === 0, unanswered.map((c) => `${c.protocol} ${c.target}: ${c.detail}`).join('; '));
    const missing = targets.flatMap((x) => ['OWA', 'EAS'].filter((p) => !cells.some((c) => c.target === x.build && c.protocol === p)).map((p) => `${x.build} ${p}`));
    check(missing.length === 0, 'a cell for every target build and protocol', `missing: ${missing.join(', ')}`);
    const vague = cells.filter((c) => !CONCRETE.includes(c.kind) || !c.grounded || (c.kind === 'works' && c.relays.length > 0));
    check(vague.length === 0, `every cell one of ${CONCRETE.join(', ')}, borne out by the journal (a "works" reached by the front door itself)`, vague.map((c) => `${c.target} ${c.protocol}: ${c.kind}${c.grounded ? '' : ' (journal disagrees)'}${c.kind === 'works' && c.relays.length ? ` (relayed: ${describeRelays(c.relays)})` : ''}: ${c.detail}`).join('; '));
  });
});
