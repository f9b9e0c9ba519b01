/**
 * compare: several reports side by side, the matrix a vendor chooser reads (issue 12). First a
 * scorecard per candidate: failures by severity (critical, major, minor, fingerprint), warnings,
 * errors, passes, and the rules out of its scope; then the rules grouped by area, worst severity first,
 * each failing cell with a one-line reason; a totals row. Every cell has an outcome: a rule a report
 * does not contain is `error` "not judged", never a blank, so a candidate cannot look better by running
 * fewer rules. Rows where every candidate ended the same way are marked (`same`) for the
 * "differences only" view.
 */
import { OUT_OF_SCOPE, SEVERITIES, type ConformanceReport, type Family, type Level, type Outcome, type RuleResult, type Severity } from './types.ts';
export { renderCompareHtml } from './render/compare-html.ts';
export { renderCompareMarkdown } from './render/compare-markdown.ts';

export interface CompareCandidate {
  name: string;
  version: string | null;
  configDigest: string | null;
  launcher: string;
  profile: string;
  /** What it fronts (null: a report written before scopes existed). */
  scope: Family[] | null;
  tlsLibrary: string | null;
  exitCode: 0 | 1 | 2;
  /** The gate its run used (`--fail-on`). */
  failOn: string;
  /** Link to that candidate's report.html, relative to the compare page; null when none was given. */
  href: string | null;
  runId: string;
}

/** One candidate's line of the scorecard. */
export interface Scorecard {
  /** `fail` outcomes by the rule's severity. */
  failures: Record<Severity, number>;
  pass: number;
  warn: number;
  error: number;
  waived: number;
  info: number;
  /** n/a because the rule judges a family the candidate does not front. */
  outOfScope: number;
  /** n/a for any other reason (not in the profile, hardened only, an option the profile lacks). */
  notApplicable: number;
  total: number;
  conformant: boolean;
}

export interface CompareCell {
  outcome: Outcome;
  level: Level | null;
  /** The full reason, when the report gave one. */
  reason?: string;
  /** The reason on one line (at most 160 characters), for every cell that has a reason. */
  short?: string;
  /** n/a because the rule is outside the candidate's scope. */
  outOfScope?: boolean;
  flaky?: boolean;
  /** `<report.html>#rule-<ID>`, or null when the report has no such rule or no href was given. */
  href: string | null;
}

export interface CompareRow {
  id: string;
  area: string;
  title: string;
  /** From the reports (the first that names it); null for reports older than severities. */
  severity: Severity | null;
  cells: CompareCell[];
  /** Every candidate ended this rule the same way (hidden by "differences only"). */
  same: boolean;
}

export interface CompareGroup {
  area: string;
  /** The area in words a reader outside Exchange follows. */
  label: string;
  rows: CompareRow[];
}

export interface CompareMatrix {
  candidates: CompareCandidate[];
  /** One per candidate, same order. */
  scorecards: Scorecard[];
  /** Rules grouped by area (RULES.md order), worst severity first inside an area. */
  groups: CompareGroup[];
  /** The same rows, flat, in display order. */
  rules: CompareRow[];
}

export interface CompareOptions {
  /** Per report, the relative path of its report.html as seen from the compare page. */
  reportHrefs?: readonly (string | null | undefined)[];
}

/** The areas of RULES.md, in its order, with what each is about in plain words. */
export const AREAS: readonly { area: string; label: string }[] = [
  { area: 'AUTH', label: 'Sign-in at the front door, and never serving one user as another' },
  { area: 'TLS', label: 'Encryption and names on the hop to the legacy servers' },
  { area: 'AUTOD', label: 'Autodiscover: how clients find their mailbox' },
  { area: 'OA', label: 'Outlook Anywhere (Outlook over the Internet)' },
  { area: 'OWA', label: 'Outlook Web App in a browser' },
  { area: 'EAS', label: 'Phones and tablets (ActiveSync)' },
  { area: 'EWS', label: 'Exchange Web Services (Mac Outlook, calendar sharing, apps)' },
  { area: 'OAB', label: 'Offline address book downloads' },
  { area: 'HC', label: 'Health checks and failover between legacy servers' },
  { area: 'MAIL', label: 'IMAP4 and POP3 mail clients' },
  { area: 'COOK', label: 'Cookies, sessions and server affinity' },
  { area: 'VER', label: 'Mixed Exchange versions behind the front door' },
  { area: 'SEC', label: 'Hardening beyond what Exchange promised' },
];

/** What each severity means (the legend). */
export const SEVERITY_MEANING: Record<Severity, string> = {
  critical: 'a user gets another user\'s data, credentials are exposed, or security is bypassed',
  major: 'a user cannot reach their mailbox, or is sent to the wrong one',
  minor: 'degraded: an extra sign-in, slower failover, lost affinity',
  fingerprint: 'an Exchange-specific detail users do not feel (the health probe\'s User-Agent)',
};

/** What each level means (the legend). */
export const LEVEL_MEANING: Record<Exclude<Level, '-'>, string> = {
  R: 'required: a failure fails the run',
  S: 'recommended: a failure is a warning',
  I: 'informational: recorded, never judged',
};

