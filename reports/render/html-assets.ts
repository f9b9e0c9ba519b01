/**
 * The inline CSS and script of report.html. The page is self-contained: no network, no framework;
 * reasons and expected/observed keep their line breaks (white-space: pre-wrap);
 * the script only filters rows and opens the rule named in the URL fragment (#rule-EAS-03), so a
 * link from a compare matrix lands on the rule with its evidence open.
 */
import { BADGE_CSS } from './escape-html.ts';

export const REPORT_CSS = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:15px;color:#1f2328}
body{margin:0 auto;max-width:80rem;padding:1rem 1.5rem 4rem}
h1{font-size:1.5rem;margin:.2rem 0 .5rem}
.verdict{font-size:1.1rem;font-weight:700;padding:.5rem .8rem;border-radius:.4rem;display:inline-block}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.bad{background:#ffebe9;color:#a40e26}.verdict.broken{background:#f3e8ff;color:#6e2bb3}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:1rem 0}
dl.meta dt{font-weight:600;color:#57606a}dl.meta dd{margin:0;overflow-wrap:anywhere}
.counts{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}
.counts .badge{font-size:1rem}
.notes{background:#fff8c5;border:1px solid #f2d36b;border-radius:.4rem;padding:.5rem 1rem}
form.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start;margin:1rem 0}
form.filters fieldset{border:1px solid #d0d7de;border-radius:.4rem;padding:.3rem .7rem}
form.filters label{margin-right:.6rem;white-space:nowrap}
form.filters button{margin:.2rem .2rem 0 0}
#shown{color:#57606a;margin:.3rem 0}
table.rules{border-collapse:collapse;width:100%}
table.rules th,table.rules td{border-bottom:1px solid #d8dee4;padding:.35rem .5rem;text-align:left;vertical-align:top}
table.rules th{background:#f6f8fa;position:sticky;top:0}
table.rules tr[hidden]{display:none}
table.rules tr:target{outline:2px solid #0969da}
td.id{font-family:ui-monospace,monospace;white-space:nowrap}
td.time{text-align:right;white-space:nowrap;color:#57606a}
details summary{cursor:pointer}
details .body{margin:.5rem 0 .5rem 1rem}
blockquote{margin:.3rem 0;padding:.2rem .8rem;border-left:.25rem solid #d0d7de;color:#57606a}
.reason{font-weight:600;white-space:pre-wrap;overflow-wrap:anywhere}
code{font-family:ui-monospace,monospace;font-size:.9em;background:#eff1f3;border-radius:.2rem;padding:0 .2em}
.legend details{border:1px solid #d0d7de;border-radius:.4rem;padding:.3rem .7rem;display:inline-block}
.legend-body{display:flex;flex-wrap:wrap;gap:.5rem 2rem}
.legend dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .6rem;margin:.4rem 0}
.legend dt{font-weight:700}.legend dd{margin:0}
.rests-on h4,.body h4{margin:.8rem 0 .3rem}
ul.preconditions{list-style:none;padding-left:0;margin:.2rem 0}
ul.preconditions li{margin:.2rem 0;padding-left:.2rem}
.pre-mark{display:inline-block;min-width:4.5em;font-weight:700}
li.met .pre-mark{color:#116329}li.unmet .pre-mark{color:#a40e26}
.pre-detail{margin-left:4.7em;color:#57606a;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9em}
.blame{color:#6e2bb3;font-size:.9em}
.lag{color:#57606a;font-size:.9em}
ol.journal{padding-left:1.6rem;margin:.2rem 0}
ol.journal li{margin:.15rem 0}
code.ev{background:none;padding:0;white-space:pre-wrap;overflow-wrap:anywhere}
details.json{display:inline;margin-left:.4rem}
details.json summary{display:inline;color:#0969da;font-size:.8em}
details.json[open]{display:block}
details.json pre{max-height:20rem}
.eo{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem}
.eo dt{font-weight:600}.eo dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
pre{background:#f6f8fa;border:1px solid #d8dee4;border-radius:.3rem;padding:.5rem;overflow:auto;max-height:30rem;font-size:.85rem;white-space:pre-wrap;overflow-wrap:anywhere}
.t-C{color:#0a3069}.t-S{color:#116329}.t-note{color:#6e7781;font-style:italic}
.flaky{color:#7d4e00;font-size:.85em;font-weight:600}
${BADGE_CSS}`;

/** Plain ES5 so that any browser runs it; every lookup is guarded so a missing node cannot throw. */
export const REPORT_SCRIPT = `
(function () {
  var form = document.getElementById('filters');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.rule'));
  if (!form) return;
  function selected(name) {
    var set = {};
    var boxes = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) set[boxes[i].value] = true;
    return set;
  }
  function apply() {
    var outcomes = selected('outcome');
    var areas = selected('area');
    var n = 0;
    rows.forEach(function (row) {
      var show = !!outcomes[row.getAttribute('data-outcome')] && !!areas[row.getAttribute('data-area')];
      row.hidden = !show;
      if (show) n++;
    });
    if (shown) shown.textContent = n + ' of ' + rows.length + ' rules shown';
  }
  function setAll(name, pick) {
    var boxes = form.querySelectorAll('input[name="' + name + '"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = pick(boxes[i].value);
  }
  form.addEventListener('change', apply);
  form.addEventListener('click', function (ev) {
    var t = ev.target;
    var preset = t && t.getAttribute ? t.getAttribute('data-preset') : null;
    if (!preset) return;
    ev.preventDefault();
    if (preset === 'all') { setAll('outcome', function () { return true; }); setAll('area', function () { return true; }); }
    if (preset === 'none') setAll('outcome', function () { return false; });
    if (preset === 'problems') setAll('outcome', function (v) { return v === 'fail' || v === 'warn' || v === 'error' || v === 'waived'; });
    apply();
  });
  function openFromHash() {
    var id = '';
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    if (!id) return;
    var row = document.getElementById(id);
    if (!row) return;
    row.hidden = false;
    var d = row.querySelector('details');
    if (d) d.open = true;
    if (row.scrollIntoView) row.scrollIntoView();
  }
  window.addEventListener('hashchange', openFromHash);
  apply();
  openFromHash();
})();
`;
