/**
 * writeReports(): report.json (the source) and the three files rendered from it, in one folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReportSchemaError } from './errors.ts';
import { renderHtml } from './render/html.ts';
import { renderJunit } from './render/junit.ts';
import { renderMarkdown } from './render/markdown.ts';
import type { ConformanceReport } from './types.ts';
import { validateReport } from './validate.ts';

export interface WrittenReports {
  json: string;
  junit: string;
  html: string;
  markdown: string;
}

/**
 * Write report.json, junit.xml, report.html and summary.md into `outDir` (created if needed).
 * The report is checked against the published schema; when it does not validate the files are still
 * written (a long run is not thrown away) and then a ReportSchemaError names every problem.
 * @example
 * const files = writeReports(report, 'out');
 * console.log(`report: ${files.html}`);
 */
export function writeReports(report: ConformanceReport, outDir: string): WrittenReports {
  mkdirSync(outDir, { recursive: true });
  const files: WrittenReports = {
    json: join(outDir, 'report.json'),
    junit: join(outDir, 'junit.xml'),
    html: join(outDir, 'report.html'),
    markdown: join(outDir, 'summary.md'),
  };
  const json = JSON.stringify(report, null, 2) + '\n';
  writeFileSync(files.json, json);
  writeFileSync(files.junit, renderJunit(report));
  writeFileSync(files.html, renderHtml(report));
  writeFileSync(files.markdown, renderMarkdown(report));
  // Validate what was written (JSON drops undefined fields), not the object in memory.
  const issues = validateReport(JSON.parse(json));
  if (issues.length) throw new ReportSchemaError(issues, files.json);
  return files;
}
