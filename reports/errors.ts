/**
 * Error classes of reports/, each with a literal `code` (pattern: undici lib/core/errors.js).
 * Problems carry their JSON paths so a user can find the line to fix.
 */

/** One problem found in a document, at a JSON path such as `waivers[2].expires`. */
export interface Issue {
  path: string;
  message: string;
}

export class ReportError extends Error {
  readonly code: string = 'REPORT_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A report.json that does not match schema/report.schema.json. */
export class ReportSchemaError extends ReportError {
  override readonly code = 'REPORT_SCHEMA_ERR';
  constructor(readonly issues: Issue[], source = 'report') {
    super(`${source} is invalid:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'));
  }
}

/** A waivers file that is refused (missing reason or expiry, bad date, unknown field...). */
export class WaiverError extends ReportError {
  override readonly code = 'WAIVER_ERR';
  constructor(readonly issues: Issue[], source = 'waivers') {
    super(`${source} is invalid:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'));
  }
}
