/**
 * The compare page: a self-contained HTML table, rules x candidates, each cell a badge linking to
 * that candidate's report.html#rule-<ID>.
 */
import { candidateLabel, type CompareMatrix } from '../compare.ts';
import { BADGE_CSS, escapeHtml as e, outcomeClass } from './escape-html.ts';

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1f2328}
body{margin:0 auto;padding:1rem 1.5rem 3rem}
table{border-collapse:collapse}
th,td{border:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;position:sticky;top:0}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
.small{font-size:.8em;color:#57606a;font-weight:400;overflow-wrap:anywhere}
a{text-decoration:none}
${BADGE_CSS}`;

/**
 * Render a compare matrix as one HTML page.
 * @example
 * writeFileSync('out/compare.html', renderCompareHtml(compareReports(reports, { reportHrefs })));
 */
export function renderCompareHtml(m: CompareMatrix): string {
  const head = m.candidates
    .map((c) => {
      const name = c.href ? `<a href="${e(c.href)}">${e(candidateLabel(c))}</a>` : e(candidateLabel(c));
      return `<th>${name}<div class="small">${e(c.profile)} via ${e(c.launcher)}</div><div class="small">config ${e(c.configDigest ?? 'none')}</div><div class="small">exit code ${c.exitCode}</div></th>`;
    })
    .join('');
  const rows = m.rules
    .map((r) => {
      const cells = r.cells
        .map((c) => {
          const badge = `<span class="badge ${outcomeClass(c.outcome)}" title="${e(c.reason ?? c.outcome)}">${e(c.outcome)}${c.flaky ? ' (flaky)' : ''}</span>`;
          const body = c.href ? `<a href="${e(c.href)}">${badge}</a>` : badge;
          return `<td>${body}${c.level ? ` <span class="small">${e(c.level)}</span>` : ''}${c.reason === 'not judged' ? ' <span class="small">not judged</span>' : ''}</td>`;
        })
        .join('');
      return `<tr id="rule-${e(r.id)}"><td class="id">${e(r.id)}</td><td>${e(r.title)}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>cas-conformance: comparison of ${m.candidates.length} candidates</title>
<style>${CSS}</style>
</head>
<body>
<h1>cas-conformance: ${m.candidates.length} candidates compared</h1>
<table>
<thead><tr><th>Rule</th><th>Rule text</th>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}
