/**
 * Header handling on the hop. Hop-by-hop headers (RFC 9110 7.6.1: Connection and the fields it names,
 * Keep-Alive, Proxy-*, TE, Trailer, Transfer-Encoding, Upgrade) never cross the front door (RULES.md
 * SEC-01); the client's Authorization never reaches a legacy CAS (the front door authenticates the hop
 * itself); X-Forwarded-For is appended. Responses keep every Set-Cookie as its own header, unchanged
 * (RULES.md COOK-01); a Location pointing at the target's own origin is turned back into the front
 * door's, so the client stays on the front door's namespace.
 */
import { isName } from '../wire/grammar.ts';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  // Expect is the hop's own business (an interim 100 is never relayed); Host is set to the target's name;
  // HTTP/2 settings never belong on HTTP/1.1.
  'expect', 'host', 'http2-settings',
]);

/**
 * What the hop cannot carry even when told to keep hop-by-hop headers (defect `keep-hop-headers`): the
 * hop's client frames each request itself (Transfer-Encoding, Content-Length from the body) and owns the
 * connection (Connection, Keep-Alive, Upgrade, Expect); Host is the target's.
 */
const UNSENDABLE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host', 'http2-settings']);

/**
 * The lower-case field names a Connection header lists (RFC 9110 7.6.1); null when there is none, or when
 * it names only `keep-alive` or `close` (both hop-by-hop already: the usual value, no Set per message).
 */
function connectionTokens(value: string | undefined): Set<string> | null {
  if (value === undefined) return null;
  if (value.length <= 10 && (isName(value, 'keep-alive') || isName(value, 'close'))) return null;
  const out = new Set<string>();
  for (const t of value.split(',')) {
    const n = t.trim().toLowerCase();
    if (n) out.add(n);
  }
  return out;
}

export interface HopRequestHeaderOptions {
  /** Host header (and TLS SNI) of the hop: the target's FQDN (001, TLS-06). */
  host: string;
  /** Authorization for the hop (NTLM/Basic), or null for none. */
  authorization: string | null;
  /** The Cookie header to send (already filtered), or null to send none. */
  cookie: string | null;
  clientIp: string;
  /** Forward the client's Authorization untouched (defect `no-auth` only). */
  passAuthorization?: boolean;
  /** Drop the body framing headers (a bodiless NTLM NEGOTIATE request). */
  noBody?: boolean;
  /**
   * Defect `keep-hop-headers` (SEC-01 broken on purpose): forward hop-by-hop and Connection-named
   * headers (all but UNSENDABLE) and replace the client's X-Forwarded-For instead of appending to it.
   */
  keepHopByHop?: boolean;
}

/** The request headers for the hop, as a flat name/value array (the wire agent and undici both take it). */
export function hopRequestHeaders(rawHeaders: readonly string[], o: HopRequestHeaderOptions): string[] {
  // One pass for what decides the others (the Connection list, a Transfer-Encoding), by length first:
  // this runs once per proxied request.
  let connection: string | undefined;
  let chunkedIn = false;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (connection === undefined && isName(name, 'connection')) connection = rawHeaders[i + 1];
    else if (isName(name, 'transfer-encoding')) chunkedIn = true;
  }
  const named = o.keepHopByHop ? null : connectionTokens(connection);
  const skip = o.keepHopByHop ? UNSENDABLE : HOP_BY_HOP;
  // RFC 9112 6.1: "A sender MUST NOT send a Content-Length header field in any message that contains a
  // Transfer-Encoding header field." Node refuses such a request before it gets here, except under the
  // defect `lenient-framing`, where the body Node hands over is the Transfer-Encoding's.
  const out: string[] = ['host', o.host];
  let xff: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const lower = name.toLowerCase();
    const value = rawHeaders[i + 1] ?? '';
    if (skip.has(lower) || (named !== null && named.has(lower))) continue;
    if (lower === 'authorization' && !o.passAuthorization) continue;
    if (lower === 'cookie') continue;
    if (lower === 'x-forwarded-for') {
      xff = xff ? `${xff}, ${value}` : value;
      continue;
    }
    if (lower === 'content-length' && chunkedIn) continue;
    if (o.noBody && (lower === 'content-length' || lower === 'content-type')) continue;
    out.push(name, value);
  }
  out.push('X-Forwarded-For', xff && !o.keepHopByHop ? `${xff}, ${o.clientIp}` : o.clientIp);
  if (o.authorization) out.push('Authorization', o.authorization);
  if (o.cookie) out.push('Cookie', o.cookie);
  return out;
}

