/**
 * The OWA browser's cookie jar, as RFC 6265 section 5 has a user agent keep one: host-only cookies
 * go back only to the host that set them, a `Domain` cookie to that domain and its subdomains (and
 * only if the setting host is inside it), `Path` scopes by path prefix, `Max-Age` wins over
 * `Expires`, `Secure` cookies travel over https only. Ports do not separate cookies (RFC 6265 8.5).
 * There is no public-suffix list: the lab has none, and a `Domain` equal to a bare TLD is refused.
 */
import { isIP } from 'node:net';

export interface StoredCookie {
  name: string;
  value: string;
  /** Lower-case host (host-only) or domain (without a leading dot). */
  domain: string;
  hostOnly: boolean;
  path: string;
  /** Epoch ms; undefined = a session cookie. */
  expires?: number;
  secure: boolean;
  httpOnly: boolean;
  created: number;
}

/** Bounds (RFC 6265 6.1 asks for at least 50 per domain and 3000 in all; 4096 bytes each). */
const MAX_COOKIES = 3000;
const MAX_PER_DOMAIN = 50;
const MAX_COOKIE_BYTES = 4096;

/** RFC 6265 5.1.3: is `host` inside `domain`? */
export function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return !isIP(host) && host.endsWith(`.${domain}`);
}

/** RFC 6265 5.1.4: the default path of a request URI. */
function defaultPath(u: URL): string {
  const p = u.pathname;
  if (!p.startsWith('/') || p.lastIndexOf('/') === 0) return '/';
  return p.slice(0, p.lastIndexOf('/'));
}

/** RFC 6265 5.1.4: does the request path fall under the cookie path? */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * A cookie jar keyed by (name, domain, path), bounded in count and size.
 * @example
 * const jar = new CookieJar();
 * jar.setFromHeader('https://a.contoso.lab/owa/auth.owa', 'sessionid=1; path=/');
 * jar.cookieHeader('https://a.contoso.lab/owa/'); // 'sessionid=1'
 * jar.cookieHeader('https://b.contoso.lab/owa/'); // '' (host-only)
 */
export class CookieJar {
  #cookies: StoredCookie[] = [];

  /** Store one Set-Cookie line received from `url`; returns false when the cookie is ignored. */
  setFromHeader(url: string, line: string, now = Date.now()): boolean {
    const u = new URL(url);
    const host = u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (line.length > MAX_COOKIE_BYTES) return false;
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq < 1) return false; // RFC 6265 5.2: no '=' or an empty name: ignore
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!name) return false;
    let domainAttr = '';
    let path: string | undefined;
    let maxAge: number | undefined;
    let expires: number | undefined;
    let secure = false;
    let httpOnly = false;
    for (const a of attrs) {
      const i = a.indexOf('=');
      const key = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
      const val = i < 0 ? '' : a.slice(i + 1).trim();
      if (key === 'domain' && val) domainAttr = val.replace(/^\./, '').toLowerCase();
      else if (key === 'path') path = val.startsWith('/') ? val : undefined;
      else if (key === 'max-age' && /^-?\d+$/.test(val)) maxAge = Number(val);
      else if (key === 'expires') {
        const t = Date.parse(val.replace(/-/g, ' '));
        if (!Number.isNaN(t)) expires = t;
      } else if (key === 'secure') secure = true;
      else if (key === 'httponly') httpOnly = true;
    }
    let hostOnly = true;
    let domain = host;
    if (domainAttr) {
      // 5.3 step 6: the setting host must be inside the Domain, else the whole cookie is ignored.
      if (!domainMatch(host, domainAttr) || !domainAttr.includes('.')) return false;
      hostOnly = false;
      domain = domainAttr;
    }
    // 5.3 step 3: Max-Age has precedence over Expires.
    const expiry = maxAge !== undefined ? now + maxAge * 1000 : expires;
    const cookie: StoredCookie = { name, value, domain, hostOnly, path: path ?? defaultPath(u), secure, httpOnly, created: now, ...(expiry !== undefined ? { expires: expiry } : {}) };
    if (secure && u.protocol !== 'https:') return false; // RFC 6265bis: only a secure origin sets Secure
    const i = this.#cookies.findIndex((c) => c.name === name && c.domain === domain && c.path === cookie.path);
    if (i >= 0) {
      cookie.created = this.#cookies[i]!.created; // 5.3 step 11.3: keep the old creation time
      this.#cookies.splice(i, 1);
    }
    if (expiry !== undefined && expiry <= now) return true; // an expiry in the past deletes
    this.#cookies.push(cookie);
    this.#evict(domain, now);
    return true;
  }

  /** The Cookie header for a request to `url` (empty string when no cookie applies). */
  cookieHeader(url: string, now = Date.now()): string {
    return this.cookiesFor(url, now).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** The cookies a request to `url` carries, in RFC 6265 5.4 order (longer paths first, then older). */
  cookiesFor(url: string, now = Date.now()): StoredCookie[] {
    const u = new URL(url);
    const host = u.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.#cookies
      .filter((c) => (c.hostOnly ? c.domain === host : domainMatch(host, c.domain)))
      .filter((c) => pathMatch(u.pathname || '/', c.path))
      .filter((c) => !c.secure || u.protocol === 'https:')
      .sort((a, b) => b.path.length - a.path.length || a.created - b.created);
  }

  /** Every live cookie (for evidence: which host holds what). */
  all(now = Date.now()): StoredCookie[] {
    return this.#cookies.filter((c) => c.expires === undefined || c.expires > now).map((c) => ({ ...c }));
  }

  clear(): void {
    this.#cookies = [];
  }

  #evict(domain: string, now: number): void {
    this.#cookies = this.#cookies.filter((c) => c.expires === undefined || c.expires > now);
    const same = this.#cookies.filter((c) => c.domain === domain);
    if (same.length > MAX_PER_DOMAIN) this.#cookies.splice(this.#cookies.indexOf(same[0]!), 1);
    if (this.#cookies.length > MAX_COOKIES) this.#cookies.splice(0, this.#cookies.length - MAX_COOKIES);
  }
}
