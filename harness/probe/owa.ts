/**
 * OWA as a browser first meets it, without signing in: `GET /owa/` (PROTOCOL-FACTS: 302 to
 * `/owa/auth/logon.aspx?url=<encoded url>&reason=0`, `X-OWA-Version`), the logon page it points
 * to (title, where the form posts, its fields) and the version-named resource folders the page
 * references (002: "the Internet-facing CAS must have the highest control directory"), each
 * resource checked with HEAD.
 */
import type { Dispatcher } from 'undici';
import { parsePage } from '../clients/owa-browser-html.ts';
import { step } from './http-step.ts';
import { originToken } from './redact.ts';
import type { HttpAnswer, OwaLogon } from './schema.ts';

/** A browser OWA 2007/2010 serves its premium pages to (the suite's OWA browser uses the same), marked as the probe. */
export const OWA_USER_AGENT = 'Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko cas-conformance-probe/1';
/** Versioned resources checked per probe (a real logon page references a dozen or more). */
export const MAX_RESOURCES = 6;

const VERSIONED = /^\/owa\/(\d+\.\d+\.\d+\.\d+)\/(.+)$/i;

/** The logon page to read: where the redirect points when it stays on the target, else the standard one. */
export function logonPath(location: string | undefined, origin: string): string {
  if (location) {
    try {
      const u = new URL(location, origin);
      if (u.origin === new URL(origin).origin) return u.pathname + u.search;
    } catch {
      // not a URL: fall back to the standard page
    }
  }
  return `/owa/auth/logon.aspx?url=${exchangeEncode(`${origin}/owa/`)}&reason=0`;
}

/** Exchange encodes the `url=` parameter with lower-case hex escapes (PROTOCOL-FACTS). */
function exchangeEncode(s: string): string {
  return encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** Read `/owa/` and its logon page. */
export async function probeOwa(d: Dispatcher, origin: string): Promise<{ root: HttpAnswer; logon: OwaLogon | null }> {
  const headers = { 'user-agent': OWA_USER_AGENT, accept: 'text/html, application/xhtml+xml, */*' };
  const first = await step(d, origin, { method: 'GET', path: '/owa/', headers });
  const root = first.answer;
  if (root.status === null) return { root, logon: null };
  const path = logonPath(first.rawHeaders.location?.[0], origin);
  const page = await step(d, origin, { method: 'GET', path, headers });
  const html = parsePage(page.body);
  const form = html.forms.find((f) => f.hasPassword) ?? null;
  const refs = html.references.map((r) => toPath(r, origin)).filter((p): p is string => p !== null);
  const versioned = refs.map((p) => VERSIONED.exec(p)).filter((m): m is RegExpExecArray => m !== null);
  const folders = [...new Set(versioned.map((m) => m[1]!))];
  const unique = [...new Map(versioned.map((m) => [m[0].toLowerCase(), m])).values()];
  const resources: { path: string; status: number | null }[] = [];
  for (const m of unique.slice(0, MAX_RESOURCES)) {
    const r = await step(d, origin, { method: 'HEAD', path: m[0], headers });
    resources.push({ path: `${m[1]}/${m[2]}`, status: r.answer.status });
  }
  return {
    root,
    logon: {
      answer: { ...page.answer, request: originToken(page.answer.request, origin) },
      title: page.answer.status === null ? null : html.title || null,
      formAction: form ? form.action : null,
      formFields: form ? [...new Set(form.fields.map((f) => f.name))] : [],
      resourceFolders: folders,
      resources,
      resourcesTotal: unique.length,
    },
  };
}

/** A reference as a path on the target, or null when it points elsewhere. */
function toPath(ref: string, origin: string): string | null {
  try {
    const u = new URL(ref, `${origin}/owa/auth/logon.aspx`);
    return u.origin === new URL(origin).origin ? u.pathname : null;
  } catch {
    return null;
  }
}
