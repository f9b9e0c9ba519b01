/**
 * One HTTPS request through the front door: check where it is addressed (no open proxy, in every profile),
 * authenticate the client (AUTH-01), discover the mailbox in the directory, decide per protocol
 * (routing/http-routes.ts), pick a healthy server with affinity, and relay. Every request writes one
 * log line; every failure becomes a short text answer with 4xx/5xx, never a crash.
 */
import { BadRequestError, FrontDoorError, NoTargetError } from '../errors.ts';
import { decide, hopTarget, pickServer, type HttpProtocol, type PickContext } from '../routing/http-routes.ts';
import { clientHostHop } from './client-host-hop.ts';
import { casIn, type OrgView } from '../routing/org-view.ts';
import type { ClientAuthResult, ClientCreds, ClientScheme } from './client-auth.ts';
import { has, type FrontContext, type RequestInfo } from './context.ts';
import { autodiscover2007, autodiscoverError, parseAutodiscoverRequest } from './autodiscover.ts';
import { readBody } from './body.ts';
import { requestTarget, type RequestTarget } from './request-url.ts';
import { ForwardError } from './forward.ts';
import { sendText, type FrontRequest, type FrontResponse } from './front-types.ts';
import { hopAuthFor } from './hop.ts';
import { handleOwa } from './owa.ts';
import { RequestNote } from './request-note.ts';

const VDIRS: Record<string, HttpProtocol | 'ecp' | 'powershell'> = {
  owa: 'owa', 'microsoft-server-activesync': 'eas', ews: 'ews', autodiscover: 'autodiscover', oab: 'oab', rpc: 'rpc', ecp: 'ecp', powershell: 'powershell',
};

/** Client authentication each vdir takes (the brief of 001's second half: Basic for EAS, NTLM too elsewhere). */
const CLIENT_SCHEMES: Record<Exclude<HttpProtocol, 'owa'>, ClientScheme[]> = {
  eas: ['basic'], ews: ['basic', 'ntlm'], autodiscover: ['basic', 'ntlm'], oab: ['basic', 'ntlm'], rpc: ['ntlm', 'basic'],
};

const LONG_MS = 3_700_000;

/** pickServer's view of health and affinity, made once per front door (not per request); defects read live. */
const PICK = new WeakMap<FrontContext, PickContext>();
function pickContext(ctx: FrontContext): PickContext {
  let p = PICK.get(ctx);
  if (!p) {
    p = {
      isUp(fqdn, protocol) {
        return ctx.health.isUp(fqdn, protocol);
      },
      get affinity() {
        return ctx.affinity;
      },
      get ignoreOutOfService() {
        return has(ctx, 'ignore-out-of-service');
      },
    };
    PICK.set(ctx, p);
  }
  return p;
}

/**
 * @example
 * https.createServer(tlsOptions, createRequestHandler(ctx));
 */
export function createRequestHandler(ctx: FrontContext, allowedHosts: () => Set<string>) {
  return (req: FrontRequest, res: FrontResponse): void => {
    const started = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const host = String(req.headers.host ?? '').toLowerCase();
    const clientIp = req.socket.remoteAddress ?? '';
    // The request's log line, filled in as it is served (request-note.ts).
    const note = new RequestNote(method, req.url, host, clientIp);
    res.once('close', () => {
      note.status = res.statusCode;
      note.ms = Date.now() - started;
      ctx.log.write(note);
    });
    let r: RequestInfo;
    try {
      const requestTarget = requestTargetOf(req, host);
      r = { req, res, method, requestTarget, clientOrigin: `https://${host}`, clientIp, started, note };
      checkAddress(ctx, req, requestTarget.url, host, allowedHosts());
    } catch (err) {
      req.resume();
      return fail(ctx, res, note, err);
    }
    try {
      route(ctx, r);
    } catch (err) {
      fail(ctx, res, note, err);
    }
  };
}

