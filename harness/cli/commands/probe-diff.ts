/**
 * `cas-conformance probe diff probe.json --build <build|auto> [--topology T] [--portable] [--json]`
 *   runs the same probe against the mock of that build in a lab and lists every difference;
 * `cas-conformance probe diff probe.json --against-fixture [--build <build|auto>] [--json]`
 *   compares with the checked-in probe of the mock (mocks/builds/probes/), no lab.
 * Exit 0: no difference; 1: differences; 2: bad input or a lab that would not start.
 */
import { parseCommand, UsageError } from '../usage.ts';
import { subSpec } from './probe.ts';
import { chooseBuild } from '../../probe/build-guess.ts';
import { countByClass, diffProbes, showValue, type Difference, type ProbeDiff } from '../../probe/diff.ts';
import { readFixture, readProbeFile } from '../../probe/fixtures.ts';
import { probeMock, startProbeLab } from '../../probe/lab-target.ts';
import type { ProbeDoc } from '../../probe/schema.ts';
import { renderTable } from '../table.ts';

export async function probeDiffCommand(args: string[]): Promise<number> {
  const spec = subSpec(['build', 'against-fixture', 'topology', 'portable', 'json']);
  type Values = { build?: string; 'against-fixture'?: boolean; topology?: string; portable?: boolean; json?: boolean };
  const { values, positionals } = parseCommand(spec, args) as { values: Values; positionals: string[] };
  if (positionals.length !== 1) throw new UsageError('probe diff needs one probe file', spec);
  const fixture = values['against-fixture'] ?? false;
  if (!fixture && !values.build) throw new UsageError('probe diff needs --build <build|auto> (a lab) or --against-fixture (the checked-in probe)', spec);
  if (fixture && (values.topology || values.portable)) throw new UsageError('--topology and --portable start a lab: not with --against-fixture', spec);
  const file = positionals[0]!;
  const mine = readProbeFile(file);
  const choice = chooseBuild(values.build ?? 'auto', mine);
  const id = choice.build.id;
  let theirs: ProbeDoc;
  let label: string;
  if (fixture) {
    theirs = readFixture(id);
    label = `checked-in probe of the mock of ${id}`;
  } else {
    const lab = await startProbeLab([id], { topology: values.topology, portable: values.portable });
    try {
      theirs = (await probeMock(lab, id, shapeOf(mine))).doc;
    } finally {
      await lab.stop();
    }
    label = `the mock of ${id} in a lab${values.topology ? ` (${values.topology})` : ''}`;
  }
  const d = diffProbes(mine, theirs);
  if (values.json) {
    console.log(JSON.stringify({ left: { file, xOwaVersion: mine.summary.xOwaVersion }, right: { build: id, source: fixture ? 'fixture' : 'lab' }, chosenBy: choice.reason, ...d }, null, 2));
  } else {
    console.log(renderDiff(d, { left: file, right: `mock ${id}`, title: `${file} vs ${label} (${choice.build.name}; ${choice.reason})`, errors: mine.errors }));
  }
  return d.differences.length ? 1 : 0;
}

/** The mock is probed as the user's server was: credentials or not, the same mail endpoints' kinds. */
export function shapeOf(doc: ProbeDoc) {
  return {
    credentials: doc.target.credentials,
    ...(doc.target.imap ? { imap: { implicitTls: doc.target.imap.implicitTls } } : {}),
    ...(doc.target.pop3 ? { pop3: { implicitTls: doc.target.pop3.implicitTls } } : {}),
  };
}

function rows(ds: readonly Difference[]): string[][] {
  return ds.map((x) => [x.path, showValue(x.left), showValue(x.right), x.cls, x.rules.length ? x.rules.join(', ') : '-']);
}

/** The diff for a terminal: a table of differences, then what was not counted and why. */
export function renderDiff(d: ProbeDiff, o: { left: string; right: string; title: string; errors: ProbeDoc['errors'] }): string {
  const out = [o.title, ''];
  const head = ['field', o.left, o.right, 'class', 'matters for rules'];
  if (d.differences.length) out.push(renderTable(head, rows(d.differences)), '');
  const c = countByClass(d.differences);
  const by = Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ');
  out.push(`${d.differences.length} difference(s)${by ? ` (${by})` : ''} in ${d.compared} fields compared`);
  if (d.deployment.length) {
    out.push('', `deployment facts that differ (your site's TLS and certificate, not counted):`, renderTable(head, rows(d.deployment)));
  }
  for (const n of d.notCompared) out.push(`not compared: ${n.section} (only in ${n.onlyIn === 'left' ? o.left : o.right})`);
  for (const n of d.notes) out.push(`note: ${n}`);
  for (const e of o.errors) out.push(`no answer in ${o.left}: ${e.step}: ${e.message}`);
  return out.join('\n');
}
