/**
 * A request's URL, parsed once per Host and target and then shared: clients ask for the same few
 * targets again and again (an EWS endpoint, an EAS command line per device), and the parse was the
 * largest single cost on a proxied request's path at one connection (7 us of about 15 before the hop;
 * bench/RESULTS.md, tenth session). The URLs handed out are only read, never changed (RequestInfo.url).
 * Bounded: at most MAX_URLS, the map cleared when full; a Host and target longer than MAX_KEY are parsed
 * each time and not kept.
 */

/** URLs kept at most. */
export const MAX_URLS = 1000;
/** Characters of Host and target together above which a URL is not kept. */
export const MAX_KEY = 512;

/** A request's target as the router reads it: the URL and the parts of it it asks for on every request. */
export interface RequestTarget {
  readonly url: URL;
  readonly pathname: string;
  readonly search: string;
  /** pathname and search: what the hop asks for. */
  readonly path: string;
}

const URLS = new Map<string, RequestTarget>();

/**
 * The URL of `target` asked of `host` (`https://host` as the base). Throws as `new URL` does.
 * @example
 * parsedUrl('mail.contoso.lab', '/EWS/Exchange.asmx').pathname; // '/EWS/Exchange.asmx'
 */
export function parsedUrl(host: string, target: string): URL {
  return requestTarget(host, target).url;
}

/**
 * parsedUrl with its pathname, search and path read once: URL's getters cut a new string from the href
 * on every call, and a proxied request asked for them four times (issue 14).
 */
export function requestTarget(host: string, target: string): RequestTarget {
  // A space separates them: neither holds one (the Host is checked before, Node refuses one in a target).
  const key = host.length + target.length <= MAX_KEY ? `${host} ${target}` : null;
  let t = key === null ? undefined : URLS.get(key);
  if (t === undefined) {
    const url = new URL(target, `https://${host}`);
    const pathname = url.pathname;
    const search = url.search;
    t = { url, pathname, search, path: pathname + search };
    if (key !== null) {
      if (URLS.size >= MAX_URLS) URLS.clear();
      URLS.set(key, t);
    }
  }
  return t;
}

/** How many URLs are kept now (tests). */
export function keptUrls(): number {
  return URLS.size;
}
