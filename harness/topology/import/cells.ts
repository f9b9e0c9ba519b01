/**
 * Typed reads of export cells. CSV cells are strings; JSON cells may be strings, numbers, booleans,
 * arrays or objects (a Uri, an ADObjectId, a ProtocolConnectionSettings) depending on how the shell
 * serialised them. Each getter accepts the forms docs/import.md's commands produce and the common
 * others, and otherwise throws a TopologyImportError naming file, row and field.
 */
import type { ExportRow } from './table.ts';

/** Export-Csv of a multi-valued property writes its type name instead of the values. */
const TYPE_NAME = /^(Microsoft\.Exchange\.|System\.|Deserialized\.)[\w.`[\], =]+$/;

function fromObject(row: ExportRow, field: string, o: Record<string, unknown>): string {
  const get = (k: string) => Object.entries(o).find(([key]) => key.toLowerCase() === k.toLowerCase())?.[1];
  const uri = get('AbsoluteUri') ?? get('OriginalString');
  if (typeof uri === 'string') return uri;
  const host = get('Hostname') ?? get('HostName');
  const port = get('Port');
  if (host !== undefined && port !== undefined) {
    const enc = get('EncryptionType');
    const e = typeof enc === 'string' ? enc : enc === 0 ? 'SSL' : enc === 1 ? 'TLS' : '';
    return `${String(host)}:${String(port)}${e ? `:${e}` : ''}`;
  }
  const name = get('Name');
  if (typeof name === 'string') return name;
  throw row.error(field, `is an object (${Object.keys(o).slice(0, 4).join(', ')}...); export it as text, see docs/import.md`);
}

function scalar(row: ExportRow, field: string, v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => scalar(row, field, x)).filter(Boolean).join(';');
  if (typeof v === 'object') return fromObject(row, field, v as Record<string, unknown>).trim();
  throw row.error(field, `has a value of type ${typeof v}`);
}

/** Text of a cell; null when empty. `required`: a missing column or an empty value is an error. */
export function text(row: ExportRow, field: string, opts: { required?: boolean } = {}): string | null {
  if (!row.has(field)) {
    if (opts.required) throw row.error(field, 'missing (the export has no such column; use the command in docs/import.md)');
    return null;
  }
  const v = scalar(row, field, row.raw(field));
  if (TYPE_NAME.test(v)) throw row.error(field, `holds the type name "${v}", not the values: export it as @{n='${field}';e={$_.${field} -join ';'}} (docs/import.md)`);
  if (!v && opts.required) throw row.error(field, 'is empty');
  return v || null;
}

/** Text that must be there. */
export function need(row: ExportRow, field: string): string {
  return text(row, field, { required: true })!;
}

/** A multi-valued cell: a JSON array, or text joined with `;` (also `{a, b}` as Format-List shows it). */
export function list(row: ExportRow, field: string): string[] {
  if (!row.has(field)) return [];
  const raw = row.raw(field);
  if (Array.isArray(raw)) return raw.map((x) => scalar(row, field, x)).filter(Boolean);
  const v = text(row, field);
  if (!v) return [];
  return v.replace(/^\{|\}$/g, '').split(/[;,]/).map((x) => x.trim()).filter(Boolean);
}

/** True/False (also true/false, 1/0); `fallback` when the column is absent or empty. */
export function bool(row: ExportRow, field: string, fallback: boolean): boolean {
  const v = text(row, field);
  if (v === null) return fallback;
  if (/^(true|1|\$true)$/i.test(v)) return true;
  if (/^(false|0|\$false)$/i.test(v)) return false;
  throw row.error(field, `"${v}" is not True or False`);
}

/**
 * A virtual directory URL as the topology writes it: scheme, lower-case host, port when not the
 * default, path (no query). Null when empty.
 */
export function url(row: ExportRow, field: string): string | null {
  const v = text(row, field);
  if (!v) return null;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw row.error(field, `"${v}" is not a URL`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw row.error(field, `"${v}" is not an http:// or https:// URL`);
  if (!/^[A-Za-z0-9\-/._]*$/.test(u.pathname)) throw row.error(field, `"${v}": the path has characters the lab does not serve`);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}

/** An AD site as the shell prints it (`contoso.lab/Configuration/Sites/Site1`) or its bare name. */
export function site(row: ExportRow, field: string): string {
  const v = need(row, field);
  return v.split('/').filter(Boolean).at(-1)!;
}

/** A host name (lower-case DNS name) or null. */
export function host(row: ExportRow, field: string): string | null {
  const v = text(row, field);
  if (!v) return null;
  const h = v.toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(h)) throw row.error(field, `"${v}" is not a fully qualified host name`);
  return h;
}
