/**
 * /owa on the front door (001, Outlook Web App with Exchange 2013 in Site1). The front door signs the
 * user in on its own forms page, then per mailbox:
 * - 2010 in the local site, or in a site without OWA ExternalURL (Red, Blue): proxied to a CAS2010 of
 *   the mailbox's site by FQDN. The front door signs the user in to that legacy OWA itself (a POST to
 *   its forms path with the user's credentials) and relays its session cookies untouched (COOK-01);
 * - 2010 in another Internet-facing site (Orange): single sign-on silent redirect to that namespace;
 * - 2007 (Purple, Grey): single sign-on silent redirect to the legacy namespace.
 * Versioned resources `/owa/<build>/...` of a proxied page load through the front door (OWA-08).
 */
import type { RawHeaders } from '../wire/exchange.ts';
import { BadRequestError, HopError, NoTargetError } from '../errors.ts';
import { decide, hopTarget, pickServer, type HopTarget } from '../routing/http-routes.ts';
import type { DirServer } from '../../../harness/topology/directory-contract.ts';
import type { ClientCreds } from './client-auth.ts';
import { has, type FrontContext, type RequestInfo } from './context.ts';
import { readBody } from './body.ts';
import { sendText } from './front-types.ts';
import { clientHostHop } from './client-host-hop.ts';
import { parseCookieHeader, setCookieName } from './headers.ts';
import { logonPage, manualRedirectPage, silentRedirectPage } from './owa-pages.ts';
import { SESSION_COOKIE, type OwaSession } from './owa-sessions.ts';

const RESOURCE = /^\/owa\/(\d+\.\d+\.\d+\.\d+)\//i;
const enc = (s: string) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/** Forms path of a legacy OWA (PROTOCOL-FACTS: owaauth.dll on 2007, auth.owa on 2010). */
export const formsPath = (s: DirServer) => (s.product === 2007 ? '/owa/auth/owaauth.dll' : '/owa/auth.owa');

function html(r: RequestInfo, status: number, body: string, extra: string[] = []): void {
  const b = Buffer.from(body, 'utf8');
  r.res.writeHead(status, status === 200 ? 'OK' : 'Found', ['Content-Type', 'text/html; charset=utf-8', 'Content-Length', String(b.length), 'Cache-Control', 'no-cache, no-store', 'Pragma', 'no-cache', ...extra]);
  r.res.end(r.method === 'HEAD' ? undefined : b);
}

function redirect(r: RequestInfo, location: string, extra: string[] = []): void {
  r.res.writeHead(302, 'Found', ['Location', location, 'Content-Length', '0', 'Cache-Control', 'no-cache', ...extra]);
  r.res.end();
}

function logonUrl(r: RequestInfo, destination: string, reason: '0' | '2'): string {
  return `${r.clientOrigin}/owa/auth/logon.aspx?url=${enc(destination)}&reason=${reason}`;
}

export async function handleOwa(ctx: FrontContext, r: RequestInfo): Promise<void> {
  const p = r.requestTarget.pathname.toLowerCase();
  if (p === '/owa/auth/logon.aspx' && (r.method === 'GET' || r.method === 'HEAD')) {
    r.note.decision = 'logon-page';
    return html(r, 200, logonPage(r.requestTarget.url.searchParams.get('url') ?? `${r.clientOrigin}/owa/`, r.requestTarget.url.searchParams.get('reason') ?? '0'));
  }
  if (r.method === 'POST' && (p === '/owa/auth.owa' || p === '/owa/auth/owaauth.dll')) return formsLogon(ctx, r);
  if (p === '/owa/auth/logoff.aspx') return logoff(ctx, r);
  const session = ctx.sessions.get(sessionId(r));
  const folder = RESOURCE.exec(r.requestTarget.pathname)?.[1];
  if (folder) return resource(ctx, r, folder, session);
  if (!session) {
    r.note.decision = 'logon-redirect';
    if (r.method === 'GET' || r.method === 'HEAD') return redirect(r, logonUrl(r, `${r.clientOrigin}${r.requestTarget.path}`, '0'));
    return sendText(r.res, 440, 'Login Timeout: sign in again at /owa/.');
  }
  return proxyOwa(ctx, r, session, []);
}

function sessionId(r: RequestInfo): string | undefined {
  return parseCookieHeader(r.req.headers.cookie).find(([n]) => n === SESSION_COOKIE)?.[1];
}

/** The destination a client asked for, kept only when it is on the front door's own origin. */
function safeDestination(r: RequestInfo, asked: string | null): string {
  try {
    const u = new URL(asked ?? '', r.clientOrigin);
    if (u.origin === new URL(r.clientOrigin).origin && u.pathname.toLowerCase().startsWith('/owa')) return u.toString();
  } catch {
    // fall through: a malformed destination gets the default
  }
  return `${r.clientOrigin}/owa/`;
}

