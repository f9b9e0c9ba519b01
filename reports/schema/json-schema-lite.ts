/**
 * A validator for the subset of JSON Schema draft 2020-12 that report.schema.json uses. Small on
 * purpose: reports/ depends on nothing, and a keyword outside the subset is refused when the schema
 * is checked (assertSupported), so the published schema can never say more than we enforce.
 */
import type { Issue } from '../errors.ts';

/** A JSON Schema node in the supported subset. */
export interface SchemaNode {
  $schema?: string;
  $id?: string;
  $ref?: string;
  $defs?: Record<string, SchemaNode>;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minimum?: number;
  minLength?: number;
  pattern?: string;
  format?: 'date-time';
}
type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** Every keyword this validator understands (annotations included). */
export const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', '$id', '$ref', '$defs', 'title', 'description', 'type', 'enum', 'const', 'required',
  'properties', 'additionalProperties', 'items', 'minimum', 'minLength', 'pattern', 'format',
]);

/** Issues with the schema itself: a keyword outside the subset, a $ref that does not resolve. */
export function checkSchema(schema: SchemaNode): Issue[] {
  const issues: Issue[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null) return void issues.push({ path, message: 'schema node must be an object' });
    for (const [k, v] of Object.entries(node)) {
      if (!SUPPORTED_KEYWORDS.has(k)) issues.push({ path: `${path}.${k}`, message: `keyword ${k} is not supported` });
      if (k === 'properties' || k === '$defs') for (const [n, s] of Object.entries(v as object)) walk(s, `${path}.${k}.${n}`);
      if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) walk(v, `${path}.${k}`);
      if (k === '$ref' && resolveRef(schema, String(v)) === undefined) issues.push({ path: `${path}.$ref`, message: `unresolved ${String(v)}` });
      if (k === 'format' && v !== 'date-time') issues.push({ path: `${path}.format`, message: `format ${String(v)} is not supported` });
    }
  };
  walk(schema, '(schema)');
  return issues;
}

/**
 * Validate `value` against `schema`; every problem comes back with its path (`rules[3].outcome`).
 * @example
 * const issues = validateJson(schema, JSON.parse(text));
 * if (issues.length) console.error(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
 */
export function validateJson(schema: SchemaNode, value: unknown): Issue[] {
  const issues: Issue[] = [];
  visit(schema, schema, value, '', issues);
  return issues;
}

function visit(root: SchemaNode, s: SchemaNode, v: unknown, path: string, out: Issue[]): void {
  const at = path || '(root)';
  if (s.$ref !== undefined) {
    const target = resolveRef(root, s.$ref);
    if (!target) return void out.push({ path: at, message: `schema reference ${s.$ref} does not resolve` });
    visit(root, target, v, path, out);
  }
  if (s.const !== undefined && !sameJson(s.const, v)) out.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
  if (s.enum && !s.enum.some((e) => sameJson(e, v))) {
    out.push({ path: at, message: `must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${short(v)}` });
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => isType(t, v))) return void out.push({ path: at, message: `must be ${types.join(' or ')}, got ${typeName(v)}` });
  }
  if (typeof v === 'string') {
    if (s.minLength !== undefined && [...v].length < s.minLength) out.push({ path: at, message: `must have at least ${s.minLength} character(s)` });
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(v)) out.push({ path: at, message: `must match ${s.pattern}, got ${short(v)}` });
    if (s.format === 'date-time' && !isDateTime(v)) out.push({ path: at, message: `must be an RFC 3339 date-time, got ${short(v)}` });
  }
  if (typeof v === 'number' && s.minimum !== undefined && v < s.minimum) out.push({ path: at, message: `must be >= ${s.minimum}` });
  if (Array.isArray(v) && s.items) v.forEach((item, i) => visit(root, s.items!, item, `${path}[${i}]`, out));
  if (isObject(v)) {
    for (const name of s.required ?? []) if (!(name in v)) out.push({ path: join(path, name), message: 'is required' });
    for (const [name, child] of Object.entries(v)) {
      const p = join(path, name);
      const known = s.properties?.[name];
      if (known) visit(root, known, child, p, out);
      else if (s.additionalProperties === false) out.push({ path: p, message: 'is not allowed here' });
      else if (typeof s.additionalProperties === 'object') visit(root, s.additionalProperties, child, p, out);
    }
  }
}

function resolveRef(root: SchemaNode, ref: string): SchemaNode | undefined {
  // Only local references into $defs: the schema is one self-contained file.
  const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
  return m ? root.$defs?.[m[1]!] : undefined;
}

function isType(t: JsonType, v: unknown): boolean {
  switch (t) {
    case 'object': return isObject(v);
    case 'array': return Array.isArray(v);
    case 'string': return typeof v === 'string';
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'integer': return Number.isInteger(v);
    case 'boolean': return typeof v === 'boolean';
    case 'null': return v === null;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// RFC 3339 section 5.6 date-time, checked for shape and for a real calendar instant.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
function isDateTime(v: string): boolean {
  return DATE_TIME.test(v) && !Number.isNaN(Date.parse(v));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