/**
 * A reason on one line for a matrix cell: lines joined, spaces collapsed, cut at `max` characters.
 * @example
 * oneLine('expected proxied to cas2010.site2\n  observed 451') // 'expected proxied to cas2010.site2 / observed 451'
 */
export function oneLine(reason: string, max = 160): string {
  const flat = reason.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean).join(' / ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** True when a rule result is n/a because of the candidate's scope (suites/support/rule.ts words it). */
export function isOutOfScope(r: Pick<RuleResult, 'outcome' | 'reason'>): boolean {
  return r.outcome === 'n/a' && (r.reason ?? '').startsWith(OUT_OF_SCOPE);
}

/**
 * A candidate's scorecard from its judged rules.
 * @example
 * scorecard(report.rules, report.summary.conformant).failures.critical // 2
 */
export function scorecard(rules: readonly Pick<RuleResult, 'outcome' | 'reason' | 'severity'>[], conformant: boolean): Scorecard {
  const failures = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const card: Scorecard = { failures, pass: 0, warn: 0, error: 0, waived: 0, info: 0, outOfScope: 0, notApplicable: 0, total: rules.length, conformant };
  for (const r of rules) {
    if (r.outcome === 'fail') failures[r.severity ?? 'major']++;
    else if (r.outcome === 'n/a') isOutOfScope(r) ? card.outOfScope++ : card.notApplicable++;
    else card[r.outcome]++;
  }
  return card;
}

/**
 * Build the matrix.
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
    scope: r.candidate.scope ?? null,
    tlsLibrary: r.candidate.tlsLibrary ?? null,
    exitCode: r.summary.exitCode,
    failOn: r.profile.failOn,
    href: opts.reportHrefs?.[i] ?? null,
    runId: r.run.id,
  }));
  const indexes = reports.map((r) => new Map(r.rules.map((rule) => [rule.id, rule])));
  const seen = new Map<string, RuleResult>();
  for (const r of reports) for (const rule of r.rules) if (!seen.has(rule.id)) seen.set(rule.id, rule);
  const rows: CompareRow[] = [...seen.values()].map((first) => {
    const cells = indexes.map((idx, i): CompareCell => {
      const rule = idx.get(first.id);
      if (!rule) return { outcome: 'error', level: null, reason: 'not judged', short: 'not judged', href: null };
      const base = candidates[i]!.href;
      const cell: CompareCell = { outcome: rule.outcome, level: rule.level, href: base ? `${base}#rule-${encodeURIComponent(first.id)}` : null };
      if (rule.reason !== undefined) {
        cell.reason = rule.reason;
        cell.short = oneLine(rule.reason);
      }
      if (isOutOfScope(rule)) cell.outOfScope = true;
      if (rule.flaky) cell.flaky = true;
      return cell;
    });
    const severity = indexes.map((idx) => idx.get(first.id)?.severity).find((s) => s !== undefined) ?? null;
    const same = cells.every((c) => c.outcome === cells[0]!.outcome && !!c.outOfScope === !!cells[0]!.outOfScope);
    return { id: first.id, area: first.area, title: first.title, severity, cells, same };
  });
  const order = new Map(rows.map((r, i) => [r.id, i]));
  const rank = (s: Severity | null) => (s ? SEVERITIES.indexOf(s) : SEVERITIES.length);
  const known = AREAS.map((a) => a.area);
  const areas = [...known.filter((a) => rows.some((r) => r.area === a)), ...[...new Set(rows.map((r) => r.area))].filter((a) => !known.includes(a))];
  const groups: CompareGroup[] = areas.map((area) => ({
    area,
    label: AREAS.find((a) => a.area === area)?.label ?? area,
    rows: rows.filter((r) => r.area === area).sort((a, b) => rank(a.severity) - rank(b.severity) || order.get(a.id)! - order.get(b.id)!),
  }));
  return {
    candidates,
    scorecards: reports.map((r) => scorecard(r.rules, r.summary.conformant)),
    groups,
    rules: groups.flatMap((g) => g.rows),
  };
}

/**
 * The exit code of a comparison run (issue 12): 1 when any candidate is not conformant (a finding),
 * else 2 when any could not be judged (harness error), else 0.
 * @example
 * compareExitCode([0, 1, 2]) // 1
 */
export function compareExitCode(exitCodes: readonly (0 | 1 | 2)[]): 0 | 1 | 2 {
  if (exitCodes.includes(1)) return 1;
  if (exitCodes.includes(2) || exitCodes.length === 0) return 2;
  return 0;
}

/** A candidate's column heading: name and version (the version alone when it already names the product: `nginx/1.22.1`). */
export function candidateLabel(c: CompareCandidate): string {
  if (!c.version) return c.name;
  return c.version.toLowerCase().startsWith(c.name.toLowerCase()) ? c.version : `${c.name} ${c.version}`;
}

/** `HTTP and mail`, `HTTP only`, `mail only`, or `not declared` for older reports. */
export function scopeLabel(scope: readonly Family[] | null): string {
  if (!scope) return 'not declared';
  if (scope.includes('http') && scope.includes('mail')) return 'HTTP and mail';
  return scope.includes('http') ? 'HTTP only' : 'mail only';
}
