/**
 * The OWA browser's cookie jar: tough-cookie's RFC 6265 jar (host-only and Domain cookies, Path
 * scoping, Max-Age over Expires, Secure over https only, public suffixes refused; ports do not
 * separate cookies, RFC 6265 8.5), wrapped in the small synchronous API the OWA browser and the COOK
 * rules use, with the bounds RFC 6265 6.1 allows a user agent (50 per domain, 3000 in all, 4096 bytes
 * each) so a hostile server cannot grow it.
 *
 * No rule needs raw behaviour the jar hides: what a server *sets* is judged from the wire (the
 * transcript and the mocks' journal record every Set-Cookie as sent); the jar only plays the browser
 * that sends cookies back, which is exactly what RFC 6265 specifies and tough-cookie implements.
 */
import { isIP } from 'node:net';
import { Cookie, CookieJar as ToughJar } from 'tough-cookie';

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

/** RFC 6265 5.1.4: does the request path fall under the cookie path? */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/**
 * RFC 6265 5.3 step 3: Max-Age counts from when the cookie was set (tough-cookie's expiryTime(now)
 * counts it from `now`, i.e. "if it were set now"), then Expires; undefined = a session cookie.
 */
function expiryOf(c: Cookie): number | undefined {
  if (typeof c.maxAge === 'number') return c.maxAge <= 0 ? -Infinity : (c.creation instanceof Date ? c.creation.getTime() : Date.now()) + c.maxAge * 1000;
  if (c.maxAge === 'Infinity' || c.expires === 'Infinity' || !c.expires) return undefined;
  return c.expires.getTime();
}

function stored(c: Cookie, now: number): StoredCookie {
  const expiry = expiryOf(c);
  return {
    name: c.key, value: c.value, domain: (c.domain ?? '').toLowerCase(), hostOnly: c.hostOnly ?? false, path: c.path ?? '/',
    secure: c.secure, httpOnly: c.httpOnly, created: c.creation instanceof Date ? c.creation.getTime() : now,
    ...(expiry !== undefined ? { expires: expiry } : {}),
  };
}

/**
 * A cookie jar for one browser, bounded in count and size.
 * @example
 * const jar = new CookieJar();
 * jar.setFromHeader('https://a.contoso.lab/owa/auth.owa', 'sessionid=1; path=/');
 * jar.cookieHeader('https://a.contoso.lab/owa/'); // 'sessionid=1'
 * jar.cookieHeader('https://b.contoso.lab/owa/'); // '' (host-only)
 */
export class CookieJar {
  #jar = new ToughJar(undefined, { rejectPublicSuffixes: true, looseMode: false });

  /** Store one Set-Cookie line received from `url`; returns false when the cookie is ignored. */
  setFromHeader(url: string, line: string, now = Date.now()): boolean {
    if (line.length > MAX_COOKIE_BYTES) return false;
    try {
      // ignoreError: false: a cookie the jar refuses (bad Domain, Secure from http...) throws, and is ignored here.
      const c = this.#jar.setCookieSync(line, url, { now: new Date(now), ignoreError: false });
      if (!c) return false;
    } catch {
      return false;
    }
    this.#evict(now);
    return true;
  }

  /** The Cookie header for a request to `url` (empty string when no cookie applies). */
  cookieHeader(url: string, now = Date.now()): string {
    return this.cookiesFor(url, now).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** The cookies a request to `url` carries, in RFC 6265 5.4 order (longer paths first, then older). */
  cookiesFor(url: string, now = Date.now()): StoredCookie[] {
    // Expiry is judged against `now` here (tough-cookie's own check reads the wall clock).
    return this.#jar
      .getCookiesSync(url, { expire: false, allPaths: false, sort: true })
      .map((c) => stored(c, now))
      .filter((c) => c.expires === undefined || c.expires > now);
  }

  /** Every live cookie (for evidence: which host holds what). */
  all(now = Date.now()): StoredCookie[] {
    return this.#live(now).map((c) => stored(c, now));
  }

  clear(): void {
    this.#jar.removeAllCookiesSync();
  }

  /** Live cookies in creation order (expired ones removed from the store). */
  #live(now: number): Cookie[] {
    const out: Cookie[] = [];
    for (const c of this.#jar.serializeSync()?.cookies ?? []) {
      const cookie = Cookie.fromJSON(c);
      if (!cookie) continue;
      const expiry = expiryOf(cookie);
      if (expiry !== undefined && expiry <= now) continue;
      out.push(cookie);
    }
    return out.sort((a, b) => (a.creation instanceof Date ? a.creation.getTime() : 0) - (b.creation instanceof Date ? b.creation.getTime() : 0));
  }

  /** Oldest first out: past MAX_PER_DOMAIN for one domain, past MAX_COOKIES in all. */
  #evict(now: number): void {
    const live = this.#live(now);
    if (live.length <= MAX_PER_DOMAIN) return;
    const byDomain = new Map<string, Cookie[]>();
    for (const c of live) byDomain.set(c.domain ?? '', [...(byDomain.get(c.domain ?? '') ?? []), c]);
    const drop = new Set<Cookie>();
    for (const list of byDomain.values()) for (const c of list.slice(0, Math.max(0, list.length - MAX_PER_DOMAIN))) drop.add(c);
    const rest = live.filter((c) => !drop.has(c));
    for (const c of rest.slice(0, Math.max(0, rest.length - MAX_COOKIES))) drop.add(c);
    if (!drop.size) return;
    const keep = live.filter((c) => !drop.has(c));
    this.#jar.removeAllCookiesSync();
    for (const c of keep) this.#jar.store.putCookie(c, () => {});
  }
}
