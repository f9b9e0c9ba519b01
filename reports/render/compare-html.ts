/**
 * The compare page (issue 12): a self-contained HTML page a vendor chooser reads top-down. The
 * scorecard first (per candidate: failures by severity, warnings, errors, passes, rules out of its
 * scope, the verdict), a legend of levels and severities, then the rules grouped by area, worst
 * severity first, each cell a badge linking to that candidate's report.html#rule-<ID> with its one-line
 * reason visible under it, and a totals row. "Differences only" hides the rows where every candidate
 * ended the same way: a checkbox and a CSS rule, no script (the page's policy allows none).
 */
import { LEVEL_MEANING, SEVERITY_MEANING, scopeLabel, type CompareCell, type CompareMatrix } from '../compare.ts';
import { SEVERITIES } from '../types.ts';
import { BADGE_CSS, escapeHtml as e, outcomeClass } from './escape-html.ts';

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1f2328}
body{margin:0 auto;padding:1rem 1.5rem 3rem;max-width:110rem}
h2{margin-top:1.6rem}
table{border-collapse:collapse}
th,td{border:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0;z-index:1}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#8c959f}
.small{font-size:.8em;color:#57606a;font-weight:400;overflow-wrap:anywhere}
.why{display:block;font-size:.8em;color:#57606a;margin-top:.2em;max-width:26rem;overflow-wrap:anywhere}
a{text-decoration:none}
tr.area th{background:#eef1f4;text-align:left;font-size:.95em}
tr.totals td{background:#f6f8fa;font-weight:600}
.sev{display:inline-block;font-size:.75em;font-weight:700;padding:0 .4em;border-radius:.3em;text-transform:uppercase;letter-spacing:.03em}
.sev-critical{background:#a40e26;color:#fff}
.sev-major{background:#ffebe9;color:#a40e26}
.sev-minor{background:#fff8c5;color:#7d4e00}
.sev-fingerprint{background:#eef1f4;color:#3b434b}
.verdict-ok{color:#116329;font-weight:700}.verdict-bad{color:#a40e26;font-weight:700}.verdict-broken{color:#6e2bb3;font-weight:700}
.legend dt{font-weight:600;float:left;clear:left;width:7rem}.legend dd{margin-left:7.5rem;margin-bottom:.2rem}
#diff-only:checked ~ table.matrix tr.same{display:none}
#diff-only:checked ~ table.matrix tr.area.all-same{display:none}
label.toggle{display:inline-block;margin:.5rem 0;font-weight:600}
${BADGE_CSS}`;

/**
 * Render a compare matrix as one HTML page.
 * @example
 * writeFileSync('out/compare.html', renderCompareHtml(compareReports(reports, { reportHrefs })));
 */
export function renderCompareHtml(m: CompareMatrix): string {
  const n = m.candidates.length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>cas-conformance: comparison of ${n} candidates</title>
<style>${CSS}</style>
</head>
<body>
<h1>cas-conformance: ${n} candidates compared</h1>
<h2>Scorecard</h2>
${scorecardTable(m)}
<h2>Legend</h2>
${legend()}
<h2>Rules</h2>
<input type="checkbox" id="diff-only"> <label class="toggle" for="diff-only">Differences only (hide rules every candidate ended the same way)</label>
${matrixTable(m)}
</body>
</html>
`;
}

function verdict(exitCode: 0 | 1 | 2): string {
  const [cls, text] = exitCode === 0 ? ['ok', 'conformant'] : exitCode === 1 ? ['bad', 'not conformant'] : ['broken', 'not judged (harness error)'];
  return `<span class="verdict-${cls}">${text}</span>`;
}

function num(v: number, strong = false): string {
  return `<td class="num${v === 0 ? ' zero' : ''}">${strong && v > 0 ? `<strong>${v}</strong>` : v}</td>`;
}

function scorecardTable(m: CompareMatrix): string {
  const head = ['Candidate', 'Verdict', ...SEVERITIES.map((s) => `<span class="sev sev-${s}">${s}</span> failures`), 'Warnings', 'Errors', 'Pass', 'Out of scope', 'Other n/a', 'Fronts', 'TLS library', 'Config digest'];
  const rows = m.candidates.map((c, i) => {
    const card = m.scorecards[i]!;
    const name = c.href ? `<a href="${e(c.href)}">${e(c.name)}</a>` : e(c.name);
    return `<tr><th>${name}<div class="small">${e(c.version ?? 'version not reported')}</div><div class="small">${e(c.profile)} via ${e(c.launcher)}; fail on ${e(c.failOn)}; exit ${c.exitCode}</div></th><td>${verdict(c.exitCode)}</td>${SEVERITIES.map((s) => num(card.failures[s], s === 'critical' || s === 'major')).join('')}${num(card.warn)}${num(card.error)}${num(card.pass)}${num(card.outOfScope)}${num(card.notApplicable)}<td>${e(scopeLabel(c.scope))}</td><td class="small">${e(c.tlsLibrary ?? 'not reported')}</td><td class="small">${e(c.configDigest ?? 'none')}</td></tr>`;
  });
  return `<table class="scorecard">\n<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

function legend(): string {
  const sev = SEVERITIES.map((s) => `<dt><span class="sev sev-${s}">${s}</span></dt><dd>${e(SEVERITY_MEANING[s])}</dd>`);
  const lev = Object.entries(LEVEL_MEANING).map(([l, t]) => `<dt>${l}</dt><dd>${e(t)}</dd>`);
  const out = ['<dt><span class="badge o-na">n/a</span></dt><dd>not judged for this candidate: outside what it fronts ("out of scope"), or not in the profile</dd>', '<dt><span class="badge o-error">error</span></dt><dd>the harness could not judge (lab or candidate broken): neither pass nor fail</dd>'];
  return `<dl class="legend">\n${[...sev, ...lev, ...out].join('\n')}\n</dl>`;
}

/** Cells that show their reason on the page: everything that is not a pass, info or n/a. */
const SAYS_WHY = new Set(['fail', 'warn', 'error', 'waived']);

function cellHtml(c: CompareCell): string {
  const badge = `<span class="badge ${outcomeClass(c.outcome)}" title="${e(c.reason ?? c.outcome)}">${e(c.outOfScope ? 'out of scope' : c.outcome)}${c.flaky ? ' (flaky)' : ''}</span>`;
  const body = c.href ? `<a href="${e(c.href)}">${badge}</a>` : badge;
  // Every failing (and erroring) cell says why on the page itself, not only on hover.
  const why = c.short && SAYS_WHY.has(c.outcome) ? `<span class="why">${e(c.short)}</span>` : '';
  return `<td>${body}${c.level && c.level !== '-' ? ` <span class="small">${e(c.level)}</span>` : ''}${why}</td>`;
}

function matrixTable(m: CompareMatrix): string {
  const head = m.candidates.map((c) => `<th>${e(c.name)}<div class="small">${e(c.version ?? 'version not reported')}; fronts ${e(scopeLabel(c.scope))}</div></th>`).join('');
  const body = m.groups.map((g) => {
    const allSame = g.rows.every((r) => r.same);
    const title = `<tr class="area${allSame ? ' all-same' : ''}"><th colspan="${3 + m.candidates.length}">${e(g.area)}: ${e(g.label)}</th></tr>`;
    const rows = g.rows.map((r) => `<tr id="rule-${e(r.id)}"${r.same ? ' class="same"' : ''}><td class="id">${e(r.id)}</td><td>${r.severity ? `<span class="sev sev-${r.severity}">${r.severity}</span>` : ''}</td><td>${e(r.title)}</td>${r.cells.map(cellHtml).join('')}</tr>`);
    return [title, ...rows].join('\n');
  });
  const totals = m.scorecards.map((s) => {
    const fails = SEVERITIES.filter((x) => s.failures[x] > 0).map((x) => `${s.failures[x]} ${x}`).join(', ') || 'no failures';
    return `<td>${e(fails)}<div class="small">${s.pass} pass, ${s.warn} warn, ${s.error} error, ${s.outOfScope} out of scope</div></td>`;
  });
  return `<table class="matrix">
<thead><tr><th>Rule</th><th>Severity</th><th>Rule text</th>${head}</tr></thead>
<tbody>
${body.join('\n')}
<tr class="totals"><td colspan="3">Totals (${m.rules.length} rules)</td>${totals.join('')}</tr>
</tbody>
</table>`;
}
