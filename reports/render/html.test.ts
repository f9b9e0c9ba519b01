import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import { sampleReport } from '../test/fixtures.ts';

/**
 * A minimal DOM built from the page's own markup (rows, checkboxes, buttons), enough to run the
 * inline script the way a browser would and catch any error it throws.
 */
function fakeDom(html: string, hash = '') {
  const attrs = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  const listeners: Record<string, ((ev: unknown) => void)[]> = {};
  const on = (key: string) => (type: string, fn: (ev: unknown) => void) => void (listeners[`${key}:${type}`] ??= []).push(fn);
  const details = new Map<string, { open: boolean }>();
  const rows = [...html.matchAll(/<tr class="rule"[^>]*>/g)].map((m) => {
    const a = attrs(m[0]);
    const d = { open: false };
    details.set(a.id!, d);
    return { id: a.id, hidden: false, getAttribute: (n: string) => a[n] ?? null, querySelector: () => d, scrollIntoView() {} };
  });
  const boxes = [...html.matchAll(/<input type="checkbox"[^>]*>/g)].map((m) => ({ ...attrs(m[0]), checked: / checked/.test(m[0]) }));
  const form = {
    querySelectorAll: (sel: string) => boxes.filter((b) => sel === `input[name="${b.name}"]`),
    addEventListener: on('form'),
  };
  const shown = { textContent: '' };
  const document = {
    getElementById: (id: string) => (id === 'filters' ? form : id === 'shown' ? shown : rows.find((r) => r.id === id) ?? null),
    querySelectorAll: (sel: string) => (sel === 'tr.rule' ? rows : []),
  };
  const window = { location: { hash }, addEventListener: on('window') };
  const fire = (key: string, ev: unknown) => (listeners[key] ?? []).forEach((fn) => fn(ev));
  return { document, window, rows, boxes, shown, details, fire };
}

/** Tags open and close in order (void elements aside): a stray `<` from evidence would break this. */
function checkNesting(html: string): void {
  const body = html.replace(/<(script|style)>[\s\S]*?<\/\1>/g, '').replace(/^<!DOCTYPE html>/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(\/?)>/g)) {
    const [, close, name] = m as unknown as [string, string, string];
    if (['meta', 'input', 'br'].includes(name)) continue;
    if (!close) stack.push(name);
    else if (stack.pop() !== name) throw new Error(`</${name}> out of order at ${m.index}`);
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  if (/<(?![a-zA-Z/!])/.test(body)) throw new Error('a raw < in text');
}

describe('renderHtml', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('is self-contained: inline style and script, no external resource, a CSP forbidding fetches', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('nests its tags properly', () => {
    expect(() => checkNesting(html)).not.toThrow();
    expect(() => checkNesting('<p><b></p></b>')).toThrow(/out of order/);
  });

  it('has a row, anchor and details for every rule', () => {
    for (const r of report.rules) {
      expect(html).toContain(`<tr class="rule" id="rule-${r.id}" data-outcome="${r.outcome}" data-area="${r.area}">`);
      expect(html).toContain(`<a href="#rule-${r.id}">${r.id}</a>`);
    }
    // One per rule, and the legend's.
    expect(html.match(/<details>/g)).toHaveLength(report.rules.length + 1);
  });

  it('shows the header, verdict and counts', () => {
    expect(html).toContain('Not conformant (exit code 1)');
    expect(html).toContain('nginx 1.26.2 via nginx');
    expect(html).toContain('sha256:abc123');
    expect(html).toContain('contoso (sha256:def456)');
    expect(html).toContain('<span class="badge o-fail">fail: 1</span>');
    expect(html).toContain('waiver for OWA-01 expired');
  });

  it('escapes evidence: seed quote, expected/observed, transcript and pretty journal', () => {
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;');
    expect(html).toContain('Exchange 2013 no longer supports the 451 redirect response');
    expect(html).toContain('<dt>Expected</dt><dd>proxied to cas2010.site2 &lt;no 451&gt;</dd>');
    expect(html).toContain('C&gt; POST /Microsoft-Server-ActiveSync?Cmd=Sync&amp;User=orange HTTP/1.1');
    expect(html).toContain('  &quot;server&quot;: &quot;cas2010.site2.contoso.lab&quot;,');
  });

  it('runs its script without error: filters by outcome and area, presets, opens the rule in the URL fragment', () => {
    const dom = fakeDom(html, '#rule-EAS-03');
    expect(() => runInNewContext(html.match(/<script>([\s\S]*)<\/script>/)![1]!, { document: dom.document, window: dom.window })).not.toThrow();
    expect(dom.shown.textContent).toBe('7 of 7 rules shown');
    expect(dom.details.get('rule-EAS-03')!.open).toBe(true);
    dom.boxes.find((b) => b.value === 'pass')!.checked = false;
    dom.fire('form:change', {});
    expect(dom.rows.find((r) => r.id === 'rule-AUTH-01')!.hidden).toBe(true);
    expect(dom.shown.textContent).toBe('6 of 7 rules shown');
    dom.boxes.find((b) => b.value === 'EAS')!.checked = false;
    dom.fire('form:change', {});
    // Failures first: error, warn, waived, info (EAS-03's fail is filtered out with its area).
    expect(dom.rows.filter((r) => !r.hidden).map((r) => r.id)).toEqual(['rule-TLS-05', 'rule-OA-02', 'rule-OWA-08', 'rule-HC-09']);
    dom.fire('form:click', { target: { getAttribute: () => 'problems' }, preventDefault() {} });
    expect(dom.rows.filter((r) => !r.hidden).map((r) => r.id)).toEqual(['rule-TLS-05', 'rule-OA-02', 'rule-OWA-08']);
    dom.fire('form:click', { target: { getAttribute: () => 'all' }, preventDefault() {} });
    expect(dom.shown.textContent).toBe('7 of 7 rules shown');
    dom.window.location.hash = '#rule-TLS-05';
    dom.fire('window:hashchange', {});
    expect(dom.details.get('rule-TLS-05')!.open).toBe(true);
    dom.window.location.hash = '#%E0%A4%A';
    expect(() => dom.fire('window:hashchange', {})).not.toThrow();
  });

  it('says so when a run is not judged', () => {
    const broken = sampleReport({ rules: [] });
    expect(renderHtml(broken)).toContain('Not judged: harness error (exit code 2)');
  });
});
