/**
 * The compare matrix as Markdown, for a CI job summary (issue 12): the scorecard first, a legend line,
 * then one table per area (rows worst severity first), each failing cell with its one-line reason,
 * and a totals line. A cell links to that candidate's report.html#rule-<ID> when a path was given.
 * With `differencesOnly`, rules every candidate ended the same way are left out (and counted).
 */
import { SEVERITY_MEANING, candidateLabel, scopeLabel, type CompareCell, type CompareMatrix } from '../compare.ts';
import { SEVERITIES } from '../types.ts';
import { cell } from './markdown.ts';

export interface CompareMarkdownOptions {
  /** Leave out the rules every candidate ended the same way. */
  differencesOnly?: boolean;
  /** Characters of a cell's reason (default 100). */
  reasonChars?: number;
}

/**
 * Render a compare matrix as Markdown.
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, renderCompareMarkdown(matrix, { differencesOnly: true }));
 */
export function renderCompareMarkdown(m: CompareMatrix, o: CompareMarkdownOptions = {}): string {
  const max = o.reasonChars ?? 100;
  const lines = [`## cas-conformance: ${m.candidates.length} candidates compared`, '', '### Scorecard', ''];
  lines.push(`| Candidate | Verdict | ${SEVERITIES.map((s) => `${s} failures`).join(' | ')} | warn | error | pass | out of scope | fronts | config digest |`);
  lines.push(`|---|---|${SEVERITIES.map(() => '---:').join('|')}|---:|---:|---:|---:|---|---|`);
  m.candidates.forEach((c, i) => {
    const s = m.scorecards[i]!;
    const name = c.href ? `[${cell(candidateLabel(c), 80)}](${linkTarget(c.href)})` : cell(candidateLabel(c), 80);
    const verdict = c.exitCode === 0 ? 'conformant' : c.exitCode === 1 ? '**not conformant**' : '**not judged** (harness error)';
    const fails = SEVERITIES.map((x) => (s.failures[x] && (x === 'critical' || x === 'major') ? `**${s.failures[x]}**` : String(s.failures[x])));
    lines.push(`| ${name} | ${verdict} | ${fails.join(' | ')} | ${s.warn} | ${s.error} | ${s.pass} | ${s.outOfScope} | ${scopeLabel(c.scope)} | ${cell(c.configDigest ?? 'none', 40)} |`);
  });
  lines.push('', `Severities: ${SEVERITIES.map((s) => `**${s}** ${SEVERITY_MEANING[s]}`).join('; ')}. Levels: R required, S recommended (a failure is a warning), I informational.`, '');
  let hidden = 0;
  for (const g of m.groups) {
    const rows = o.differencesOnly ? g.rows.filter((r) => !r.same) : g.rows;
    hidden += g.rows.length - rows.length;
    if (!rows.length) continue;
    lines.push(`### ${g.area}: ${cell(g.label, 120)}`, '');
    lines.push(`| Rule | Severity | ${m.candidates.map((c) => cell(candidateLabel(c), 40)).join(' | ')} |`);
    lines.push(`|---|---|${m.candidates.map(() => '---').join('|')}|`);
    for (const r of rows) lines.push(`| ${r.id} | ${r.severity ?? '?'} | ${r.cells.map((c) => mdCell(c, max)).join(' | ')} |`);
    lines.push('');
  }
  if (hidden) lines.push(`${hidden} rules ended the same way for every candidate and are not shown.`, '');
  const totals = m.scorecards.map((s, i) => `${cell(candidateLabel(m.candidates[i]!), 40)}: ${SEVERITIES.filter((x) => s.failures[x]).map((x) => `${s.failures[x]} ${x}`).join(', ') || 'no failures'}; ${s.pass} pass, ${s.warn} warn, ${s.error} error, ${s.outOfScope} out of scope`);
  lines.push(`**Totals** (${m.rules.length} rules): ${totals.join('; ')}`, '');
  return lines.join('\n');
}

/** Cells that show their reason: everything that is not a pass, info or n/a. */
const SAYS_WHY = new Set(['fail', 'warn', 'error', 'waived']);

function mdCell(c: CompareCell, max: number): string {
  const word = c.outOfScope ? 'out of scope' : c.outcome;
  const bold = c.outcome === 'fail' || c.outcome === 'error' ? `**${word}**` : word;
  const text = `${bold}${c.flaky ? ' (flaky)' : ''}`;
  const linked = c.href ? `[${text}](${linkTarget(c.href)})` : text;
  const why = c.short && SAYS_WHY.has(c.outcome) ? `: ${cell(c.short, max)}` : '';
  return `${linked}${why}`;
}

/** A link destination Markdown will not cut short: spaces and parentheses percent-encoded. */
function linkTarget(href: string): string {
  return href.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29');
}
