/**
 * A small, strict XML reader for the answers the suite judges (Autodiscover POX, EWS SOAP). AUTOD-04
 * asks that POX answers be well-formed, so this checks what XML 1.0 section 2 requires of a document
 * without a DTD: one root element, matching end tags, quoted and unique attributes, only the
 * predefined and numeric character references, no `<` in attribute values, nothing but whitespace,
 * comments and PIs around the root, and bound namespace prefixes (Namespaces in XML 1.0).
 * A DOCTYPE is refused (no DTD processing, no entity expansion); size and depth are bounded.
 */

export interface XmlElement {
  /** Qualified name as written (`t:ServerVersionInfo`). */
  name: string;
  /** Local name (`ServerVersionInfo`). */
  local: string;
  /** Namespace URI ('' when none). */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element (references decoded). */
  text: string;
}

export class XmlError extends Error {
  readonly code = 'XML_MALFORMED';
  constructor(message: string, readonly offset: number) {
    super(`${message} (at character ${offset})`);
    this.name = 'XmlError';
  }
}

const NAME = /^[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?$/;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const MAX_CHARS = 2 * 1024 * 1024;
const MAX_DEPTH = 100;
const MAX_ELEMENTS = 100_000;

function decode(s: string, at: number): string {
  return s.replace(/&([^;&\s]{0,12});?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new XmlError(`'&' not starting a reference`, at);
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const code = /^#x[0-9a-fA-F]+$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    if (!(code > 0 && code <= 0x10ffff)) throw new XmlError(`unknown reference &${ref};`, at);
    return String.fromCodePoint(code);
  });
}

function parseAttrs(src: string, at: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  let rest = src;
  for (let guard = 0; rest.trim() && guard < 500; guard++) {
    const m = /^\s+([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(rest);
    if (!m) throw new XmlError(`malformed attribute near '${rest.trim().slice(0, 30)}'`, at);
    const [whole, name, dq, sq] = m;
    if (!NAME.test(name!)) throw new XmlError(`bad attribute name ${name}`, at);
    if (name! in attrs) throw new XmlError(`duplicate attribute ${name}`, at);
    const raw = dq ?? sq ?? '';
    if (raw.includes('<')) throw new XmlError(`'<' in the value of attribute ${name}`, at);
    attrs[name!] = decode(raw, at);
    rest = rest.slice(whole!.length);
  }
  return attrs;
}

/**
 * Parse a document; throws XmlError naming the first problem.
 * @example
 * const root = parseXml('<a xmlns="urn:x"><b>1</b></a>');
 * root.children[0]!.text; // '1'
 */
export function parseXml(input: string): XmlElement {
  if (input.length > MAX_CHARS) throw new XmlError(`document larger than ${MAX_CHARS} characters`, 0);
  const src = input.replace(/^\uFEFF/, '');
  const stack: { el: XmlElement; scope: Map<string, string> }[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  let i = 0;
  const decl = /^<\?xml\s[^?]*\?>/.exec(src);
  if (decl) i = decl[0].length;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt < 0 ? src.length : lt);
    if (text) {
      if (stack.length) stack[stack.length - 1]!.el.text += decode(text, i);
      else if (text.trim()) throw new XmlError('text outside the root element', i);
      else if (text.includes('&')) throw new XmlError('reference outside the root element', i);
    }
    if (lt < 0) break;
    i = lt;
    if (src.startsWith('<!--', i)) {
      const end = src.indexOf('-->', i + 4);
      if (end < 0) throw new XmlError('unterminated comment', i);
      if (src.slice(i + 4, end).includes('--')) throw new XmlError("'--' inside a comment", i);
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', i)) {
      if (!stack.length) throw new XmlError('CDATA outside the root element', i);
      const end = src.indexOf(']]>', i);
      if (end < 0) throw new XmlError('unterminated CDATA section', i);
      stack[stack.length - 1]!.el.text += src.slice(i + 9, end);
      i = end + 3;
    } else if (src.startsWith('<?', i)) {
      const end = src.indexOf('?>', i);
      if (end < 0) throw new XmlError('unterminated processing instruction', i);
      if (/^<\?xml[\s?]/i.test(src.slice(i, i + 6))) throw new XmlError('XML declaration not at the start', i);
      i = end + 2;
    } else if (src.startsWith('<!', i)) {
      throw new XmlError('DOCTYPE or declaration not allowed', i);
    } else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i);
      if (end < 0) throw new XmlError('unterminated end tag', i);
      const name = src.slice(i + 2, end).trim();
      const open = stack.pop();
      if (!open) throw new XmlError(`end tag </${name}> without a start tag`, i);
      if (open.el.name !== name) throw new XmlError(`end tag </${name}> does not match <${open.el.name}>`, i);
      i = end + 1;
    } else {
      const m = /^<([^\s/>]+)((?:\s+[^\s=]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(src.slice(i, i + 64 * 1024));
      if (!m) throw new XmlError('malformed start tag', i);
      const [whole, name, attrSrc, selfClose] = m;
      if (!NAME.test(name!)) throw new XmlError(`bad element name ${name}`, i);
      if (!stack.length && root) throw new XmlError('more than one root element', i);
      if (stack.length >= MAX_DEPTH) throw new XmlError(`nesting deeper than ${MAX_DEPTH}`, i);
      if (++count > MAX_ELEMENTS) throw new XmlError(`more than ${MAX_ELEMENTS} elements`, i);
      const attrs = parseAttrs(attrSrc ?? '', i);
      const scope = new Map(stack.length ? stack[stack.length - 1]!.scope : [['xml', 'http://www.w3.org/XML/1998/namespace']]);
      for (const [k, v] of Object.entries(attrs)) {
        if (k === 'xmlns') scope.set('', v);
        else if (k.startsWith('xmlns:')) scope.set(k.slice(6), v);
      }
      const colon = name!.indexOf(':');
      const prefix = colon < 0 ? '' : name!.slice(0, colon);
      const ns = scope.get(prefix);
      if (prefix && ns === undefined) throw new XmlError(`unbound namespace prefix ${prefix}`, i);
      for (const k of Object.keys(attrs)) {
        const p = k.includes(':') ? k.slice(0, k.indexOf(':')) : '';
        if (p && p !== 'xmlns' && !scope.has(p)) throw new XmlError(`unbound namespace prefix ${p} on attribute ${k}`, i);
      }
      const el: XmlElement = { name: name!, local: colon < 0 ? name! : name!.slice(colon + 1), ns: ns ?? '', attrs, children: [], text: '' };
      if (stack.length) stack[stack.length - 1]!.el.children.push(el);
      else root = el;
      if (!selfClose) stack.push({ el, scope });
      i += whole!.length;
    }
  }
  if (stack.length) throw new XmlError(`<${stack[stack.length - 1]!.el.name}> is never closed`, src.length);
  if (!root) throw new XmlError('no root element', 0);
  return root;
}

/** First child element with this local name (any namespace unless given). */
export function child(el: XmlElement | undefined, local: string, ns?: string): XmlElement | undefined {
  return el?.children.find((c) => c.local === local && (ns === undefined || c.ns === ns));
}

/** Every descendant element with this local name, in document order (bounded by the document). */
export function descendants(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.local === local) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** Trimmed text of the first child with this local name, or undefined. */
export function childText(el: XmlElement | undefined, local: string): string | undefined {
  const c = child(el, local);
  return c ? c.text.trim() : undefined;
}