async function formsLogon(ctx: FrontContext, r: RequestInfo): Promise<void> {
  const form = new URLSearchParams((await readBody(r.req, ctx.settings.limits.maxOwnBodyBytes)).toString('utf8'));
  const destination = safeDestination(r, form.get('destination'));
  const login = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  r.note.user = login;
  // AUTH-01: the credentials are checked here; wrong ones never reach a legacy CAS.
  const user = login && password ? await ctx.directory.authenticate(login, password) : null;
  if (!user) {
    r.note.decision = 'logon-failed';
    return redirect(r, logonUrl(r, destination, '2'));
  }
  const creds: ClientCreds = { user, login, password, samAccountName: user.samAccountName, domain: ctx.netbiosDomain, scheme: 'Forms' };
  const view = await ctx.view();
  const d = decide(view, 'owa', user, { defects: ctx.settings.defects });
  r.note.why = d.why;
  if (d.kind === 'silent-redirect') return sendRedirectPage(ctx, r, d.server, d.url, creds);
  if (d.kind !== 'proxy') return sendText(r.res, d.kind === 'refuse' ? d.status : 503, d.why);
  const session = ctx.sessions.create(creds);
  const target = chooseTarget(ctx, r, d.pool, d.via, session);
  const set = await signIn(ctx, r, session, target);
  r.note.decision = 'logon';
  r.note.target = target.server.fqdn;
  // The legacy CAS's own Set-Cookie headers reach the client unchanged, each on its own (COOK-01).
  redirect(r, destination, ['Set-Cookie', `${SESSION_COOKIE}=${session.id}; path=/; secure; HttpOnly`, ...set.flatMap((c) => ['Set-Cookie', c])]);
}

function sendRedirectPage(ctx: FrontContext, r: RequestInfo, server: DirServer, url: string, creds: ClientCreds): void {
  const origin = new URL(url).origin;
  const destination = url.endsWith('/') ? url : `${url}/`;
  if (has(ctx, 'manual-redirect-owa')) {
    r.note.decision = 'manual-redirect';
    return html(r, 200, manualRedirectPage(url));
  }
  r.note.decision = 'silent-redirect';
  r.note.target = url;
  html(r, 200, silentRedirectPage({ action: origin + formsPath(server), destination, username: creds.login, password: creds.password, utf8: server.product === 2010 }));
}

function chooseTarget(ctx: FrontContext, r: RequestInfo, pool: DirServer[], via: 'fqdn' | 'internal-url', session: OwaSession): HopTarget {
  // Defect `affinity-by-address`: the client's address keys affinity instead of the user.
  const key = has(ctx, 'affinity-by-address') ? `address:${r.clientIp}` : session.creds.user.samAccountName;
  const server = pickServer(pool, 'owa', key, { isUp: (f, p) => ctx.health.isUp(f, p), affinity: ctx.affinity, ignoreOutOfService: has(ctx, 'ignore-out-of-service') });
  if (!server) throw new NoTargetError(`no Client Access server up for OWA in ${session.creds.user.site}`);
  return clientHostHop(ctx, r, hopTarget(server, 'owa', via, ctx.settings.defects));
}

/** Sign the user in to a legacy OWA (POST its forms path); its Set-Cookie values, for the client. */
async function signIn(ctx: FrontContext, r: RequestInfo, session: OwaSession, target: HopTarget): Promise<string[]> {
  const s = target.server;
  const form = new URLSearchParams({ destination: `${r.clientOrigin}/owa/`, flags: '4', forcedownlevel: '0', trusted: '4', username: session.creds.login, password: session.creds.password });
  if (s.product === 2010) form.set('isUtf8', '1');
  let ans;
  try {
    ans = await ctx.hop.request(target, 'POST', formsPath(s), ['content-type', 'application/x-www-form-urlencoded', 'user-agent', String(r.req.headers['user-agent'] ?? 'Mozilla/5.0'), 'x-forwarded-for', r.clientIp], form.toString(), ctx.hopTimeoutMs);
  } catch (err) {
    throw new HopError(`sign-in to ${s.fqdn} failed: ${(err as Error).message}`, { cause: err });
  }
  const location = String(ans.headers.location ?? '');
  if (ans.status !== 302 || /[?&]reason=2/.test(location)) throw new HopError(`${s.fqdn} refused the OWA sign-in (status ${ans.status})`);
  const set = ([] as string[]).concat(ans.headers['set-cookie'] ?? []);
  const pairs: [string, string][] = set.map((c) => {
    const pair = c.split(';', 1)[0]!;
    return [setCookieName(c), pair.slice(pair.indexOf('=') + 1)];
  });
  session.targetCookies.set(s.fqdn, pairs);
  for (const [n] of pairs) session.cookieOwner.set(n, s.fqdn);
  session.target = s.fqdn;
  return set;
}

/**
 * The Cookie header for a hop to `fqdn`: never the front door's own, never one another CAS set (the
 * defects `leak-ru1-cookie` and `forward-foreign-cookies`, one behaviour under two names, send those
 * too: a newer user-context cookie then reaches an older CAS).
 */
