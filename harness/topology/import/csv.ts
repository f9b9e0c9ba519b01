/**
 * A small RFC 4180 reader for what PowerShell's Export-Csv writes: an optional `#TYPE ...` first line
 * (Windows PowerShell without -NoTypeInformation), a header, every value in double quotes with `""`
 * for a quote, CRLF line ends, values that may hold line breaks. The delimiter is `,` unless the
 * header uses `;` only (Export-Csv -UseCulture in many locales).
 */

/** One parsed record: its values and the 1-based line it starts on. */
export interface CsvRecord {
  values: string[];
  line: number;
}

/** Split CSV text into records; an unterminated quote is reported by its line. */
export function parseCsv(text: string): { records: CsvRecord[]; delimiter: string; error?: { line: number; message: string } } {
  let body = text;
  let lineOffset = 0;
  if (body.startsWith('#TYPE') || body.startsWith('#')) {
    const nl = body.indexOf('\n');
    body = nl < 0 ? '' : body.slice(nl + 1);
    lineOffset = 1;
  }
  const firstLine = body.slice(0, Math.max(0, body.search(/\r?\n|$/)));
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const delimiter = !unquoted.includes(',') && unquoted.includes(';') ? ';' : ',';
  const records: CsvRecord[] = [];
  let values: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1 + lineOffset;
  let recordLine = line;
  let cellStarted = false;
  const endRecord = () => {
    values.push(cell);
    if (!(values.length === 1 && values[0] === '' && !cellStarted)) records.push({ values, line: recordLine });
    values = [];
    cell = '';
    cellStarted = false;
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"') {
        if (body[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      cellStarted = true;
    } else if (c === delimiter) {
      values.push(cell);
      cell = '';
      cellStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += c;
      cellStarted = true;
    }
  }
  if (quoted) return { records, delimiter, error: { line: recordLine, message: 'a quoted value is never closed' } };
  if (cell !== '' || values.length || cellStarted) endRecord();
  return { records, delimiter };
}
