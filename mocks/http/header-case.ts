/**
 * Header names as Exchange writes them. Fetch `Headers` lower-cases every name, so the listener
 * restores the wire casing on the way out: first the listener's own map, then this default map,
 * then Title-Case per dash segment (what IIS writes for the standard headers: `Content-Type`).
 * Clients must treat names case-insensitively (RFC 9110 5.1), but front doors that rewrite or
 * match headers by exact byte string exist, and the suite compares the two legs byte for byte.
 */

/**
 * Lower-case name -> Exchange casing, for names that Title-Case would get wrong.
 * Sources: PROTOCOL-FACTS.md (OWA, EAS, 2013 proxy headers) and the IIS/ASP.NET defaults.
 * @example
 * EXCHANGE_HEADER_CASE['x-owa-version']; // 'X-OWA-Version'
 */
export const EXCHANGE_HEADER_CASE: Readonly<Record<string, string>> = Object.freeze({
  // OWA (2007/2010) and the CAS-CAS proxy headers.
  'x-owa-version': 'X-OWA-Version',
  'x-owa-proxyuri': 'X-OWA-ProxyUri',
  'x-owa-proxyversion': 'X-OWA-ProxyVersion',
  'x-owa-proxysid': 'X-OWA-ProxySid',
  'x-owa-proxycanary': 'X-OWA-ProxyCanary',
  'x-owa-proxywebpart': 'X-OWA-ProxyWebPart',
  'x-owa-error': 'X-OWA-Error',
  'x-logontype': 'X-LogonType',
  'x-ua-compatible': 'X-UA-Compatible',
  // Exchange ActiveSync (MS-ASHTTP).
  'x-ms-location': 'X-MS-Location',
  'x-ms-policykey': 'X-MS-PolicyKey',
  'ms-server-activesync': 'MS-Server-ActiveSync',
  'ms-asprotocolversions': 'MS-ASProtocolVersions',
  'ms-asprotocolcommands': 'MS-ASProtocolCommands',
  'ms-asprotocolversion': 'MS-ASProtocolVersion',
  // 2013+ (the reference front door may add them; the mocks never do).
  'x-feserver': 'X-FEServer',
  'x-beserver': 'X-BEServer',
  'x-calculatedbetarget': 'X-CalculatedBETarget',
  'x-diaginfo': 'X-DiagInfo',
  // IIS / ASP.NET.
  'www-authenticate': 'WWW-Authenticate',
  'x-aspnet-version': 'X-AspNet-Version',
  'x-powered-by': 'X-Powered-By',
  'persistent-auth': 'Persistent-Auth',
  'content-md5': 'Content-MD5',
  etag: 'ETag',
  'x-ms-diagnostics': 'X-MS-Diagnostics',
});

const titleCache = new Map<string, string>();
const TITLE_CACHE_MAX = 1024;

/** `x-foo-bar` -> `X-Foo-Bar` (memoised; bounded so odd names from handlers cannot grow it forever). */
export function titleCase(name: string): string {
  let out = titleCache.get(name);
  if (out !== undefined) return out;
  out = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  if (titleCache.size >= TITLE_CACHE_MAX) titleCache.clear();
  titleCache.set(name, out);
  return out;
}

/**
 * A function giving the wire name of a lower-case header name: `overrides`, then
 * {@link EXCHANGE_HEADER_CASE}, then {@link titleCase}.
 * @example
 * const wire = headerNamer({ 'x-custom': 'x-CUSTOM' });
 * wire('ms-server-activesync'); // 'MS-Server-ActiveSync'
 */
export function headerNamer(overrides?: Record<string, string>): (lower: string) => string {
  const map = new Map<string, string>(Object.entries(EXCHANGE_HEADER_CASE));
  for (const [k, v] of Object.entries(overrides ?? {})) map.set(k.toLowerCase(), v);
  return (lower) => map.get(lower) ?? titleCase(lower);
}
