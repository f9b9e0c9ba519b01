/**
 * The request target (RFC 9112 3.2) placed on the listener's own origin. msw resolves relative
 * handler paths against `baseUrl`, port included (LIBRARIES.md), so the Fetch Request URL always
 * carries the listener's origin, whatever Host or absolute-form target the client sent.
 */

export interface Target {
  /** Absolute URL on the listener's origin. */
  href: string;
  /** Path as the URL parser normalised it (dot segments removed, percent-encoding kept). */
  path: string;
  /** Query without the leading `?`. */
  query: string;
}

/**
 * @example
 * parseTarget('/owa/?a=1', 'https://cas01.site1.contoso.lab:8443');
 * // { href: 'https://cas01.site1.contoso.lab:8443/owa/?a=1', path: '/owa/', query: 'a=1' }
 */
export function parseTarget(raw: string, origin: string): Target {
  let url: URL | null = null;
  try {
    if (raw.startsWith('/')) {
      // Origin-form. Concatenated, not resolved: `//x/y` is a path on IIS, not another authority.
      url = new URL(origin + raw);
    } else if (/^https?:\/\//i.test(raw)) {
      // Absolute-form (sent to proxies; IIS accepts it too): keep the path and query only.
      const abs = new URL(raw);
      url = new URL(origin + abs.pathname + abs.search);
    }
  } catch {
    url = null;
  }
  // Asterisk-form (`OPTIONS *`) and anything Node's parser let through that is not a URL:
  // matched as `/*`, which no vdir handler claims, so the answer is the 404 page.
  url ??= new URL(origin + '/*');
  return { href: url.href, path: url.pathname, query: url.search.slice(1) };
}
