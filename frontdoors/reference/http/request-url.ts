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

const URLS = new Map<string, URL>();

/**
 * The URL of `target` asked of `host` (`https://host` as the base). Throws as `new URL` does.
 * @example
 * parsedUrl('mail.contoso.lab', '/EWS/Exchange.asmx').pathname; // '/EWS/Exchange.asmx'
 */
export function parsedUrl(host: string, target: string): URL {
  // A space separates them: neither holds one (the Host is checked before, Node refuses one in a target).
  const key = host.length + target.length <= MAX_KEY ? `${host} ${target}` : null;
  let url = key === null ? undefined : URLS.get(key);
  if (url === undefined) {
    url = new URL(target, `https://${host}`);
    if (key !== null) {
      if (URLS.size >= MAX_URLS) URLS.clear();
      URLS.set(key, url);
    }
  }
  return url;
}

/** How many URLs are kept now (tests). */
export function keptUrls(): number {
  return URLS.size;
}
