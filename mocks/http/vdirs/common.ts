/** Small helpers shared by the vdir handlers. */
import type { CasContext } from '../../cas/context.ts';
import type { AuthMethod, UserSpec } from '../../../harness/topology/index.ts';
import { authenticate } from '../../cas/auth.ts';
import { discover, type Protocol } from '../../cas/discovery.ts';
import { requestContext, type RequestContext } from '../request-context.ts';

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

/**
 * The start every authenticated vdir shares: note the vdir, authenticate with the vdir's methods
 * (401 with the offers when that fails), note the user, then — unless `local` — service discovery,
 * whose answer (proxy, redirect, 451, refusal) wins. `admitted` means: serve it here.
 */
export async function admit(
  ctx: CasContext,
  request: Request,
  vdir: Protocol,
  methods: AuthMethod[],
  o: { local?: boolean } = {},
): Promise<{ admitted: true; rc: RequestContext; user: UserSpec } | { admitted: false; response: Response }> {
  const rc = requestContext(request);
  rc.note.vdir = vdir;
  const a = authenticate(ctx, request, rc, methods);
  rc.note.authScheme = a.scheme;
  if (!a.ok) {
    rc.note.decision = request.headers.get('user-agent') === HEALTH_PROBE_AGENT ? 'probe' : 'unauthenticated';
    return { admitted: false, response: a.response };
  }
  rc.note.user = a.user.samAccountName;
  if (!o.local) {
    const routed = await discover(ctx, vdir, a.user, request, rc);
    if (routed) return { admitted: false, response: routed };
  }
  rc.note.decision = 'served';
  return { admitted: true, rc, user: a.user };
}
