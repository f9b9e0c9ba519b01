/**
 * The load section (issue 16): one self-contained HTML block per load run (verdict, correctness per
 * protocol with examples, failover, latency with inline SVG histograms of both legs, cost), and a page
 * around it for load.html. No script, no external asset: the page's policy allows inline styles only.
 */
import type { LatencyRow, LoadResult, Example } from '../harness/load/types.ts';
import { escapeHtml as e } from './render/escape-html.ts';

export const LOAD_CSS = `
.ld{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1f2328}
.ld table{border-collapse:collapse;margin:.4rem 0 1rem}
.ld th,.ld td{border:1px solid #d8dee4;padding:.25rem .5rem;text-align:left;vertical-align:top}
.ld th{background:#f6f8fa}
.ld td.num{text-align:right;font-variant-numeric:tabular-nums}
.ld td.zero{color:#8c959f}
.ld .pass{color:#1a7f37;font-weight:600}.ld .fail{color:#cf222e;font-weight:600}
.ld .small{font-size:.8em;color:#57606a}
.ld .hists{display:flex;flex-wrap:wrap;gap:1rem}
.ld figure{margin:0}.ld figcaption{font-size:.85em;color:#57606a}
.ld code{font-family:ui-monospace,monospace;font-size:.9em}
`;

const FD_COLOUR = '#0969da';
const BASE_COLOUR = '#8c959f';

function num(v: number | null | undefined, bad = false): string {
  if (v === null || v === undefined) return '<td class="num zero">-</td>';
  return `<td class="num${v === 0 ? ' zero' : ''}">${bad && v > 0 ? `<strong>${v}</strong>` : v}</td>`;
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${v} ms`);

/** An inline SVG histogram of one operation kind: candidate bars and baseline bars side by side per bucket. */
export function histogramSvg(row: LatencyRow): string {
  const W = 420;
  const H = 140;
  const pad = { l: 28, b: 34, t: 8, r: 6 };
  const n = row.buckets.length;
  const slot = (W - pad.l - pad.r) / n;
  const bar = Math.max(2, slot / 2 - 1);
  const max = Math.max(1, ...row.counts, ...row.baselineCounts);
  const h = (c: number) => ((H - pad.t - pad.b) * c) / max;
  const label = (i: number) => (row.buckets[i]! < 0 ? `>${row.buckets[i - 1]}` : `${row.buckets[i]! >= 1000 ? `${row.buckets[i]! / 1000}s` : row.buckets[i]}`);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = pad.l + i * slot;
    const y0 = H - pad.b;
    const fd = row.counts[i]!;
    const base = row.baselineCounts[i]!;
    const upper = row.buckets[i]! < 0 ? 'slower' : `<= ${row.buckets[i]} ms`;
    if (fd) parts.push(`<rect x="${x.toFixed(1)}" y="${(y0 - h(fd)).toFixed(1)}" width="${bar.toFixed(1)}" height="${h(fd).toFixed(1)}" fill="${FD_COLOUR}"><title>candidate ${upper}: ${fd}</title></rect>`);
    if (base) parts.push(`<rect x="${(x + bar + 1).toFixed(1)}" y="${(y0 - h(base)).toFixed(1)}" width="${bar.toFixed(1)}" height="${h(base).toFixed(1)}" fill="${BASE_COLOUR}"><title>baseline ${upper}: ${base}</title></rect>`);
    parts.push(`<text x="${(x + slot / 2).toFixed(1)}" y="${H - pad.b + 12}" font-size="9" text-anchor="middle" fill="#57606a">${e(label(i))}</text>`);
  }
  parts.push(`<line x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}" stroke="#d0d7de"/>`);
  parts.push(`<text x="2" y="${pad.t + 8}" font-size="9" fill="#57606a">${max}</text>`);
  parts.push(`<text x="${pad.l}" y="${H - 6}" font-size="9" fill="#57606a"><tspan fill="${FD_COLOUR}">&#9632;</tspan> candidate (${row.n})  <tspan fill="${BASE_COLOUR}">&#9632;</tspan> straight to the mock (${row.baselineN})  ms, upper bound of each bucket</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="latency histogram of ${e(row.kind)}">${parts.join('')}</svg>`;
}

