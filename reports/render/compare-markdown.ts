/**
 * The compare matrix as a Markdown table (for a CI summary or a README): one row per rule, one column
 * per candidate; a cell links to that candidate's report.html#rule-<ID> when a path was given.
 */
import { candidateLabel, type CompareMatrix } from '../compare.ts';
import { cell } from './markdown.ts';

/**
 * Render a compare matrix as Markdown.
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, renderCompareMarkdown(matrix));
 */
export function renderCompareMarkdown(m: CompareMatrix): string {
  const lines = [`## cas-conformance: ${m.candidates.length} candidates compared`, ''];
  lines.push('| Candidate | Profile | Config digest | Exit code |', '|---|---|---|---|');
  for (const c of m.candidates) {
    const name = c.href ? `[${cell(candidateLabel(c), 80)}](${linkTarget(c.href)})` : cell(candidateLabel(c), 80);
    lines.push(`| ${name} | ${cell(c.profile)} | ${cell(c.configDigest ?? 'none', 80)} | ${c.exitCode} |`);
  }
  lines.push('');
  lines.push(`| Rule | ${m.candidates.map((c) => cell(candidateLabel(c), 40)).join(' | ')} |`);
  lines.push(`|---|${m.candidates.map(() => '---').join('|')}|`);
  for (const r of m.rules) {
    const cells = r.cells.map((c) => {
      const text = `${c.outcome === 'fail' || c.outcome === 'error' ? `**${c.outcome}**` : c.outcome}${c.flaky ? ' (flaky)' : ''}${c.reason === 'not judged' ? ' (not judged)' : ''}`;
      return c.href ? `[${text}](${linkTarget(c.href)})` : text;
    });
    lines.push(`| ${r.id} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** A link destination Markdown will not cut short: spaces and parentheses percent-encoded. */
function linkTarget(href: string): string {
  return href.replace(/ /g, '%20').replace(/\(/g, '%28').replace(/\)/g, '%29');
}
