/**
 * reports/: the conformance report and everything rendered from it. Pure data in, files out: nothing
 * here imports the lab (harness/, mocks/), so a report can be rendered, compared or diffed anywhere.
 */
export * from './types.ts';
export { ReportError, ReportSchemaError, WaiverError, type Issue } from './errors.ts';
export { validateReport, parseReport, readReport, reportSchema, REPORT_SCHEMA_URL } from './validate.ts';
export { decideOutcome, gates, summarize, isHarnessError, waiverExpired, HARNESS_ERROR_CODES, type DecideInput, type Decision, type Summary } from './outcome.ts';
export { parseWaivers, readWaivers, findWaiver, waiverNotes, type Waiver } from './waivers.ts';
export { judgeRuleRun, levelFor, type RuleRun, type RunError, type JudgeContext } from './judge.ts';
export { mergeAttempts, mergeRepeatedReports } from './attempts.ts';
export { buildReport, toolVersion, type BuildReportInput } from './build-report.ts';
export { renderJunit } from './render/junit.ts';
export { renderHtml, verdictText } from './render/html.ts';
export { renderMarkdown } from './render/markdown.ts';
export { evidenceText } from './render/evidence-text.ts';
export { writeReports, type WrittenReports } from './write-reports.ts';
export { compareReports, compareExitCode, scorecard, renderCompareHtml, renderCompareMarkdown, type CompareMatrix, type CompareCell, type CompareOptions, type Scorecard } from './compare.ts';
export { renderFindings, writeFindings, evidenceLine } from './findings.ts';
export { diffBaseline, baselineExitCode, renderBaselineMarkdown, type BaselineDiff, type BaselineChange } from './baseline.ts';
export { ConformanceReporter, type ConformanceReporterOptions } from './vitest-reporter.ts';