function cookieFor(ctx: FrontContext, r: RequestInfo, session: OwaSession | undefined, fqdn: string, fresh: boolean): string | null {
  const leak = has(ctx, 'leak-ru1-cookie') || has(ctx, 'forward-foreign-cookies');
  const pairs = parseCookieHeader(r.req.headers.cookie).filter(([n]) => n !== SESSION_COOKIE && (leak || !session?.cookieOwner.has(n) || session.cookieOwner.get(n) === fqdn));
  const own = session?.targetCookies.get(fqdn) ?? [];
  const out = new Map<string, string>(pairs);
  for (const [n, v] of own) if (fresh || !out.has(n)) out.set(n, v);
  return out.size ? [...out].map(([n, v]) => `${n}=${v}`).join('; ') : null;
}

async function proxyOwa(ctx: FrontContext, r: RequestInfo, session: OwaSession, extra: string[], retried = false): Promise<void> {
  const user = session.creds.user;
  const d = decide(await ctx.view(), 'owa', user, { defects: ctx.settings.defects });
  if (d.kind === 'silent-redirect') return sendRedirectPage(ctx, r, d.server, d.url, session.creds);
  if (d.kind !== 'proxy') return sendText(r.res, d.kind === 'refuse' ? d.status : 503, d.why);
  const target = chooseTarget(ctx, r, d.pool, d.via, session);
  let set = extra;
  let fresh = extra.length > 0;
  if (session.target !== target.server.fqdn) {
    // Affinity moved (failover, 003 "If CAS-01 is unavailable, the user will be proxied to CAS-02"): sign in there first.
    set = [...set, ...(await signIn(ctx, r, session, target)).flatMap((c) => ['Set-Cookie', c])];
    fresh = true;
  }
  r.note.decision = 'proxied';
  r.note.target = target.server.fqdn;
  const bodiless = r.method === 'GET' || r.method === 'HEAD';
  const result = await ctx.hop.forward({
    target, protocol: 'owa', auth: 'none', req: r.req, res: r.res, method: r.method, path: r.requestTarget.path,
    body: bodiless ? null : r.req, cookie: cookieFor(ctx, r, session, target.server.fqdn, fresh), clientIp: r.clientIp, clientOrigin: r.clientOrigin,
    extraHeaders: set, headersTimeoutMs: ctx.hopTimeoutMs, cookieRewriteDomain: has(ctx, 'cookie-rewrite') ? `.${domainOf(target.server.fqdn)}` : undefined,
    onHead: (_s, raw) => noteCookies(session, target.server.fqdn, raw),
    // The legacy session is gone (the CAS restarted or forgot it): sign in again once and repeat.
    intercept: (status, raw) => bodiless && !retried && status === 302 && /\/owa\/auth\/logon\.aspx/i.test(headerOf(raw, 'location') ?? ''),
  });
  r.note.hopAuth = result.hopAuth;
  if (result.intercepted) {
    session.target = undefined;
    return proxyOwa(ctx, r, session, [], true);
  }
}

function noteCookies(session: OwaSession, fqdn: string, raw: RawHeaders): void {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toString('latin1').toLowerCase() === 'set-cookie') session.cookieOwner.set(setCookieName(raw[i + 1]!.toString('latin1')), fqdn);
}

function headerOf(raw: RawHeaders, name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toString('latin1').toLowerCase() === name) return raw[i + 1]!.toString('latin1');
  return undefined;
}

const domainOf = (fqdn: string) => fqdn.split('.').slice(-2).join('.');

/** `/owa/<folder>/...`: with a session, from the user's CAS; without, from a CAS holding that build's folder. */
async function resource(ctx: FrontContext, r: RequestInfo, folder: string, session: OwaSession | undefined): Promise<void> {
  r.note.decision = 'resource';
  if (has(ctx, 'drop-resources')) return sendText(r.res, 404, 'The resource cannot be found.');
  if (r.method !== 'GET' && r.method !== 'HEAD') throw new BadRequestError('resources are read with GET', 405);
  if (session) return proxyOwa(ctx, r, session, []);
  const view = await ctx.view();
  const prefix = folder.split('.').slice(0, 3).join('.');
  const candidates = view.servers
    .filter((s) => s.buildNumber.split('.').slice(0, 3).join('.') === prefix && !s.isOutOfService && ctx.health.isUp(s.fqdn, 'owa'))
    .sort((a, b) => Number(b.site === view.frontDoorSite) - Number(a.site === view.frontDoorSite));
  const server = candidates[0];
  if (!server) return sendText(r.res, 404, 'The resource cannot be found.');
  const target = hopTarget(server, 'owa', 'fqdn', ctx.settings.defects);
  r.note.target = server.fqdn;
  await ctx.hop.forward({
    target, protocol: 'owa', auth: 'none', req: r.req, res: r.res, method: r.method, path: r.requestTarget.path, body: null,
    cookie: null, clientIp: r.clientIp, clientOrigin: r.clientOrigin, headersTimeoutMs: ctx.hopTimeoutMs,
  });
}

function logoff(ctx: FrontContext, r: RequestInfo): void {
  const id = sessionId(r);
  if (id) ctx.sessions.delete(id);
  r.note.decision = 'logoff';
  redirect(r, logonUrl(r, `${r.clientOrigin}/owa/`, '0'), ['Set-Cookie', `${SESSION_COOKIE}=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path=/; secure; HttpOnly`]);
}
