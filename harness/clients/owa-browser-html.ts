/**
 * The little HTML a browser of OWA pages needs to understand: the title, forms and their fields,
 * links, the resources a page references, whether a form submits itself (001's "single sign-on
 * silent redirect": `<body onload="document.forms[0].submit()">`), and `<meta http-equiv=refresh>`.
 * Regex-based on purpose: OWA 2007/2010 pages are simple and the suite must read whatever a front
 * door sends without crashing, so nothing here throws on malformed markup.
 * Scripting is "on" (as in a real browser): `<noscript>` content is not part of the page.
 */

export interface FormField {
  name: string;
  value: string;
  type: string;
  checked: boolean;
}

export interface HtmlForm {
  action: string;
  method: 'GET' | 'POST';
  name: string | null;
  fields: FormField[];
  /** Has an `<input type=password>`: a sign-in form the user types into. */
  hasPassword: boolean;
}

export interface HtmlPage {
  title: string;
  forms: HtmlForm[];
  /** `href` of every `<a>`, as written (entities decoded). */
  links: string[];
  /** Every `href` and `src` attribute value in the page (link, script, img, ...). */
  references: string[];
  /** The form that script submits on load, if any. */
  selfSubmitting: HtmlForm | null;
  /** `<meta http-equiv="refresh" content="N;url=...">` target, if any. */
  refresh: { delaySeconds: number; url: string } | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decode the character references an attribute or title may hold. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[ref.toLowerCase()] ?? m;
  });
}

/** Attributes of one start tag's inside (`name="v" name='v' name=v name`), lower-case names. */
export function parseAttributes(inside: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s"'>\/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = re.exec(inside)) && guard++ < 200) {
    const name = m[1]!.toLowerCase();
    if (!(name in out)) out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

function tags(html: string, name: string): Record<string, string>[] {
  const re = new RegExp(`<${name}(?=[\\s/>])([^>]*)>`, 'gi');
  return [...html.matchAll(re)].slice(0, 1000).map((m) => parseAttributes(m[1] ?? ''));
}

function parseForm(attrs: Record<string, string>, inner: string): HtmlForm {
  const fields: FormField[] = [];
  for (const m of inner.matchAll(/<(input|button|select|textarea)(?=[\s/>])([^>]*)>/gi)) {
    const tag = m[1]!.toLowerCase();
    const a = parseAttributes(m[2] ?? '');
    if (!a.name || 'disabled' in a) continue;
    let value = a.value ?? '';
    const type = tag === 'input' ? (a.type ?? 'text').toLowerCase() : tag === 'button' ? (a.type ?? 'submit').toLowerCase() : tag;
    if (tag === 'select') {
      const rest = inner.slice(m.index! + m[0].length);
      const body = rest.slice(0, Math.max(0, rest.search(/<\/select>/i)));
      const options = [...body.matchAll(/<option(?=[\s>])([^>]*)>([^<]*)/gi)].map((o) => ({ a: parseAttributes(o[1] ?? ''), text: decodeEntities(o[2] ?? '').trim() }));
      const chosen = options.find((o) => 'selected' in o.a) ?? options[0];
      value = chosen ? (chosen.a.value ?? chosen.text) : '';
    } else if (tag === 'textarea') {
      const rest = inner.slice(m.index! + m[0].length);
      value = decodeEntities(rest.slice(0, Math.max(0, rest.search(/<\/textarea>/i))));
    }
    if (type === 'checkbox' && value === '' && !('value' in a)) value = 'on';
    fields.push({ name: a.name, value, type, checked: 'checked' in a });
  }
  return {
    action: attrs.action ?? '',
    method: (attrs.method ?? 'GET').toUpperCase() === 'POST' ? 'POST' : 'GET',
    name: attrs.name ?? attrs.id ?? null,
    fields,
    hasPassword: fields.some((f) => f.type === 'password'),
  };
}

/**
 * Read a page.
 * @example
 * const page = parsePage(html);
 * if (page.selfSubmitting) submit(page.selfSubmitting); // the silent redirect
 */
export function parsePage(raw: string): HtmlPage {
  // Comments and noscript blocks are not part of a scripted page.
  const html = raw.replace(/<!--[\s\S]*?-->/g, '').replace(/<noscript[\s\S]*?<\/noscript\s*>/gi, '');
  const title = decodeEntities(/<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1] ?? '').replace(/\s+/g, ' ').trim();
  const forms: HtmlForm[] = [];
  for (const m of [...html.matchAll(/<form(?=[\s>])([^>]*)>([\s\S]*?)(?:<\/form\s*>|$)/gi)].slice(0, 50)) {
    forms.push(parseForm(parseAttributes(m[1] ?? ''), m[2] ?? ''));
  }
  const links = tags(html, 'a').map((a) => a.href).filter((h): h is string => h !== undefined);
  const references = [...html.matchAll(/\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)].slice(0, 1000).map((m) => decodeEntities(m[1] ?? m[2] ?? m[3] ?? ''));
  const refreshTag = tags(html, 'meta').find((a) => (a['http-equiv'] ?? '').toLowerCase() === 'refresh');
  const refreshMatch = refreshTag ? /^\s*(\d+)\s*[;,]\s*url\s*=\s*['"]?([^'"]+)/i.exec(refreshTag.content ?? '') : null;
  return {
    title,
    forms,
    links,
    references,
    selfSubmitting: selfSubmitting(html, forms),
    refresh: refreshMatch ? { delaySeconds: Number(refreshMatch[1]), url: refreshMatch[2]!.trim() } : null,
  };
}

/** The form a page's script submits without the user: an onload handler or a script calling `.submit()`. */
function selfSubmitting(html: string, forms: HtmlForm[]): HtmlForm | null {
  if (!forms.length) return null;
  const body = tags(html, 'body')[0];
  const scripts = [...html.matchAll(/<script(?=[\s>])[^>]*>([\s\S]*?)<\/script\s*>/gi)].map((m) => m[1] ?? '');
  const code = [body?.onload ?? '', ...scripts].find((c) => /\.submit\s*\(\s*\)/.test(c));
  if (!code) return null;
  // document.forms['name'] / forms.name / getElementById('name'): that form; otherwise the first.
  const named = /forms\s*(?:\[\s*['"]([^'"]+)['"]\s*\]|\.([A-Za-z_]\w*))\s*\.submit|getElementById\s*\(\s*['"]([^'"]+)['"]\s*\)\s*\.submit/.exec(code);
  const name = named?.[1] ?? named?.[2] ?? named?.[3];
  return (name && forms.find((f) => f.name === name)) || forms[0]!;
}

/**
 * The first full `/owa` URL on another origin that a page names (a link, else its text): what RULES
 * calls "a 2xx page containing the full URL U". Relative links do not count (the rule says full).
 */
export function otherOwaUrl(page: HtmlPage, body: string, pageUrl: string): string | undefined {
  const here = new URL(pageUrl).origin;
  const text = body.replace(/<[^>]*>/g, ' ');
  const candidates = [...page.links, ...[...text.matchAll(/https?:\/\/[^\s"'<>]+/gi)].slice(0, 100).map((m) => m[0])];
  for (const raw of candidates) {
    if (!/^https?:\/\//i.test(raw)) continue;
    try {
      const u = new URL(raw);
      if (u.origin !== here && /^\/owa(\/|$)/i.test(u.pathname)) return raw;
    } catch {
      // not a URL after all: keep looking
    }
  }
  return undefined;
}
