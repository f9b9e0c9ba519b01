/**
 * /owa — Outlook Web Access (2007) / Outlook Web App (2010), forms-based authentication.
 *
 * - `GET /owa/` without a session: 302 to `/owa/auth/logon.aspx?url=<encoded>&reason=0` (PROTOCOL-FACTS).
 * - `GET /owa/auth/logon.aspx`: the build's logon page.
 * - `POST /owa/auth/owaauth.dll` (2007) or `/owa/auth.owa` (2010): good credentials set `sessionid` and
 *   `cadata` and redirect to `destination`; bad ones redirect to the logon page with `reason=2`.
 * - `GET /owa/` with a session: service discovery, then the mailbox page with the build's UserContext cookie.
 * - `GET /owa/<folder>/…`: versioned resources, for the folders this OWA holds (002).
 * Every answer carries `X-OWA-Version` and `X-UA-Compatible`.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { parseCookies, userContextValue } from '../../cas/sessions.ts';
import { discover } from '../../cas/discovery.ts';
import { owaSilentTarget, silentRedirect } from '../../cas/legacy/router.ts';
import { authenticate } from '../../cas/auth.ts';
import { requestContext } from '../request-context.ts';
import { staticResponse } from '../static.ts';
import { bufferedResponse } from '../answer.ts';
import { logonPage, mailboxPage, resourceBody } from './owa-pages.ts';
import { clientOrigin, exchangeEncode, HEALTH_PROBE_AGENT, owaHeaders } from './common.ts';

const BUILD_FOLDER = /^\d+\.\d+\.\d+\.\d+$/;

function logonRedirect(ctx: CasContext, req: Request, reason: '0' | '2', destination?: string): Response {
  const rc = requestContext(req);
  const origin = clientOrigin(rc.scheme, rc.host);
  const dest = destination ?? `${origin}/owa/`;
  const h = owaHeaders(ctx, { Location: `${origin}/owa/auth/logon.aspx?url=${exchangeEncode(dest)}&reason=${reason}`, 'Content-Type': 'text/html; charset=utf-8' });
  return bufferedResponse(Buffer.from(`<html><head><title>Object moved</title></head><body><h2>Object moved to <a href="${h.get('Location')}">here</a>.</h2></body></html>\r\n`), { status: 302, headers: h });
}

/** The mailbox, once signed in (by forms session, or by Basic/NTLM when the vdir allows it). */
async function mailbox(ctx: CasContext, req: Request): Promise<Response> {
  const rc = requestContext(req);
  rc.note.vdir = 'owa';
  const session = ctx.sessions.find(parseCookies(req.headers.get('cookie')));
  let user = session ? ctx.findUser(session.user) : undefined;
  const methods = ctx.server.vdirs.owa.auth;
  const fba = methods.includes('fba');
  // Without forms, or when a CAS-CAS hop brings Integrated credentials (003: "the virtual directories must use
  // Integrated Windows authentication"), IIS authenticates the request itself.
  if (!user && (!fba || req.headers.has('authorization') || ctx.ntlm.userOf(rc.socket))) {
    const a = authenticate(ctx, req, rc, methods.filter((m) => m !== 'fba'));
    rc.note.authScheme = a.scheme;
    if (!a.ok && (!fba || req.headers.has('authorization'))) {
      rc.note.decision = 'unauthenticated';
      return a.response;
    }
    if (a.ok) user = a.user;
  }
  if (!user) {
    rc.note.decision = req.headers.get('user-agent') === HEALTH_PROBE_AGENT ? 'probe' : 'logon-redirect';
    return logonRedirect(ctx, req, '0');
  }
  rc.note.user = user.samAccountName;
  const routed = await discover(ctx, 'owa', user, req, rc);
  if (routed) return routed;
  rc.note.decision = 'served';
  const h = owaHeaders(ctx, { 'Content-Type': 'text/html; charset=utf-8' });
  h.append('Set-Cookie', `UserContext=${userContextValue(ctx.build.owa.userContextForm)}; path=/`);
  return new HttpResponse(mailboxPage(ctx.build, user, ctx.server.fqdn), { status: 200, headers: h });
}

