/**
 * summary.md for CI job summaries (GitHub `$GITHUB_STEP_SUMMARY`): a headline with the verdict and
 * counts, what the levels mean, a table of the rules that did not pass with their reasons (failures
 * first), what those verdicts rest on (collapsed), and the full list collapsed.
 */
import { LEVELS, OUTCOMES, type ConformanceReport, type RuleResult } from '../types.ts';
import { verdictText } from './html.ts';
import { eventLine } from './event-line.ts';
import { LEVEL_MEANING, sortForReading, withoutRepeatedLines } from './presentation.ts';

/** Outcomes listed in the "not passing" table. */
const PROBLEMS = new Set(['fail', 'warn', 'error', 'waived']);

/**
 * Render the CI summary.
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, renderMarkdown(report));
 */
export function renderMarkdown(report: ConformanceReport): string {
  const { candidate, profile, topology, summary } = report;
  const who = `${candidate.name}${candidate.version ? ` ${candidate.version}` : ''}`;
  const lines = [
    `## cas-conformance: ${md(who)} - ${verdictText(summary.exitCode)} (${profile.name}${profile.hardened ? ' + hardened' : ''})`,
    '',
    `${countsLine(report)}  `,
    `Exit code ${summary.exitCode}, fail on ${code(profile.failOn)}; topology ${code(topology.name)} (${code(short(topology.digest))}); ` +
      `config digest ${code(short(candidate.configDigest ?? 'none'))}; launcher ${code(candidate.launcher)}; run ${code(report.run.id)} at ${md(report.run.startedAt)}.` +
      `${candidate.scope ? ` Fronts ${candidate.scope.join(' and ')}.` : ''}${candidate.tlsLibrary ? ` TLS library ${code(candidate.tlsLibrary)}.` : ''}`,
    '',
    `Levels: ${LEVELS.map((l) => `**${l}** ${LEVEL_MEANING[l]}`).join('; ')}.`,
    '',
  ];
  const problems = sortForReading(report.rules.filter((r) => PROBLEMS.has(r.outcome) || r.flaky));
  if (problems.length) {
    lines.push(`### Rules not passing (${problems.length})`, '', '| Rule | Level | Outcome | Reason |', '|---|---|---|---|');
    for (const r of problems) lines.push(`| ${r.id} | ${levelCell(r)} | ${outcomeCell(r)} | ${cell(r.reason ?? '', 300)} |`);
    lines.push('');
    const withEvidence = problems.filter((r) => r.evidence);
    if (withEvidence.length) {
      lines.push('<details><summary>What these verdicts rest on</summary>', '');
      for (const r of withEvidence) lines.push(...restsOn(r), '');
      lines.push('</details>', '');
    }
  } else {
    lines.push('Every judged rule passed.', '');
  }
  if (report.notes?.length) {
    lines.push('### Notes', '', ...report.notes.map((n) => `- ${cell(n, 500)}`), '');
  }
  lines.push(`<details><summary>All ${report.rules.length} rules</summary>`, '', '| Rule | Level | Outcome | Rule text |', '|---|---|---|---|');
  for (const r of sortForReading(report.rules)) lines.push(`| ${r.id} | ${levelCell(r)} | ${outcomeCell(r)} | ${cell(r.title, 200)} |`);
  lines.push('', '</details>', '');
  return lines.join('\n');
}

/** One rule's evidence as a short list: expected, observed, each precondition, the first journal events. */
function restsOn(r: RuleResult): string[] {
  const ev = r.evidence!;
  const out = [`**${r.id}** (${r.outcome})`, ''];
  if (ev.expected) out.push(`- expected: ${cell(withoutRepeatedLines(ev.expected), 400)}`);
  if (ev.observed) out.push(`- observed: ${cell(ev.observed, 400)}`);
  for (const p of ev.preconditions ?? []) out.push(`- ${p.met ? 'met' : '**NOT met**'}: ${cell(p.what, 200)}${p.detail ? ` (${cell(p.detail, 200)})` : ''}${!p.met && p.blame === 'lab' ? ' (the lab\'s)' : ''}`);
  if (ev.lag) out.push(`- harness lag: worst ${ev.lag.maxMs} ms`);
  const shown = ev.journal.slice(0, 5);
  for (const j of shown) out.push(`- journal: ${cell(eventLine(j, 200), 220)}`);
  if (ev.journal.length > shown.length) out.push(`- journal: ... ${ev.journal.length - shown.length} more events in report.html`);
  return out;
}

/** `1 pass, **1 fail**, ...` with the outcomes that occurred, the failing ones in bold. */
function countsLine(r: ConformanceReport): string {
  const parts = OUTCOMES.filter((o) => r.summary[o] > 0).map((o) => {
    const s = `${r.summary[o]} ${o}`;
    return o === 'fail' || o === 'error' || (o === 'warn' && r.profile.failOn === 'warn') ? `**${s}**` : s;
  });
  return `${parts.join(', ') || 'no rules'} (of ${r.summary.total})`;
}

/** The level, and the severity beside it when the report has one (`R, critical`). */
function levelCell(r: RuleResult): string {
  return r.severity ? `${r.level}, ${r.severity}` : r.level;
}

function outcomeCell(r: RuleResult): string {
  const o = r.outcome === 'fail' || r.outcome === 'error' ? `**${r.outcome}**` : r.outcome;
  return r.flaky ? `${o} (flaky)` : o;
}

/**
 * A table cell: pipes escaped, newlines as <br>, HTML characters neutralised (GitHub renders HTML in
 * Markdown), cut to `max` characters.
 */
export function cell(s: string, max = 300): string {
  const cut = s.length > max ? s.slice(0, max - 3) + '...' : s;
  return md(cut).replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Escape text that GitHub would read as HTML. */
export function md(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span; inside one GitHub renders no HTML, so only backticks need taking out. */
function code(s: string): string {
  return '`' + s.replace(/`/g, "'").replace(/\r?\n/g, ' ') + '`';
}

function short(digest: string): string {
  return digest.length > 23 ? digest.slice(0, 20) + '...' : digest;
}
