/** Small helpers shared by the vdir handlers. */
import type { CasContext } from '../../cas/context.ts';

/** Headers every 2007/2010 IIS answer carries, and OWA's own (PROTOCOL-FACTS: X-OWA-Version, X-UA-Compatible). */
export function iisHeaders(extra: Record<string, string> = {}): Headers {
  return new Headers({ Server: 'Microsoft-IIS/7.5', 'X-Powered-By': 'ASP.NET', 'X-AspNet-Version': '2.0.50727', ...extra });
}

export function owaHeaders(ctx: CasContext, extra: Record<string, string> = {}): Headers {
  const h = iisHeaders(extra);
  h.set('X-OWA-Version', ctx.build.build);
  h.set('X-UA-Compatible', 'IE=EmulateIE7');
  h.set('Cache-Control', 'no-cache');
  return h;
}

/** Exchange encodes the `url=` parameter with lower-case hex escapes. */
export function exchangeEncode(s: string): string {
  return encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** The origin a client used to reach us (scheme + Host header). */
export function clientOrigin(scheme: string, host: string): string {
  return `${scheme}://${host}`;
}

export const HEALTH_PROBE_AGENT = 'HttpProxy.ClientAccessServer2010Ping';
