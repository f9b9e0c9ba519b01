/**
 * A strict little XML reader for the tests: enough of XML 1.0 to check that junit.xml is well
 * formed (one root, matching tags, quoted attributes, only the five entities and character
 * references, no raw `<` or `&` in text) and to walk what it says.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.:-]*';
const ENTITY = /&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/g;

function decode(s: string, where: string): string {
  const stray = s.replace(ENTITY, '').match(/[&<]/);
  if (stray) throw new Error(`${where}: raw "${stray[0]}" in ${JSON.stringify(s.slice(0, 80))}`);
  if (/[\x00-\x08\x0B\x0C\x0E-\x1F]/.test(s)) throw new Error(`${where}: a control character XML 1.0 cannot carry`);
  return s.replace(ENTITY, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'"
      : String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)));
}

/** Parse `xml`, throwing at the first well-formedness problem. */
export function parseXml(xml: string): XmlNode {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  const tag = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`);
  for (let guard = 0; s.length && guard < 1_000_000; guard++) {
    if (s[0] !== '<') {
      const end = s.indexOf('<');
      const raw = end < 0 ? s : s.slice(0, end);
      if (!stack.length) {
        if (raw.trim()) throw new Error(`text outside the root: ${raw.slice(0, 40)}`);
      } else stack.at(-1)!.text += decode(raw, stack.at(-1)!.name);
      s = end < 0 ? '' : s.slice(end);
      continue;
    }
    const m = tag.exec(s);
    if (!m) throw new Error(`bad markup at: ${s.slice(0, 60)}`);
    const [all, close, name, attrText, selfClose] = m as unknown as [string, string, string, string, string];
    s = s.slice(all.length);
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const node: XmlNode = { name, attrs: {}, children: [], text: '' };
    for (const a of attrText.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (a[1]! in node.attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      node.attrs[a[1]!] = decode(a[2]!, `${name}@${a[1]}`);
    }
    if (stack.length) stack.at(-1)!.children.push(node);
    else if (root) throw new Error('more than one root element');
    else root = node;
    if (!selfClose) stack.push(node);
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every descendant named `name`. */
export function findAll(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  for (const c of node.children) {
    if (c.name === name) out.push(c);
    out.push(...findAll(c, name));
  }
  return out;
}