async function formsLogon(ctx: CasContext, req: Request): Promise<Response> {
  const rc = requestContext(req);
  rc.note.vdir = 'owa';
  const text = await req.text();
  const form = new URLSearchParams(text);
  rc.note.formFields = [...new Set(form.keys())];
  const destination = form.get('destination') || `${clientOrigin(rc.scheme, rc.host)}/owa/`;
  const user = ctx.checkPassword(form.get('username') ?? '', form.get('password') ?? '');
  if (!user) {
    rc.note.decision = 'logon-failed';
    return logonRedirect(ctx, req, '2', destination);
  }
  const s = ctx.sessions.create(user.samAccountName);
  rc.note.user = user.samAccountName;
  const silentUrl = owaSilentTarget(ctx, user);
  if (silentUrl) {
    // 001's single sign-on silent redirect, answered to the sign-in itself: the only request that carries
    // the password, so the form may post what the user just typed (and nothing from the directory).
    const page = silentRedirect(ctx, rc, user, silentUrl, { username: form.get('username') ?? '', password: form.get('password') ?? '' });
    const h = new Headers(page.headers);
    h.append('Set-Cookie', `sessionid=${s.id}; path=/`);
    h.append('Set-Cookie', `cadata=${s.cadata}; path=/; HttpOnly`);
    return new HttpResponse(page.body, { status: page.status, headers: h });
  }
  rc.note.decision = 'logon';
  const h = owaHeaders(ctx, { Location: destination, 'Content-Type': 'text/html; charset=utf-8' });
  h.append('Set-Cookie', `sessionid=${s.id}; path=/`);
  h.append('Set-Cookie', `cadata=${s.cadata}; path=/; HttpOnly`);
  return new HttpResponse(`<html><body>Object moved to <a href="${destination}">here</a>.</body></html>\r\n`, { status: 302, headers: h });
}

/** OWA handlers of one mock CAS. */
export function owaHandlers(ctx: CasContext): HttpHandler[] {
  const post = (r: { request: Request }) => formsLogon(ctx, r.request);
  return [
    http.get(ctx.path('/owa/auth/logon.aspx'), ({ request }) => {
      const rc = requestContext(request);
      rc.note.vdir = 'owa';
      rc.note.decision = 'logon-page';
      const u = new URL(request.url);
      const dest = u.searchParams.get('url') ?? `${clientOrigin(rc.scheme, rc.host)}/owa/`;
      return new HttpResponse(logonPage(ctx.build, dest, u.searchParams.get('reason') ?? '0'), { status: 200, headers: owaHeaders(ctx, { 'Content-Type': 'text/html; charset=utf-8' }) });
    }),
    http.post(ctx.path(ctx.build.owa.formsPostPath), post),
    http.get(ctx.path('/owa/auth/logoff.aspx'), ({ request }) => {
      const rc = requestContext(request);
      rc.note.vdir = 'owa';
      rc.note.decision = 'logoff';
      const s = ctx.sessions.find(parseCookies(request.headers.get('cookie')));
      if (s) ctx.sessions.delete(s.id);
      const h = owaHeaders(ctx, { Location: `${clientOrigin(rc.scheme, rc.host)}/owa/auth/logon.aspx?url=${exchangeEncode(`${clientOrigin(rc.scheme, rc.host)}/owa/`)}&reason=0` });
      h.append('Set-Cookie', 'sessionid=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path=/');
      h.append('Set-Cookie', 'cadata=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path=/');
      return new HttpResponse(null, { status: 302, headers: h });
    }),
    staticResponse(
      http.get(ctx.path('/owa/:folder/*'), ({ request, params }) => {
        const folder = String(params.folder);
        if (!BUILD_FOLDER.test(folder)) return undefined; // not a versioned folder: fall through
        const rc = requestContext(request);
        rc.note.vdir = 'owa';
        const file = new URL(request.url).pathname.split('/').slice(3).join('/');
        if (!ctx.resourceFolders().has(folder)) {
          rc.note.decision = 'resource-missing';
          return new HttpResponse('The resource cannot be found.\r\n', { status: 404, headers: owaHeaders(ctx, { 'Content-Type': 'text/html' }) });
        }
        rc.note.decision = 'resource';
        const { body, type } = resourceBody(folder, file);
        return new HttpResponse(body, { status: 200, headers: owaHeaders(ctx, { 'Content-Type': type, 'Cache-Control': 'public, max-age=2592000' }) });
      }),
    ),
    http.get(ctx.path('/owa'), ({ request }) => mailbox(ctx, request)),
    http.get(ctx.path('/owa/'), ({ request }) => mailbox(ctx, request)),
    http.post(ctx.path('/owa/'), ({ request }) => mailbox(ctx, request)),
  ];
}
