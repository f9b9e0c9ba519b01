/**
 * A tiny XML writer for junit.xml (STYLE "Reports": XML through a small writeElement helper).
 * Text and attribute values are escaped; characters XML 1.0 cannot carry at all (most C0 controls,
 * lone surrogates) are replaced, since evidence may hold raw protocol bytes.
 */

/** Attribute values; undefined and null attributes are left out. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

// XML 1.0 section 2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Escape text for element content or a double-quoted attribute.
 * @example
 * escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(s: string): string {
  return s
    .replace(NOT_XML_CHAR, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Escaped text content, ready to pass as a child of writeElement. */
export function text(s: string): string {
  return escapeXml(s);
}

/**
 * One element. `children` are already-written XML strings (from writeElement or text()); none
 * gives a self-closing tag. Attribute newlines are written as character references so that XML
 * attribute normalisation does not turn them into spaces.
 * @example
 * writeElement('property', { name: 'rule.id', value: 'EAS-03' }) // '<property name="rule.id" value="EAS-03"/>'
 */
export function writeElement(name: string, attrs: Attrs = {}, children?: string | readonly string[]): string {
  let out = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    out += ` ${k}="${escapeXml(String(v)).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;')}"`;
  }
  const body = children === undefined ? undefined : typeof children === 'string' ? children : children.join('\n');
  if (body === undefined || body === '') return `${out}/>`;
  return `${out}>${body}</${name}>`;
}

/** The XML declaration followed by the root element. */
export function xmlDocument(root: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
