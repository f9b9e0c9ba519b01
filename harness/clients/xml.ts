/**
 * Strict XML for every judgement of XML the suite makes (Autodiscover POX, EWS SOAP; AUTOD-04 asks
 * that POX answers be well-formed). saxes does the parsing: a conformant XML 1.0 + Namespaces 1.0
 * parser (matching tags, quoted unique attributes, only predefined and character references, bound
 * prefixes, nothing but misc around the root). On top of it, for documents from a candidate: a
 * DOCTYPE is refused (no DTD processing, no entity expansion), and size, depth and element count are
 * bounded. The tree is the small shape the clients read (XmlElement).
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';

export interface XmlElement {
  /** Qualified name as written (`t:ServerVersionInfo`). */
  name: string;
  /** Local name (`ServerVersionInfo`). */
  local: string;
  /** Namespace URI ('' when none). */
  ns: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Character data directly inside this element (references decoded, CDATA included). */
  text: string;
}

export class XmlError extends Error {
  readonly code = 'XML_MALFORMED';
  constructor(message: string, readonly offset: number) {
    super(`${message} (at character ${offset})`);
    this.name = 'XmlError';
  }
}

const MAX_CHARS = 2 * 1024 * 1024;
const MAX_DEPTH = 100;
const MAX_ELEMENTS = 100_000;

/** saxes' messages start with `line:column: `; the offset is reported separately. */
function saxesMessage(err: Error): string {
  return err.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, '');
}

/**
 * Parse a document; throws XmlError naming the first problem.
 * @example
 * const root = parseXml('<a xmlns="urn:x"><b>1</b></a>');
 * root.children[0]!.text; // '1'
 */
export function parseXml(input: string): XmlElement {
  if (input.length > MAX_CHARS) throw new XmlError(`document larger than ${MAX_CHARS} characters`, 0);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  const fail = (message: string): never => {
    throw new XmlError(message, parser.position);
  };
  parser.on('error', (err) => fail(saxesMessage(err)));
  parser.on('doctype', () => fail('DOCTYPE not allowed (no DTD processing)'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    if (++count > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} elements`);
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes) as SaxesAttributeNS[]) attrs[a.name] = a.value;
    const el: XmlElement = { name: tag.name, local: tag.local, ns: tag.uri, attrs, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.on('cdata', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.write(input.replace(/^\uFEFF/, '')).close();
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