export interface ClientResponseHeaderOptions {
  /** The target origin as the hop used it (`https://cas2010.site1.contoso.lab:20443`). */
  targetOrigin: string;
  /** The origin the client used (`https://mail.contoso.lab:443`). */
  clientOrigin: string;
  /** X-CalculatedBETarget (a 2013 header, PROTOCOL-FACTS: the reference may add it). */
  backend: string;
  /** Defect `cookie-rewrite`: merge the Set-Cookie headers and widen their Domain. */
  cookieRewriteDomain?: string;
}

/** The response headers for the client, from the hop's raw header list (strings from the wire agent, Buffers from undici). */
export function clientResponseHeaders(raw: readonly (Buffer | string)[], o: ClientResponseHeaderOptions): string[] {
  // Names and values as latin1 strings, converted once, in place of a list of pairs per response.
  const flat: string[] = new Array<string>(raw.length - (raw.length % 2));
  let connection: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (flat[i] = raw[i]!.toString('latin1'));
    const value = (flat[i + 1] = raw[i + 1]!.toString('latin1'));
    if (connection === undefined && isName(name, 'connection')) connection = value;
  }
  const named = connectionTokens(connection);
  const out: string[] = [];
  let cookies: string[] | undefined;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!;
    const value = flat[i + 1]!;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || (named !== null && named.has(lower))) continue;
    if (lower === 'location') {
      out.push(name, rewriteLocation(value, o.targetOrigin, o.clientOrigin));
      continue;
    }
    if (lower === 'set-cookie' && o.cookieRewriteDomain) {
      (cookies ??= []).push(`${value.replace(/;\s*domain=[^;]*/i, '')}; Domain=${o.cookieRewriteDomain}`);
      continue;
    }
    out.push(name, value);
  }
  if (cookies) out.push('Set-Cookie', cookies.join(', '));
  out.push('X-CalculatedBETarget', o.backend, 'X-FEServer', 'CAS2013');
  return out;
}

/** `https://cas...:port/owa/x` -> `https://mail.../owa/x`; anything else unchanged. */
export function rewriteLocation(value: string, targetOrigin: string, clientOrigin: string): string {
  const t = targetOrigin.toLowerCase();
  const v = value.toLowerCase();
  if (v === t || v.startsWith(`${t}/`) || v.startsWith(`${t}?`)) return clientOrigin + value.slice(targetOrigin.length);
  // The same origin written without the default port.
  const noPort = t.replace(/:443$/, '');
  if (noPort !== t && (v === noPort || v.startsWith(`${noPort}/`))) return clientOrigin + value.slice(noPort.length);
  return value;
}

/** Cookie pairs of a Cookie header, in order (name, value). */
export function parseCookieHeader(header: string | undefined): [string, string][] {
  if (!header) return [];
  const out: [string, string][] = [];
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    out.push([part.slice(0, i).trim(), part.slice(i + 1).trim()]);
  }
  return out;
}

/** The cookie name of a Set-Cookie value. */
export function setCookieName(value: string): string {
  const pair = value.split(';', 1)[0] ?? '';
  const i = pair.indexOf('=');
  return (i < 0 ? pair : pair.slice(0, i)).trim();
}
