/**
 * compare: several reports side by side, rules x candidates (a vendor comparison matrix). Every
 * cell has an outcome: a rule a report does not contain is `error` "not judged", never a blank, so a
 * candidate cannot look better by running fewer rules.
 */
import type { ConformanceReport, Level, Outcome } from './types.ts';
export { renderCompareHtml } from './render/compare-html.ts';
export { renderCompareMarkdown } from './render/compare-markdown.ts';

export interface CompareCandidate {
  name: string;
  version: string | null;
  configDigest: string | null;
  launcher: string;
  profile: string;
  exitCode: 0 | 1 | 2;
  /** Link to that candidate's report.html, relative to the compare page; null when none was given. */
  href: string | null;
  runId: string;
}

export interface CompareCell {
  outcome: Outcome;
  level: Level | null;
  reason?: string;
  flaky?: boolean;
  /** `<report.html>#rule-<ID>`, or null when the report has no such rule or no href was given. */
  href: string | null;
}

export interface CompareRow {
  id: string;
  area: string;
  title: string;
  cells: CompareCell[];
}

export interface CompareMatrix {
  candidates: CompareCandidate[];
  rules: CompareRow[];
}

export interface CompareOptions {
  /** Per report, the relative path of its report.html as seen from the compare page. */
  reportHrefs?: readonly (string | null | undefined)[];
}

/**
 * Build the matrix. Rules are listed in the order they first appear across the reports.
 * @example
 * const m = compareReports([nginx, haproxy], { reportHrefs: ['nginx/report.html', 'haproxy/report.html'] });
 * writeFileSync('compare.html', renderCompareHtml(m));
 */
export function compareReports(reports: readonly ConformanceReport[], opts: CompareOptions = {}): CompareMatrix {
  const candidates: CompareCandidate[] = reports.map((r, i) => ({
    name: r.candidate.name,
    version: r.candidate.version,
    configDigest: r.candidate.configDigest,
    launcher: r.candidate.launcher,
    profile: `${r.profile.name}${r.profile.hardened ? '+hardened' : ''}`,
    exitCode: r.summary.exitCode,
    href: opts.reportHrefs?.[i] ?? null,
    runId: r.run.id,
  }));
  const order = new Map<string, { area: string; title: string }>();
  for (const r of reports) for (const rule of r.rules) if (!order.has(rule.id)) order.set(rule.id, { area: rule.area, title: rule.title });
  const indexes = reports.map((r) => new Map(r.rules.map((rule) => [rule.id, rule])));
  const rules: CompareRow[] = [...order].map(([id, { area, title }]) => ({
    id,
    area,
    title,
    cells: indexes.map((idx, i): CompareCell => {
      const rule = idx.get(id);
      if (!rule) return { outcome: 'error', level: null, reason: 'not judged', href: null };
      const base = candidates[i]!.href;
      const cell: CompareCell = { outcome: rule.outcome, level: rule.level, href: base ? `${base}#rule-${encodeURIComponent(id)}` : null };
      if (rule.reason !== undefined) cell.reason = rule.reason;
      if (rule.flaky) cell.flaky = true;
      return cell;
    }),
  }));
  return { candidates, rules };
}

/** A candidate's column heading: name and version. */
export function candidateLabel(c: CompareCandidate): string {
  return `${c.name}${c.version ? ` ${c.version}` : ''}`;
}
