/**
 * Checks a report.json against the published schema (schema/report.schema.json, JSON Schema 2020-12)
 * with ajv, then the cross-references a schema cannot express: summary counts match the rules, rule
 * IDs are unique. Problems come back as JSON paths (`rules[2].outcome`) with a plain message.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ReportSchemaError, ReportError, type Issue } from './errors.ts';
import { OUTCOMES, type ConformanceReport } from './types.ts';

/** Location of the published schema file (shipped with the package). */
export const REPORT_SCHEMA_URL = new URL('./schema/report.schema.json', import.meta.url);

/** The parts of a JSON Schema document the tests read back (enums, $defs, properties). */
export interface SchemaNode {
  type?: string | string[];
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
  [keyword: string]: unknown;
}

let cached: { schema: SchemaNode; validate: ValidateFunction } | undefined;

/** RFC 3339 date-time (the schema's `format`), checked without an extra formats package. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function compiled(): { schema: SchemaNode; validate: ValidateFunction } {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(REPORT_SCHEMA_URL, 'utf8')) as SchemaNode;
  // strict: an unknown keyword or format in the schema is an error at compile time, not a silent pass.
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => DATE_TIME.test(s) && !Number.isNaN(Date.parse(s)) });
  return (cached = { schema, validate: ajv.compile(schema) });
}

/** The published report schema, read and compiled once (ajv refuses a keyword it does not know). */
export function reportSchema(): SchemaNode {
  return compiled().schema;
}

/** `/rules/2/outcome` -> `rules[2].outcome`; a property name (missing, extra) appended. */
function jsonPath(pointer: string, extra?: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(root)';
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
}

/** One ajv error as an Issue in the project's words. */
function toIssue(e: ErrorObject): Issue {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: jsonPath(e.instancePath, String(p.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return { path: jsonPath(e.instancePath, String(p.additionalProperty)), message: 'is not allowed here' };
    case 'enum':
      return { path: jsonPath(e.instancePath), message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(e.data)}` };
    case 'const':
      return { path: jsonPath(e.instancePath), message: `must be ${JSON.stringify(p.allowedValue)}, got ${JSON.stringify(e.data)}` };
    case 'type':
      return { path: jsonPath(e.instancePath), message: `must be ${String(p.type)}, got ${typeName(e.data)}` };
    default:
      return { path: jsonPath(e.instancePath), message: `${e.message ?? e.keyword}${e.data !== undefined && typeof e.data !== 'object' ? `, got ${JSON.stringify(e.data)}` : ''}` };
  }
}

/**
 * Every problem with `doc` as a report, each with its JSON path; empty when valid.
 * @example
 * validateReport(JSON.parse(readFileSync('out/report.json', 'utf8')))
 * // [{ path: 'rules[2].outcome', message: 'must be one of "pass", ... got "passed"' }]
 */
export function validateReport(doc: unknown): Issue[] {
  const { validate } = compiled();
  if (!validate(doc)) return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(toIssue);
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
