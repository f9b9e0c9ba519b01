/**
 * `cas-conformance compare a.json b.json … [--out DIR] [--findings DIR]`: the comparison (scorecard,
 * rules by area, HTML + Markdown) of saved reports; `--findings DIR` also writes each candidate's
 * docs page (docs/frontdoors/<product>.md) from its report, keeping the hand-written blocks.
 * `cas-conformance compare-run --front-doors reference,nginx+dovecot,haproxy+dovecot,apache,caddy [run options]
 *  [--out DIR] [--findings DIR]`: one run per candidate, then the same. A candidate that cannot start
 * shows `error` with why in every cell. Exit (issue 12): 0 when every candidate is conformant, 1 when
 * any is not, 2 on a harness error.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { compareExitCode, compareReports, renderCompareHtml, renderCompareMarkdown, writeFindings, writeReports, type ConformanceReport } from '../../../reports/index.ts';
import { parseRunArgs, runSuites } from './run.ts';
import { COMPARE_RUN_SPEC } from './run-spec.ts';
import { checkFrontDoor, readReportArg } from '../run-checks.ts';
import { parseCommand, UsageError } from '../usage.ts';
import { COMPARE_SPEC } from '../specs.ts';
import { LabError } from '../../errors.ts';

/** The front doors compare-run judges by default: ours, and every adapter, mail-only Dovecot paired with an HTTP proxy. */
export const DEFAULT_FRONT_DOORS = 'reference,nginx+dovecot,haproxy+dovecot,apache,caddy';

interface Written {
  html: string;
  md: string;
  diffMd: string;
}

function writeMatrix(reports: ConformanceReport[], reportFiles: string[], outDir: string): Written {
  mkdirSync(outDir, { recursive: true });
  const hrefs = reportFiles.map((f) => relative(outDir, join(dirname(f), 'report.html')));
  const m = compareReports(reports, { reportHrefs: hrefs });
  const files = { html: join(outDir, 'compare.html'), md: join(outDir, 'compare.md'), diffMd: join(outDir, 'compare-differences.md') };
  writeFileSync(files.html, renderCompareHtml(m));
  writeFileSync(files.md, renderCompareMarkdown(m));
  // The short form for a CI job summary: only the rules where candidates differ.
  writeFileSync(files.diffMd, renderCompareMarkdown(m, { differencesOnly: true }));
  return files;
}

/** Scorecard lines for the terminal, one per candidate. */
function scoreLines(reports: ConformanceReport[]): string[] {
  const m = compareReports(reports);
  return m.candidates.map((c, i) => {
    const s = m.scorecards[i]!;
    const verdict = c.exitCode === 0 ? 'conformant' : c.exitCode === 1 ? 'NOT conformant' : 'not judged';
    return `  ${c.name.padEnd(18)} ${verdict.padEnd(15)} critical ${s.failures.critical}, major ${s.failures.major}, minor ${s.failures.minor}, fingerprint ${s.failures.fingerprint}; ${s.warn} warn, ${s.error} error, ${s.pass} pass, ${s.outOfScope} out of scope`;
  });
}

function finish(reports: ConformanceReport[], files: Written, findingsDir: string | undefined): number {
  console.log(`\nscorecard:\n${scoreLines(reports).join('\n')}`);
  console.log(`matrix: ${files.html}, ${files.md} (differences only: ${files.diffMd})`);
  if (findingsDir) {
    const pages = writeFindings(reports, resolve(findingsDir));
    console.log(`findings: ${pages.length ? pages.join(', ') : 'no page (only the reference was judged)'}`);
  }
  const exit = compareExitCode(reports.map((r) => r.summary.exitCode));
  console.log(exit === 0 ? 'every candidate conformant' : exit === 1 ? 'NOT every candidate conformant' : 'harness error: some candidates could not be judged');
  return exit;
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(COMPARE_SPEC, args) as { values: { out?: string; findings?: string }; positionals: string[] };
  if (positionals.length < 1) throw new UsageError('compare needs at least one report.json (usually two or more)', COMPARE_SPEC);
  const reports = positionals.map((f) => readReportArg(f, ''));
  const out = resolve(values.out ?? 'conformance-compare');
  const files = writeMatrix(reports, positionals.map((p) => resolve(p)), out);
  console.log(`compared ${reports.length} reports`);
  return finish(reports, files, values.findings);
}

/** Run options given to compare-run, without its own (--front-doors, --out, --findings). */
function runOptionsOf(args: string[]): string[] {
  const own = new Set(['--front-doors', '--out', '--findings']);
  return args.filter((a, i) => !own.has(a) && !own.has(args[i - 1] ?? '') && ![...own].some((o) => a.startsWith(`${o}=`)));
}

export async function compareRunCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(COMPARE_RUN_SPEC(), args, { positionals: false }) as { values: { 'front-doors'?: string; out?: string; findings?: string; name?: string; config?: string[]; load?: boolean } };
  if (values.name) throw new LabError('compare-run: --name would give every candidate the same name; name them by --front-doors');
  const names = (values['front-doors'] ?? DEFAULT_FRONT_DOORS).split(',').map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new LabError('compare-run: --front-doors names no candidate');
  if (new Set(names).size !== names.length) throw new LabError(`compare-run: a candidate is named twice in --front-doors ${names.join(',')}`);
  if (values.config?.length && names.length > 1) throw new LabError('compare-run: --config applies to one candidate; run that one with `run --config`, then `compare` the reports');
  const out = resolve(values.out ?? 'conformance-compare');
  const rest = runOptionsOf(args.filter((a) => a !== '--load'));
  // Every candidate's options are checked before the first run starts (bad input: exit 2 at once).
  const requests = names.map((name) => parseRunArgs([...rest, '--front-door', name, '--out', join(out, name.replace(/[^A-Za-z0-9._+-]/g, '_'))]));
  for (const r of requests) await checkFrontDoor(r.frontDoor, r.profile, r.defects);
  const { candidateScope } = await import('../../frontdoor/registry.ts');
  for (const r of requests) candidateScope(r.frontDoor, r.scope);
  const reports: ConformanceReport[] = [];
  const files: string[] = [];
  const loads: import('../../../reports/load-row.ts').LoadRow[] = [];
  for (const r of requests) {
    console.log(`\n== ${r.frontDoor} ==`);
    const report = await runSuites(r);
    const written = writeReports(report, r.outDir);
    reports.push(report);
    files.push(written.json);
    console.log(`${report.candidate.name}: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn, ${report.summary.error} error, ${report.summary['n/a']} n/a`);
    // --load: the load scenario's row next to the scorecard (harness/load/compare-load.ts, docs/load.md).
    if (values.load) loads.push(await (await import('../../load/compare-load.ts')).loadRowFor(r, out));
  }
  const written = writeMatrix(reports, files, out);
  if (loads.length) (await import('../../../reports/load-row.ts')).addLoadRows(written, loads);
  return finish(reports, written, values.findings);
}