function examples(title: string, list: Example[]): string {
  if (!list.length) return '';
  return `<p><strong>${e(title)}</strong></p><ul>${list.map((x) => `<li><code>${e(x.sim)}</code> ${e(x.user)} ${e(x.kind)} at ${(x.at / 1000).toFixed(1)} s: ${e(x.text)}</li>`).join('')}</ul>`;
}

function correctness(r: LoadResult): string {
  const c = r.correctness;
  const rows = Object.entries(c.perProtocol)
    .filter(([, p]) => p.ops > 0)
    .map(([name, p]) => `<tr><td>${e(name)}</td>${num(p.ops)}${num(p.ok)}${num(p.misroutes, true)}${num(p.crossUser, true)}${num(p.refused)}${num(p.errors)}${num(p.unconfirmed)}</tr>`)
    .join('');
  return `<h3>Correctness</h3>
<table><thead><tr><th>Protocol</th><th>Operations</th><th>OK</th><th>Misroutes</th><th>Cross-user</th><th>Refused</th><th>Errors</th><th>Unconfirmed</th></tr></thead><tbody>${rows}
<tr><th>all</th>${num(Object.values(c.perProtocol).reduce((n, p) => n + p.ops, 0))}${num(Object.values(c.perProtocol).reduce((n, p) => n + p.ok, 0))}${num(c.misroutes, true)}${num(c.crossUser, true)}${num(c.refusals)}${num(c.errors)}${num(c.unconfirmed)}</tr></tbody></table>
<p class="small">Misroute: a CAS outside the oracle's list (the user's mailbox site and version, 001) handled the user's request. Cross-user: the answer carried another user's data (X-Lab-Served-User, body token, messages) or a mock served the request as another user. Unconfirmed: answered, but no mock journaled serving the user.</p>
${examples('Misroutes', c.examples.misroutes)}${examples('Cross-user answers', c.examples.crossUser)}${examples('Refusals', c.examples.refusals)}${examples('Errors', c.examples.errors)}${examples('Unconfirmed', c.examples.unconfirmed)}`;
}

function failover(r: LoadResult): string {
  const f = r.failover;
  if (!f.exercised) return `<h3>Failover</h3><p>Not exercised: ${e(f.reason ?? '')}.${f.sessionLosses ? ` Session losses: ${f.sessionLosses}.` : ''}</p>`;
  const rows = f.outage.map((o) => `<tr><td>${e(o.protocol)}</td>${num(o.ops)}${num(o.failed)}<td class="num">${ms(o.outageMs)}${o.resolutionMs === null || o.resolutionMs === undefined ? '' : ` <span class="small">(+/- ${o.resolutionMs} ms)</span>`}</td><td class="num">${o.returnMs === null ? 'not within the run' : ms(o.returnMs)}</td></tr>`).join('');
  const s = (v?: number) => (v === undefined ? '-' : `${(v / 1000).toFixed(1)} s`);
  return `<h3>Failover</h3>
<p><code>${e(f.server ?? '')}</code> of the pool ${e((f.pool ?? []).join(', '))} (users ${e((f.users ?? []).join(', '))}): 503 to everything at ${s(f.failAt)}, port refused at ${s(f.refuseAt)}, recovered at ${s(f.recoverAt)}.
The candidate's own checks reached it again ${f.probeReturnMs === null || f.probeReturnMs === undefined ? 'not within the run' : `${f.probeReturnMs} ms`} after recovery.</p>
<table><thead><tr><th>Protocol</th><th>Operations in the fault window</th><th>Failed</th><th>Outage (failure to last failed request; resolution: the window over its requests)</th><th>Recovery to user traffic back</th></tr></thead><tbody>${rows}</tbody></table>
${f.outage.some((o) => o.returnMs === null) ? `<p class="small">Not within the run: no user of the pool reached the recovered CAS in that protocol before the run ended.${f.outage.some((o) => o.returnMs === null && o.protocol !== 'imap' && o.protocol !== 'pop3') ? ' Over HTTP, sticky affinity (003) keeps users on the CAS they failed over to, so their traffic need not come back.' : ''}</p>` : ''}
<p>Affinity kept for users whose CAS stayed up: ${f.affinity.kept} of ${f.affinity.total}${f.affinity.broken.length ? ` (broken: ${e(f.affinity.broken.join('; '))})` : ''}. Moved off the failed CAS: ${f.moved.length ? e(f.moved.join('; ')) : 'none seen'}. Session losses (signed in again): ${f.sessionLosses}${f.sessionLossUsers.length ? ` (${e(f.sessionLossUsers.join(', '))})` : ''}.</p>`;
}

