/**
 * `cas-conformance compare a.json b.json … --out DIR`: the rules × candidates matrix (HTML + Markdown).
 * `cas-conformance compare-run --front-doors reference,nginx,haproxy,apache,caddy,dovecot [run options] --out DIR`:
 * one run per candidate, then the matrix; a candidate that cannot start shows `error` with why in every cell.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { readReport, compareReports, renderCompareHtml, renderCompareMarkdown, writeReports, type ConformanceReport } from '../../../reports/index.ts';
import { parseRunArgs, runSuites } from './run.ts';
import { COMPARE_RUN_SPEC } from './run-spec.ts';
import { checkFrontDoor, readReportArg } from '../run-checks.ts';
import { parseCommand, UsageError } from '../usage.ts';
import { COMPARE_SPEC } from '../specs.ts';

function writeMatrix(reports: ConformanceReport[], reportFiles: string[], outDir: string): { html: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  const hrefs = reportFiles.map((f) => relative(outDir, join(dirname(f), 'report.html')));
  const m = compareReports(reports, { reportHrefs: hrefs });
  const html = join(outDir, 'compare.html');
  const md = join(outDir, 'compare.md');
  writeFileSync(html, renderCompareHtml(m));
  writeFileSync(md, renderCompareMarkdown(m));
  return { html, md };
}

export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(COMPARE_SPEC, args) as { values: { out?: string }; positionals: string[] };
  if (positionals.length < 1) throw new UsageError('compare needs at least one report.json (usually two or more)', COMPARE_SPEC);
  const reports = positionals.map((f) => readReportArg(f, ''));
  const out = resolve(values.out ?? 'conformance-compare');
  const files = writeMatrix(reports, positionals.map((p) => resolve(p)), out);
  console.log(`compared ${reports.length} reports: ${files.html}, ${files.md}`);
  return 0;
}

export async function compareRunCommand(args: string[]): Promise<number> {
  const { values } = parseCommand(COMPARE_RUN_SPEC(), args, { positionals: false }) as { values: { 'front-doors'?: string; out?: string } };
  const names = (values['front-doors'] ?? 'reference,nginx,haproxy,apache,caddy,dovecot').split(',').map((s) => s.trim()).filter(Boolean);
  const out = resolve(values.out ?? 'conformance-compare');
  const rest = args.filter((a, i) => a !== '--front-doors' && args[i - 1] !== '--front-doors' && !a.startsWith('--front-doors=') && a !== '--out' && args[i - 1] !== '--out');
  // Every candidate's options are checked before the first run starts (bad input: exit 2 at once).
  const requests = names.map((name) => parseRunArgs([...rest, '--front-door', name, '--out', join(out, name.replace(/[^A-Za-z0-9._-]/g, '_'))]));
  for (const r of requests) await checkFrontDoor(r.frontDoor, r.profile, r.defects);
  const reports: ConformanceReport[] = [];
  const files: string[] = [];
  for (const r of requests) {
    const name = r.frontDoor;
    console.log(`\n== ${name} ==`);
    const report = await runSuites(r);
    const written = writeReports(report, r.outDir);
    reports.push(report);
    files.push(written.json);
    console.log(`${name}: ${report.summary.pass} pass, ${report.summary.fail} fail, ${report.summary.warn} warn, ${report.summary.error} error`);
  }
  const m = writeMatrix(reports, files, out);
  console.log(`\nmatrix: ${m.html}, ${m.md}`);
  return 0;
}
