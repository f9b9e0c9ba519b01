/**
 * Read one export file of the import directory: `<Name>.csv` (Export-Csv) or `<Name>.json`
 * (ConvertTo-Json -Depth 4), in UTF-8 (with or without BOM) or UTF-16 (what `>` writes in Windows
 * PowerShell). Rows come back with their file name and 1-based row number so every error can name
 * file, row and field. Field names are matched case-insensitively, as PowerShell does.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsv } from './csv.ts';
import { TopologyImportError } from '../errors.ts';

/** One exported object. */
export class ExportRow {
  readonly #cells: Map<string, unknown>;
  constructor(readonly file: string, readonly row: number, cells: Record<string, unknown>) {
    this.#cells = new Map(Object.entries(cells).map(([k, v]) => [k.toLowerCase(), v]));
  }
  /** Whether the export has this column at all. */
  has(field: string): boolean {
    return this.#cells.has(field.toLowerCase());
  }
  /** The raw value (string from CSV; any JSON value from JSON); undefined when the column is absent. */
  raw(field: string): unknown {
    return this.#cells.get(field.toLowerCase());
  }
  /** An error naming this row and a field. */
  error(field: string | null, problem: string): TopologyImportError {
    return new TopologyImportError(this.file, this.row, field, problem);
  }
}

/** The rows of one export file, or null when the file is absent. */
export interface ExportTable {
  files: string[];
  rows: ExportRow[];
}

function decode(buf: Buffer): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  const text = buf.toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function readCsv(path: string, file: string): ExportRow[] {
  const { records, error } = parseCsv(decode(readFileSync(path)));
  if (error) throw new TopologyImportError(file, null, null, `line ${error.line}: ${error.message}`);
  const [header, ...data] = records;
  if (!header) return [];
  const names = header.values.map((h) => h.trim());
  if (!names.some(Boolean)) throw new TopologyImportError(file, null, null, 'the header line is empty');
  return data.map((r, i) => {
    if (r.values.length > names.length) throw new TopologyImportError(file, i + 1, null, `${r.values.length} values for ${names.length} columns (line ${r.line})`);
    return new ExportRow(file, i + 1, Object.fromEntries(names.map((n, j) => [n, r.values[j] ?? ''])));
  });
}

function readJson(path: string, file: string): ExportRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(decode(readFileSync(path)));
  } catch (err) {
    throw new TopologyImportError(file, null, null, `not JSON: ${(err as Error).message}`);
  }
  // ConvertTo-Json writes one object for a single result and an array for several.
  const list = Array.isArray(doc) ? doc : doc === null ? [] : [doc];
  return list.map((o, i) => {
    if (!o || typeof o !== 'object' || Array.isArray(o)) throw new TopologyImportError(file, i + 1, null, 'is not an object (export with ConvertTo-Json -Depth 4, see docs/import.md)');
    return new ExportRow(file, i + 1, o as Record<string, unknown>);
  });
}

/**
 * Read every `<name>.csv|json` and `<name>-<anything>.csv|json` of `dir` (one export per shell, e.g.
 * `OwaVirtualDirectory-2007.csv` from the Exchange 2007 shell beside `OwaVirtualDirectory.csv`),
 * rows in file-name order; null when there is none.
 * @example
 * const owa = readExport('./export', 'OwaVirtualDirectory'); // { files: ['OwaVirtualDirectory.csv'], rows }
 */
export function readExport(dir: string, name: string): ExportTable | null {
  const pattern = new RegExp(`^${name}(-[A-Za-z0-9_.-]+)?\\.(csv|json)$`, 'i');
  const files = readdirSync(dir).filter((f) => pattern.test(f)).sort();
  if (!files.length) return null;
  const rows = files.flatMap((file) => (file.toLowerCase().endsWith('.csv') ? readCsv(join(dir, file), file) : readJson(join(dir, file), file)));
  return { files, rows };
}
