import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportSchemaError } from './errors.ts';
import { sampleReport } from './test/fixtures.ts';
import { readReport } from './validate.ts';
import { writeReports } from './write-reports.ts';

describe('writeReports', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'write-reports-'));
    dirs.push(d);
    return join(d, 'nested', 'out');
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes the four files and report.json reads back as the same report', () => {
    const out = tmp();
    const report = sampleReport();
    const files = writeReports(report, out);
    expect(Object.values(files).every((f) => existsSync(f))).toBe(true);
    expect(readReport(files.json)).toEqual(report);
    expect(readFileSync(files.html, 'utf8')).toContain('id="rule-EAS-03"');
  });

  it('still writes an invalid report, then says what is wrong', () => {
    const out = tmp();
    const report = sampleReport();
    report.summary.fail = 9;
    expect(() => writeReports(report, out)).toThrow(ReportSchemaError);
    expect(() => writeReports(report, out)).toThrow(/summary\.fail: is 9 but 1 rule\(s\) have outcome fail/);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
    expect(() => readReport(join(out, 'missing.json'))).toThrow(/cannot read a JSON report/);
  });
});
