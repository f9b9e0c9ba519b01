/**
 * The load row of the vendor comparison (issue 16 item 5): per candidate, next to the conformance
 * scorecard, what the load scenario measured: misroutes, cross-user answers, the failover outage (the
 * worst protocol), the worst p99 added latency and the CPU per request. Built from each candidate's
 * load.json; rendered into compare.html (after the scorecard) and compare.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadResult } from '../harness/load/types.ts';
import { escapeHtml as e } from './render/escape-html.ts';

export interface LoadRow {
  candidate: string;
  /** pass / fail as the load judged, error when the load could not run. */
  outcome: 'pass' | 'fail' | 'error';
  reason?: string;
  misroutes: number | null;
  crossUser: number | null;
  /** The longest outage over the protocols (ms), and which; null when failover was not exercised. */
  outageMs: number | null;
  outageProtocol: string | null;
  /** The highest p99 added latency over the operation kinds (ms), and which. */
  addedP99: number | null;
  addedP99Kind: string | null;
  cpuMsPerRequest: number | null;
  plan: string;
  /** load.html relative to the compare page. */
  href: string | null;
}

/** The row of one load result. */
export function loadRowOf(r: LoadResult, href: string | null): LoadRow {
  const worstOutage = [...r.failover.outage].sort((a, b) => b.outageMs - a.outageMs)[0];
  const worstLatency = r.latency.filter((l) => l.addedP99 !== null).sort((a, b) => b.addedP99! - a.addedP99!)[0];
  return {
    candidate: r.candidate.name,
    outcome: r.verdict.outcome,
    ...(r.verdict.reasons.length ? { reason: r.verdict.reasons.join('; ') } : {}),
    misroutes: r.correctness.misroutes,
    crossUser: r.correctness.crossUser,
    outageMs: r.failover.exercised && worstOutage ? worstOutage.outageMs : null,
    outageProtocol: r.failover.exercised && worstOutage ? worstOutage.protocol : null,
    addedP99: worstLatency?.addedP99 ?? null,
    addedP99Kind: worstLatency?.kind ?? null,
    cpuMsPerRequest: r.cost.cpuMsPerRequest,
    plan: `${r.plan.users} users, ${r.plan.rate}/s, ${r.plan.seconds} s${r.plan.failover ? ', failover' : ''}`,
    href,
  };
}

/** A candidate whose load could not run. */
export function loadErrorRow(candidate: string, reason: string): LoadRow {
  return { candidate, outcome: 'error', reason, misroutes: null, crossUser: null, outageMs: null, outageProtocol: null, addedP99: null, addedP99Kind: null, cpuMsPerRequest: null, plan: '', href: null };
}

const dash = (v: number | null, unit = '') => (v === null ? '-' : `${v}${unit}`);

/** The HTML section: one table, one row per candidate. */
export function renderLoadRowsHtml(rows: readonly LoadRow[]): string {
  const cell = (v: number | null, bad = false) => `<td class="num${v === 0 ? ' zero' : ''}">${v === null ? '-' : bad && v > 0 ? `<strong>${v}</strong>` : v}</td>`;
  const body = rows
    .map((r) => {
      const name = r.href ? `<a href="${e(r.href)}">${e(r.candidate)}</a>` : e(r.candidate);
      const verdict = `<span class="verdict-${r.outcome === 'pass' ? 'ok' : r.outcome === 'fail' ? 'bad' : 'broken'}" title="${e(r.reason ?? '')}">${r.outcome}</span>`;
      return `<tr><td>${name}<div class="small">${e(r.plan)}</div></td><td>${verdict}${r.reason ? `<div class="small">${e(r.reason)}</div>` : ''}</td>${cell(r.misroutes, true)}${cell(r.crossUser, true)}<td class="num">${r.outageMs === null ? '-' : `${r.outageMs} ms <span class="small">${e(r.outageProtocol ?? '')}</span>`}</td><td class="num">${r.addedP99 === null ? '-' : `${r.addedP99} ms <span class="small">${e(r.addedP99Kind ?? '')}</span>`}</td><td class="num">${dash(r.cpuMsPerRequest, ' ms')}</td></tr>`;
    })
    .join('\n');
  return `<h2 id="load">Under load</h2>
<p class="small">cas-conformance load: simulated users of every seed role on their own loopback addresses, one CAS of the busiest pool failing midway (docs/load.md). Pass: zero misroutes and zero cross-user answers.</p>
<table><thead><tr><th>Candidate</th><th>Load verdict</th><th>Misroutes</th><th>Cross-user answers</th><th>Failover outage (worst protocol)</th><th>p99 added latency (worst operation)</th><th>CPU per request</th></tr></thead>
<tbody>
${body}
</tbody></table>
`;
}

/** The Markdown section. */
export function renderLoadRowsMarkdown(rows: readonly LoadRow[]): string {
  const lines = ['## Under load', '', '| Candidate | Load verdict | Misroutes | Cross-user | Failover outage | p99 added | CPU per request |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const name = r.href ? `[${r.candidate}](${r.href.replace(/ /g, '%20')})` : r.candidate;
    lines.push(`| ${name} | ${r.outcome === 'pass' ? 'pass' : `**${r.outcome}**`} | ${dash(r.misroutes)} | ${dash(r.crossUser)} | ${r.outageMs === null ? '-' : `${r.outageMs} ms (${r.outageProtocol})`} | ${r.addedP99 === null ? '-' : `${r.addedP99} ms (${r.addedP99Kind})`} | ${dash(r.cpuMsPerRequest, ' ms')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Put the load rows into written comparison files: in compare.html right after the scorecard (before
 * the legend, else before </body>), at the end of compare.md.
 * @example
 * addLoadRows({ html: 'out/compare.html', md: 'out/compare.md' }, rows);
 */
export function addLoadRows(files: { html: string; md: string }, rows: readonly LoadRow[]): void {
  if (!rows.length) return;
  const html = readFileSync(files.html, 'utf8');
  const section = renderLoadRowsHtml(rows);
  const at = html.indexOf('<h2>Legend</h2>');
  writeFileSync(files.html, at >= 0 ? `${html.slice(0, at)}${section}${html.slice(at)}` : html.replace('</body>', `${section}</body>`));
  writeFileSync(files.md, `${readFileSync(files.md, 'utf8').replace(/\n*$/, '\n\n')}${renderLoadRowsMarkdown(rows)}`);
}