function latency(r: LoadResult): string {
  const rows = r.latency.filter((l) => l.n || l.baselineN);
  const table = rows.map((l) => `<tr><td>${e(l.kind)}</td>${num(l.n)}${num(l.p50)}${num(l.p95)}${num(l.p99)}${num(l.baselineN)}${num(l.baselineP50)}${num(l.baselineP99)}${num(l.pairs)}${num(l.addedP50)}${num(l.addedP95)}${num(l.addedP99)}</tr>`).join('');
  const figs = rows.map((l) => `<figure>${histogramSvg(l)}<figcaption>${e(l.kind)}</figcaption></figure>`).join('');
  return `<h3>Latency (ms; ok answers outside the fault window)</h3>
<p class="small">Baseline: the same operation of the same user sent straight to the mock the oracle names, right after it went through the candidate. Added: percentiles over those pairs (both ok), candidate minus baseline.</p>
<table><thead><tr><th>Operation</th><th>n</th><th>p50</th><th>p95</th><th>p99</th><th>baseline n</th><th>baseline p50</th><th>baseline p99</th><th>pairs</th><th>added p50</th><th>added p95</th><th>added p99</th></tr></thead><tbody>${table}</tbody></table>
<div class="hists">${figs}</div>`;
}

function cost(r: LoadResult): string {
  const c = r.cost;
  const t = r.throughput;
  const costLine = c.measured
    ? `CPU ${c.cpuSeconds} s (${c.cpuPercent}% of one core on average, ${c.processes} processes), peak RSS ${c.peakRssMiB} MiB, ${c.cpuMsPerRequest ?? '-'} ms CPU per request.`
    : `Not measured: ${e(c.reason ?? '')}.`;
  return `<h3>Throughput and cost</h3><p>${t.ops} operations (${t.opsPerSecond}/s), ${t.requests} requests through the candidate (${t.requestsPerSecond}/s, of which ${t.mailSessions} mail sessions), ${t.baselineOps} baseline operations, at most ${t.peakInFlight} in flight. ${costLine}</p>
<p class="small">Harness (mocks and load generator) event-loop delay: p50 ${r.harnessLag?.p50 ?? '-'} ms, p99 ${r.harnessLag?.p99 ?? '-'} ms, max ${r.harnessLag?.max ?? '-'} ms.</p>`;
}

/**
 * The load section of one run.
 * @example
 * writeFileSync('load.html', renderLoadHtml(result)); // a page; renderLoadSection(result) for embedding
 */
export function renderLoadSection(r: LoadResult): string {
  const v = r.verdict;
  const id = `load-${r.candidate.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return `<section class="ld" id="${e(id)}">
<h2>Load: ${e(r.candidate.name)}${r.candidate.defects.length ? ` (defects ${e(r.candidate.defects.join(', '))})` : ''}</h2>
<p>${r.plan.users} simulated users, ${r.plan.rate} operations/s for ${r.plan.seconds} s on ${e(r.topology.name)} (${e(r.plan.scope.join(' + '))})${r.plan.failover ? ', one CAS failing midway' : ''}.
Verdict: <span class="${v.outcome}">${v.outcome}</span>${v.reasons.length ? `: ${e(v.reasons.join('; '))}` : ' (zero misroutes, zero cross-user answers, every protocol served)'}.</p>
${correctness(r)}
${failover(r)}
${latency(r)}
${cost(r)}
${r.notes.length ? `<p class="small">${r.notes.map(e).join('<br>')}</p>` : ''}
</section>`;
}

/** load.html: the section in a page of its own. */
export function renderLoadHtml(r: LoadResult): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>cas-conformance load: ${e(r.candidate.name)}</title>
<style>${LOAD_CSS}body{margin:0 auto;padding:1rem 1.5rem 3rem;max-width:90rem}</style>
</head>
<body>
${renderLoadSection(r)}
</body>
</html>
`;
}
