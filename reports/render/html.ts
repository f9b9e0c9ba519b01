/**
 * report.html: a self-contained page (inline CSS and script, a Content-Security-Policy that forbids
 * any network fetch) with the verdict, the candidate/profile/topology header, outcome counts, filters
 * by outcome and area, and one table row per rule that opens to its seed quote, expected vs observed,
 * the client transcript and the journal events. Every value from the report is escaped: evidence
 * holds raw protocol text (`<`, `&`, quotes, even `</script>`).
 */
import { LEVELS, OUTCOMES, type ConformanceReport, type Evidence, type RuleResult } from '../types.ts';
import { escapeHtml as e, outcomeClass } from './escape-html.ts';
import { REPORT_CSS, REPORT_SCRIPT } from './html-assets.ts';
import { eventLine } from './event-line.ts';
import { LEVEL_MEANING, OUTCOME_MEANING, sortForReading, withoutRepeatedLines } from './presentation.ts';

/**
 * Render a report as one HTML page. Each rule row has the id `rule-<ID>` (compare pages link there).
 * @example
 * writeFileSync('out/report.html', renderHtml(report));
 */
export function renderHtml(report: ConformanceReport): string {
  const { candidate, profile, summary } = report;
  const title = `${candidate.name}${candidate.version ? ` ${candidate.version}` : ''} - ${profile.name}${profile.hardened ? ' + hardened' : ''}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${e(`cas-conformance: ${title}: ${verdictText(summary.exitCode)}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>cas-conformance report: ${e(title)}</h1>
<p class="verdict ${summary.exitCode === 0 ? 'ok' : summary.exitCode === 1 ? 'bad' : 'broken'}">${e(verdictText(summary.exitCode))} (exit code ${summary.exitCode})</p>
${header(report)}
</header>
<section class="counts" aria-label="outcome counts">
${OUTCOMES.map((o) => `<span class="badge ${outcomeClass(o)}">${e(o)}: ${summary[o]}</span>`).join('\n')}
<span class="badge o-info">total: ${summary.total}</span>
</section>
${notes(report)}
${legend()}
${filters(report)}
<p id="shown">${report.rules.length} rules</p>
<table class="rules">
<thead><tr><th>Rule</th><th>Level</th><th>Severity</th><th>Outcome</th><th>Rule and evidence</th><th>Time</th></tr></thead>
<tbody>
${sortForReading(report.rules).map(row).join('\n')}
</tbody>
</table>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** The verdict words for an exit code. */
export function verdictText(exitCode: 0 | 1 | 2): string {
  return exitCode === 0 ? 'Conformant' : exitCode === 1 ? 'Not conformant' : 'Not judged: harness error';
}

function header(r: ConformanceReport): string {
  const items: [string, string][] = [
    ['Candidate', `${r.candidate.name} ${r.candidate.version ?? '(version unknown)'} via ${r.candidate.launcher}`],
    ['Config digest', r.candidate.configDigest ?? '(none)'],
    ...identityItems(r),
    ['Candidate options', JSON.stringify(r.candidate.options)],
    ['Profile', `${r.profile.name}${r.profile.hardened ? ' + hardened' : ''}${r.profile.build ? `, build ${r.profile.build}` : ''}; fail on ${r.profile.failOn}`],
    ['Topology', `${r.topology.name} (${r.topology.digest})`],
    ['Run', `${r.run.id}: ${r.run.startedAt} to ${r.run.finishedAt} (${(r.run.durationMs / 1000).toFixed(1)} s)`],
    ['Tool', `${r.run.tool.name} ${r.run.tool.version} on Node ${r.run.node}${r.run.host ? `, host ${r.run.host}` : ''}`],
  ];
  return `<dl class="meta">\n${items.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('\n')}\n</dl>${configText(r)}`;
}

/** Issue 12 identity: what it fronts, its TLS library, modules, a composite's products. */
function identityItems(r: ConformanceReport): [string, string][] {
  const c = r.candidate;
  const items: [string, string][] = [];
  if (c.scope) items.push(['Fronts', c.scope.map((f) => (f === 'http' ? 'HTTP' : 'mail (IMAP4/POP3)')).join(' and ')]);
  if (c.tlsLibrary !== undefined) items.push(['TLS library', c.tlsLibrary ?? 'not reported by the product']);
  if (c.components?.length) items.push(['Products', c.components.map((p) => `${p.name} ${p.version ?? '(version unknown)'} (${p.scope.join(', ')})`).join('; ')]);
  if (c.modules?.length) items.push(['Modules', c.modules.join(', ')]);
  return items;
}

/** The exact config text the candidate ran with, each file collapsed. */
function configText(r: ConformanceReport): string {
  const files = r.candidate.config ?? [];
  if (!files.length) return '';
  return `\n<section class="config"><h2>Config used</h2>\n${files.map((f) => `<details><summary>${e(f.name)} (${e(f.origin)}, ${f.text.split('\n').length} lines)</summary><pre>${e(f.text)}</pre></details>`).join('\n')}\n</section>`;
}

function notes(r: ConformanceReport): string {
  if (!r.notes?.length) return '';
  return `<section class="notes"><h2>Notes</h2><ul>\n${r.notes.map((n) => `<li>${e(n)}</li>`).join('\n')}\n</ul></section>`;
}

function filters(r: ConformanceReport): string {
  const outcomes = OUTCOMES.filter((o) => r.summary[o] > 0);
  const areas = [...new Set(r.rules.map((x) => x.area))];
  const box = (name: string, value: string, label: string) =>
    `<label><input type="checkbox" name="${name}" value="${e(value)}" checked> ${label}</label>`;
  return `<form class="filters" id="filters">
<fieldset><legend>Outcome</legend>
${outcomes.map((o) => box('outcome', o, `<span class="badge ${outcomeClass(o)}">${e(o)}</span> ${r.summary[o]}`)).join('\n')}
<div><button type="button" data-preset="all">all</button><button type="button" data-preset="problems">problems only</button><button type="button" data-preset="none">none</button></div>
</fieldset>
<fieldset><legend>Area</legend>
${areas.map((a) => box('area', a, e(a))).join('\n')}
</fieldset>
</form>`;
}

function row(r: RuleResult): string {
  const id = `rule-${r.id}`;
  return `<tr class="rule" id="${e(id)}" data-outcome="${e(r.outcome)}" data-area="${e(r.area)}">
<td class="id"><a href="#${e(id)}">${e(r.id)}</a></td>
<td>${e(r.level)}</td>
<td>${e(r.severity ?? '')}</td>
<td><span class="badge ${outcomeClass(r.outcome)}">${e(r.outcome)}</span>${r.flaky ? ' <span class="flaky">flaky</span>' : ''}</td>
<td><details><summary>${code(r.title)}</summary><div class="body">
${ruleBody(r)}
</div></details></td>
<td class="time">${(r.durationMs / 1000).toFixed(2)} s</td>
</tr>`;
}

/** Escaped text with `backtick spans` (rule titles and reasons use them) shown as code. */
export function code(text: string): string {
  return e(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

/** What R, S, I and - mean, and each outcome (issue 15: they were explained nowhere). */
function legend(): string {
  const levels = LEVELS.map((l) => `<dt>${e(l)}</dt><dd>${e(LEVEL_MEANING[l])}</dd>`).join('');
  const outcomes = OUTCOMES.map((o) => `<dt><span class="badge ${outcomeClass(o)}">${e(o)}</span></dt><dd>${e(OUTCOME_MEANING[o])}</dd>`).join('');
  return `<section class="legend" id="legend" aria-label="legend"><details><summary>Levels and outcomes</summary><div class="legend-body"><dl>${levels}</dl><dl>${outcomes}</dl></div></details></section>`;
}

function ruleBody(r: RuleResult): string {
  const parts: string[] = [];
  if (r.reason) parts.push(`<p class="reason">${code(r.reason)}</p>`);
  parts.push(`<p>Source: ${r.source.seed ? `seed ${e(r.source.seed)}` : 'no seed (hardened rule)'}</p>`);
  if (r.source.quote) parts.push(`<blockquote>${e(r.source.quote)}</blockquote>`);
  if (r.attempts?.length) parts.push(`<p>Attempts: ${r.attempts.map((a) => `<span class="badge ${outcomeClass(a.outcome)}">${e(a.outcome)}</span> ${Math.round(a.durationMs)} ms`).join(', ')}</p>`);
  const ev = r.evidence;
  if (!ev) {
    parts.push('<p>No evidence recorded.</p>');
    return parts.join('\n');
  }
  parts.push(`<dl class="eo"><dt>Expected</dt><dd>${code(withoutRepeatedLines(ev.expected))}</dd><dt>Observed</dt><dd>${code(ev.observed)}</dd></dl>`);
  parts.push(restsOn(ev));
  const transcript = ev.client
    .map((l) => `<span class="t-${l.dir}">${l.at !== undefined ? `+${l.at}ms ` : ''}${l.dir === 'C' ? 'C&gt;' : l.dir === 'S' ? 'S&lt;' : '--'} ${e(l.line)}</span>`)
    .join('\n');
  parts.push(ev.client.length ? `<h4>Client leg (${ev.client.length} lines)</h4><pre class="transcript">${transcript}</pre>` : '<h4>Client leg: no lines recorded</h4>');
  parts.push(journal(ev));
  if (ev.notes?.length) parts.push(`<ul class="ev-notes">${ev.notes.map((n) => `<li>${code(n)}</li>`).join('')}</ul>`);
  return parts.join('\n');
}

/** The preconditions the verdict rests on (met or not, with what was seen) and the harness lag. */
function restsOn(ev: Evidence): string {
  const pre = ev.preconditions ?? [];
  const items = pre.map((p) => `<li class="${p.met ? 'met' : 'unmet'}"><span class="pre-mark">${p.met ? 'met' : 'NOT met'}</span> ${code(p.what)}${p.detail ? `<div class="pre-detail">${code(p.detail)}</div>` : ''}${!p.met && p.blame === 'lab' ? ' <span class="blame">(the lab\'s, not the candidate\'s)</span>' : ''}</li>`);
  const lag = ev.lag ? `<p class="lag">Harness lag while the rule ran: worst ${ev.lag.maxMs} ms${ev.lag.loopDelayP99Ms !== undefined ? `, event-loop delay p99 ${ev.lag.loopDelayP99Ms} ms` : ''}</p>` : '';
  if (!items.length && !lag) return '';
  return `<div class="rests-on"><h4>What the verdict rests on${pre.length ? ` (${pre.filter((p) => p.met).length} of ${pre.length} preconditions met)` : ''}</h4>${items.length ? `<ul class="preconditions">${items.join('')}</ul>` : ''}${lag}</div>`;
}

/** One readable line per journal event, its JSON behind a toggle. */
function journal(ev: Evidence): string {
  if (!ev.journal.length) return `<h4>Front door to CAS: no events${ev.preconditions?.length ? ' (user requests only; what the verdict rests on is listed above)' : ''}</h4>`;
  const items = ev.journal.map((j) => `<li><code class="ev">${e(eventLine(j))}</code><details class="json"><summary>JSON</summary><pre>${e(JSON.stringify(j, null, 2) ?? String(j))}</pre></details></li>`);
  return `<h4>Front door to CAS: journal (${ev.journal.length} events)</h4><ol class="journal">${items.join('')}</ol>`;
}