function requestTargetOf(req: FrontRequest, host: string): RequestTarget {
  if (!host || /[\s/\\@?#]/.test(host)) throw new BadRequestError('a request needs a valid Host header');
  if (req.method === 'CONNECT') throw new BadRequestError('CONNECT is not served here', 405);
  try {
    return requestTarget(host, req.url ?? '/');
  } catch {
    throw new BadRequestError('the request target is not a URL');
  }
}

/**
 * SEC-01, in every profile (not only hardened): a Host or absolute URI outside the front door's names
 * is refused with 421 (no open proxy, and no foreign name reflected into a Location: issue 15 found
 * `Host: evil.example` echoed into OWA's redirect). The defect `keep-hop-headers` (SEC-01's negative
 * control) drops the check: such a request is served as if addressed to the front door.
 */
function checkAddress(ctx: FrontContext, req: FrontRequest, url: URL, host: string, allowed: Set<string>): void {
  if (has(ctx, 'keep-hop-headers')) return;
  // A port or brackets only where the Host has a colon or starts with '['; only a target that does not
  // start with '/' can be in absolute form.
  const name = host.includes(':') || host[0] === '[' ? host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') : host;
  if (!allowed.has(name)) throw new BadRequestError(`${name} is not a name of this front door`, 421);
  const target = req.url ?? '';
  if (target[0] !== '/' && /^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !allowed.has(url.hostname.toLowerCase())) throw new BadRequestError(`${url.hostname} is not a name of this front door`, 421);
}

function fail(ctx: FrontContext, res: FrontResponse, note: RequestNote, err: unknown): void {
  let status = 500;
  let text = 'The front door could not handle this request.';
  if (err instanceof ForwardError) {
    const code = (err.cause as NodeJS.ErrnoException).code ?? '';
    status = /TIMEOUT/i.test(code) ? 504 : 502;
    text = status === 504 ? 'The legacy Client Access server did not answer in time.' : 'The legacy Client Access server could not be reached.';
    note.error = `${code} ${err.message}`;
  } else if (err instanceof FrontDoorError) {
    status = err.status;
    text = err.message;
    note.error = err.code;
  } else {
    note.error = (err as Error)?.stack ?? String(err);
    ctx.log.write({ kind: 'bug', error: note.error });
  }
  sendText(res, status, text);
}

/** A step of the request that went asynchronous: its rejection is the request's failure. */
function settle(ctx: FrontContext, r: RequestInfo, step: Promise<void>): void {
  step.catch((err) => fail(ctx, r.res, r.note, err));
}

/**
 * The request's way through the front door. Synchronous as long as nothing is waited for (credentials
 * and the organisation known, the answer relayed through callbacks): a proxied request makes no promise
 * here (issue 14). A step that waits goes on in a promise that `settle` ends; a synchronous throw is the
 * handler's to turn into an answer.
 */
function route(ctx: FrontContext, r: RequestInfo): void {
  const path = r.requestTarget.pathname;
  const end = path.indexOf('/', 1);
  const seg = (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
  const vdir = VDIRS[seg];
  r.note.vdir = vdir ?? seg;
  if (!seg) {
    r.res.writeHead(302, 'Found', ['Location', `${r.clientOrigin}/owa/`, 'Content-Length', '0']);
    return void r.res.end();
  }
  if (!vdir || vdir === 'ecp' || vdir === 'powershell') {
    r.req.resume();
    return sendText(r.res, 404, 'Not Found');
  }
  if (vdir === 'owa') return settle(ctx, r, handleOwa(ctx, r));
  const checked = ctx.auth.check(r.req, CLIENT_SCHEMES[vdir]);
  if (checked instanceof Promise) return settle(ctx, r, checked.then((auth) => authenticated(ctx, r, vdir, auth)));
  authenticated(ctx, r, vdir, checked);
}

function authenticated(ctx: FrontContext, r: RequestInfo, vdir: Exclude<HttpProtocol, 'owa'>, auth: ClientAuthResult): void {
  if (!auth.ok) {
    r.note.auth = auth.reason;
    // Defect pool-auth-hops relays requests without credentials too, as the generic proxies it models do.
    if (has(ctx, 'no-auth') || (has(ctx, 'pool-auth-hops') && !r.req.headers.authorization)) return settle(ctx, r, forwardUnauthenticated(ctx, r, vdir));
    r.req.resume();
    return sendText(r.res, 401, '401 - Unauthorized: Access is denied due to invalid credentials.', auth.headers);
  }
  r.note.user = auth.creds.samAccountName;
  r.note.auth = auth.creds.scheme;
  const view = ctx.viewNow();
  if (!view) return settle(ctx, r, ctx.view().then((v) => proxyProtocol(ctx, r, vdir, auth.creds, v)));
  proxyProtocol(ctx, r, vdir, auth.creds, view);
}

function proxyProtocol(ctx: FrontContext, r: RequestInfo, protocol: Exclude<HttpProtocol, 'owa'>, creds: ClientCreds, view: OrgView): void {
  // The query's parameters only when there is a query (most EWS, OAB and RPC requests have none):
  // `searchParams` builds a URLSearchParams on first use, once per proxied request.
  const q = r.requestTarget.search ? r.requestTarget.url.searchParams : null;
  const deviceId = protocol === 'eas' ? (q?.get('DeviceId') ?? null) : null;
  if (protocol === 'eas' && r.method === 'OPTIONS' && has(ctx, 'eas-answer-locally') && creds.user.mailboxVersion === 2010 && creds.user.site === view.frontDoorSite) {
    return answerEasOptions(r);
  }
  const d = decide(view, protocol, creds.user, { defects: ctx.settings.defects, deviceType: q?.get('DeviceType') ?? null });
  r.note.why = d.why;
  switch (d.kind) {
    case 'autodiscover-local':
      r.note.decision = 'answered';
      return settle(ctx, r, answerAutodiscover(ctx, r, view, creds));
    case 'eas-451':
      // Defect eas-451 only: Exchange 2010's answer (PROTOCOL-FACTS: status line without a reason phrase).
      r.note.decision = '451';
      r.req.resume();
      r.res.writeHead(451, '', ['X-MS-Location', d.location.replace(/\/$/, ''), 'Cache-Control', 'private', 'Content-Length', '0']);
      return void r.res.end();
    case 'refuse':
    case 'silent-redirect':
      r.req.resume();
      return sendText(r.res, d.kind === 'refuse' ? d.status : 400, d.why);
    case 'proxy':
      break;
  }
  // Defect `affinity-by-address`: the client's address keys affinity instead of the user (or device).
  const key = has(ctx, 'affinity-by-address') ? `address:${r.clientIp}` : deviceId ? `device:${deviceId}` : creds.samAccountName;
  const server = pickServer(d.pool, protocol, key, pickContext(ctx));
  if (!server) throw new NoTargetError(`no Client Access server is up for ${protocol} in ${creds.user.site}`);
  const target = clientHostHop(ctx, r, hopTarget(server, protocol, d.via, ctx.settings.defects));
  r.note.decision = 'proxied';
  r.note.target = `${target.host}`;
  const cmd = q?.get('Cmd') ?? '';
  // EAS Ping and Sync hang on the server for up to an hour (MS-ASCMD HeartbeatInterval / Wait); RPC channels live long.
  const long = protocol === 'rpc' || (protocol === 'eas' && (cmd === 'Ping' || cmd === 'Sync'));
  const bodiless = r.method === 'GET' || r.method === 'HEAD' || (r.method === 'OPTIONS' && !r.req.headers['content-length'] && !r.req.headers['transfer-encoding']);
  ctx.hop.relay(
    {
      target, protocol, auth: protocol === 'rpc' && has(ctx, 'rpc-hop-basic') && server.vdirs.rpc.auth.includes('basic') ? 'basic' : hopAuthFor(server, protocol), creds, req: r.req, res: r.res, method: r.method,
      path: r.requestTarget.path, body: bodiless ? null : r.req, cookie: r.req.headers.cookie ?? null,
      clientIp: r.clientIp, clientOrigin: r.clientOrigin, headersTimeoutMs: long ? LONG_MS : ctx.hopTimeoutMs,
      cookieRewriteDomain: has(ctx, 'cookie-rewrite') ? `.${server.fqdn.split('.').slice(-2).join('.')}` : undefined,
    },
    (err, result) => {
      if (err) return fail(ctx, r.res, r.note, err);
      r.note.hopAuth = result!.hopAuth;
    },
  );
}

/** Autodiscover answered by the front door (a 2007 mailbox, 001 Autodiscover 2): the request's body is read first. */
async function answerAutodiscover(ctx: FrontContext, r: RequestInfo, view: OrgView, creds: ClientCreds): Promise<void> {
  const body = r.method === 'POST' ? (await readBody(r.req, ctx.settings.limits.maxOwnBodyBytes)).toString('utf8') : '';
  const ask = parseAutodiscoverRequest(body);
  const xml = ask.email ? autodiscover2007(view, creds.user, ask.mobile) : autodiscoverError(600, 'Invalid Request');
  const b = Buffer.from(xml, 'utf8');
  r.res.writeHead(200, 'OK', ['Content-Type', 'text/xml; charset=utf-8', 'Content-Length', String(b.length), 'Cache-Control', 'private']);
  r.res.end(r.method === 'HEAD' ? undefined : b);
}

/**
 * Defect `eas-answer-locally` (EAS-08): the front door answers a local 2010 mailbox's EAS OPTIONS itself
 * with Exchange 2010 SP1+'s OPTIONS headers (PROTOCOL-FACTS) instead of proxying it to a CAS2010 of its site.
 */
function answerEasOptions(r: RequestInfo): void {
  r.note.decision = 'answered';
  r.note.why = 'defect eas-answer-locally';
  r.req.resume();
  r.res.writeHead(200, 'OK', [
    'Allow', 'OPTIONS,POST', 'Public', 'OPTIONS,POST', 'MS-Server-ActiveSync', '14.2', 'MS-ASProtocolVersions', '2.0,2.1,2.5,12.0,12.1,14.0,14.1',
    'MS-ASProtocolCommands', 'Sync,SendMail,SmartForward,SmartReply,GetAttachment,GetHierarchy,CreateCollection,DeleteCollection,MoveCollection,FolderSync,FolderCreate,FolderDelete,FolderUpdate,MoveItems,GetItemEstimate,MeetingResponse,Search,Settings,Ping,ItemOperations,Provision,ResolveRecipients,ValidateCert',
    'Cache-Control', 'private', 'Content-Length', '0',
  ]);
  r.res.end();
}

/** Defect `no-auth`: relay a request nobody authenticated to a CAS of the front door's site. */
async function forwardUnauthenticated(ctx: FrontContext, r: RequestInfo, protocol: Exclude<HttpProtocol, 'owa'>): Promise<void> {
  const view = await ctx.view();
  const server = casIn(view, view.frontDoorSite).find((s) => !s.isOutOfService);
  if (!server) throw new NoTargetError('no Client Access server in the front door\'s site');
  const target = hopTarget(server, protocol, 'fqdn', ctx.settings.defects);
  r.note.decision = 'proxied-unauthenticated';
  r.note.target = target.host;
  const bodiless = r.method === 'GET' || r.method === 'HEAD';
  await ctx.hop.forward({
    target, protocol, auth: 'pass', req: r.req, res: r.res, method: r.method, path: r.requestTarget.path, body: bodiless ? null : r.req,
    cookie: r.req.headers.cookie ?? null, clientIp: r.clientIp, clientOrigin: r.clientOrigin, headersTimeoutMs: ctx.hopTimeoutMs, relay401: true,
  });
}
