/**
 * Checks a report.json against the published schema (schema/report.schema.json), then the
 * cross-references a schema cannot express: summary counts match the rules, rule IDs are unique.
 */
import { readFileSync } from 'node:fs';
import { checkSchema, validateJson, type SchemaNode } from './schema/json-schema-lite.ts';
import { ReportSchemaError, ReportError, type Issue } from './errors.ts';
import { OUTCOMES, type ConformanceReport } from './types.ts';

/** Location of the published schema file (shipped with the package). */
export const REPORT_SCHEMA_URL = new URL('./schema/report.schema.json', import.meta.url);

let cached: SchemaNode | undefined;

/** The published report schema, read once; refused if it uses a keyword the validator lacks. */
export function reportSchema(): SchemaNode {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')) as SchemaNode;
  const problems = checkSchema(schema);
  if (problems.length) throw new ReportSchemaError(problems, 'schema/report.schema.json');
  return (cached = schema);
}

/**
 * Every problem with `doc` as a report, each with its JSON path; empty when valid.
 * @example
 * validateReport(JSON.parse(readFileSync('out/report.json', 'utf8')))
 * // [{ path: 'rules[2].outcome', message: 'must be one of "pass", ... got "passed"' }]
 */
export function validateReport(doc: unknown): Issue[] {
  const issues = validateJson(reportSchema(), doc);
  if (issues.length) return issues;
  return crossCheck(doc as ConformanceReport);
}

/**
 * Validate and return the report typed, or throw a ReportSchemaError listing every problem.
 * @example
 * const report = parseReport(JSON.parse(text), 'baseline.json');
 */
export function parseReport(doc: unknown, source = 'report'): ConformanceReport {
  const issues = validateReport(doc);
  if (issues.length) throw new ReportSchemaError(issues, source);
  return doc as ConformanceReport;
}

/**
 * Read and validate a report.json file.
 * @example
 * const baseline = readReport('baseline/report.json');
 */
export function readReport(file: string): ConformanceReport {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ReportError(`${file}: cannot read a JSON report (${(err as Error).message})`, { cause: err });
  }
  return parseReport(doc, file);
}

function crossCheck(r: ConformanceReport): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  r.rules.forEach((rule, i) => {
    const prev = seen.get(rule.id);
    if (prev !== undefined) issues.push({ path: `rules[${i}].id`, message: `duplicate rule ${rule.id} (also rules[${prev}])` });
    else seen.set(rule.id, i);
  });
  for (const o of OUTCOMES) {
    const n = r.rules.filter((rule) => rule.outcome === o).length;
    if (r.summary[o] !== n) issues.push({ path: `summary.${o}`, message: `is ${r.summary[o]} but ${n} rule(s) have outcome ${o}` });
  }
  if (r.summary.total !== r.rules.length) issues.push({ path: 'summary.total', message: `is ${r.summary.total} but there are ${r.rules.length} rules` });
  return issues;
}
