/**
 * Plain-text evidence of one rule: the block JUnit puts in <system-out> and the CLI prints for
 * `--rule ID`. Both legs are shown: the client transcript and the journal events (front door to CAS),
 * one readable line each (with `json: true`, JUnit's case, the event's JSON follows its line), and
 * what the verdict rests on: each precondition, met or not, and the harness lag.
 */
import type { RuleResult } from '../types.ts';
import { eventLine } from './event-line.ts';
import { withoutRepeatedLines } from './presentation.ts';

/**
 * Render a rule's outcome, reason, seed quote and evidence as text.
 * @example
 * console.log(evidenceText(report.rules.find((r) => r.id === 'EAS-03')!));
 */
export function evidenceText(rule: RuleResult, opts: { json?: boolean } = {}): string {
  const lines: string[] = [`${rule.id} [${rule.level}] ${rule.outcome}${rule.flaky ? ' (flaky)' : ''}: ${rule.title}`];
  if (rule.reason) lines.push(`reason: ${rule.reason}`);
  lines.push(`source: ${rule.source.seed ? `seed ${rule.source.seed}` : 'no seed'}${rule.source.quote ? ` "${rule.source.quote}"` : ''}`);
  if (rule.attempts?.length) lines.push(`attempts: ${rule.attempts.map((a) => `${a.outcome} (${Math.round(a.durationMs)} ms)`).join(', ')}`);
  const ev = rule.evidence;
  if (!ev) return lines.join('\n');
  lines.push(`expected: ${withoutRepeatedLines(ev.expected)}`, `observed: ${ev.observed}`);
  for (const p of ev.preconditions ?? []) lines.push(`precondition ${p.met ? 'met' : 'NOT met'}${!p.met && p.blame === 'lab' ? ' (the lab\'s)' : ''}: ${p.what}${p.detail ? ` -- ${p.detail}` : ''}`);
  if (ev.lag) lines.push(`harness lag: worst ${ev.lag.maxMs} ms${ev.lag.loopDelayP99Ms !== undefined ? `, event-loop p99 ${ev.lag.loopDelayP99Ms} ms` : ''}`);
  if (ev.client.length) {
    lines.push('client leg:');
    for (const l of ev.client) lines.push(`  ${l.at !== undefined ? `+${l.at}ms ` : ''}${l.dir === 'C' ? 'C>' : l.dir === 'S' ? 'S<' : '--'} ${l.line}`);
  }
  if (ev.journal.length) {
    lines.push('journal (front door to CAS):');
    for (const e of ev.journal) {
      lines.push(`  ${eventLine(e)}`);
      if (opts.json) lines.push(`    ${JSON.stringify(e) ?? String(e)}`);
    }
  }
  for (const n of ev.notes ?? []) lines.push(`note: ${n}`);
  return lines.join('\n');
}
