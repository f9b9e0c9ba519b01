/** HTML escaping shared by report.html and the compare page. */

/**
 * Escape text for HTML content and quoted attribute values.
 * @example
 * escapeHtml('<script>alert("x")</script>') // '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
 */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The CSS class of an outcome badge ('n/a' is not a valid class name). */
export function outcomeClass(outcome: string): string {
  return `o-${outcome === 'n/a' ? 'na' : outcome}`;
}

/** Shared badge colours (outcome classes), inlined by both pages. */
export const BADGE_CSS = `
.badge{display:inline-block;padding:.1em .5em;border-radius:.8em;font-size:.85em;font-weight:600;white-space:nowrap;border:1px solid transparent}
.o-pass{background:#dafbe1;color:#116329;border-color:#aceebb}
.o-fail{background:#ffebe9;color:#a40e26;border-color:#ffcecb}
.o-warn{background:#fff8c5;color:#7d4e00;border-color:#f2d36b}
.o-error{background:#f3e8ff;color:#6e2bb3;border-color:#d8b9ff}
.o-waived{background:#ddf4ff;color:#0a4b8c;border-color:#a6d8ff}
.o-info{background:#eef1f4;color:#3b434b;border-color:#d0d7de}
.o-na{background:#f6f8fa;color:#6e7781;border-color:#e1e4e8}
`;
