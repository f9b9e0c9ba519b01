/**
 * One mock Client Access server on real loopback sockets: HTTPS (and HTTP) serving its vdirs through
 * the msw bridge, and its POP3/IMAP4 listeners per InternalConnectionSettings. Faults come from the
 * lab through plain functions (mocks never import the harness's control code).
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Topology } from '../../harness/topology/index.ts';
import { mailEndpoints, type MailMethod, type MailProtocol } from '../../harness/topology/model.ts';
import type { NewEvent } from '../../harness/journal/events.ts';
import { createCasContext } from './create-context.ts';
import type { CasContext, HttpFault, PortMap } from './context.ts';
import { mailboxLocation } from './locality.ts';
import { SessionStore, userContextForm } from './sessions.ts';
import { casHandlers } from '../http/vdirs/index.ts';
import { HandlerSet, withoutCallFrames } from '../http/handler-set.ts';
import { listenHttp } from '../http/listener.ts';
import { requestContext } from '../http/request-context.ts';
import { startMailListener, type MailFaults, type MailListener } from '../mail/index.ts';
import { iisHeaders } from '../http/vdirs/common.ts';
import { MockStartError } from '../errors.ts';

export interface MockCasFaults {
  http(vdir: string): HttpFault | undefined;
  socket(): 'refuse' | 'tls-failure' | undefined;
  mail(protocol: MailProtocol, method: MailMethod): MailFaults & { off: boolean };
}

export interface MockCasOptions {
  topology: Topology;
  fqdn: string;
  credentials: { certPem: string; keyPem: string };
  record: (e: NewEvent) => void;
  /** Address to bind (the server's own 127.0.x.y, or 127.0.0.1 in portable mode). */
  host: string;
  /** Real port for each logical port of this server (443, 80, 993, …); 0 = ephemeral. */
  portFor: (logical: number) => number;
  /** Logical -> real port map of the whole lab (for URLs the mock publishes). */
  ports: PortMap;
  /** Lab DNS for the hops this CAS makes. */
  resolveHost: (name: string) => string | undefined;
  faults: MockCasFaults;
}

/** First path segment -> vdir name, as the journal and faults name them. */
export function vdirOfPath(path: string): string {
  const seg = path.split('/')[1]?.toLowerCase() ?? '';
  const map: Record<string, string> = {
    owa: 'owa', 'microsoft-server-activesync': 'eas', ews: 'ews', autodiscover: 'autodiscover', oab: 'oab', ecp: 'ecp', powershell: 'powershell', rpc: 'rpc',
  };
  return map[seg] ?? (seg || '/');
}

/** Exchange 2013's ping, or an anonymous GET/HEAD/OPTIONS with no session: a health check, not a user. */
export function notAUsersRequest(request: Request): boolean {
  if (request.headers.get('user-agent') === 'HttpProxy.ClientAccessServer2010Ping') return true;
  return ['GET', 'HEAD', 'OPTIONS'].includes(request.method) && !request.headers.has('authorization') && !request.headers.has('cookie');
}

/**
 * Hold an answer `ms`, or less if the client closes the connection first (it gave up: a front door's
 * probe timeout). Resolves true when the client gave up. The journal then gets the event at the moment
 * the client left, not when the hold would have ended: a rule can wait for a front door giving up on a
 * check (HC-08) instead of waiting out a fixed time.
 */
function hold(socket: Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (gone: boolean) => {
      clearTimeout(timer);
      socket.off('close', onClose);
      resolve(gone);
    };
    const onClose = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    socket.once('close', onClose);
  });
}

/** The status journaled for a held request whose client left first (nginx's "client closed request"; no answer was sent). */
const GAVE_UP_STATUS = 499;

/** A handler in front of every vdir that applies injected HTTP faults. */
function faultHandler(faults: MockCasFaults): HttpHandler {
  return http.all('*', async ({ request }) => {
    const rc = requestContext(request);
    const vdir = vdirOfPath(new URL(request.url).pathname);
    const f = faults.http(vdir);
    if (!f || (f.userAgent && request.headers.get('user-agent') !== f.userAgent)) return undefined;
    if (f.only === 'probes' && !notAUsersRequest(request)) return undefined;
    rc.note.vdir = vdir;
    if (f.delayMs && (await hold(rc.socket, f.delayMs))) {
      rc.note.decision = 'fault-delay-gave-up';
      return new HttpResponse(null, { status: GAVE_UP_STATUS });
    }
    if (f.reset) {
      rc.note.decision = 'fault-reset';
      rc.socket.destroy();
      return new HttpResponse(null, { status: 500 });
    }
    if (f.status) {
      rc.note.decision = `fault-${f.status}`;
      const text = f.status === 503 ? 'Service Unavailable' : f.status === 502 ? 'Bad Gateway' : 'Gateway Timeout';
      return new HttpResponse(`<HTML><HEAD><TITLE>${text}</TITLE></HEAD><BODY><h2>${text}</h2></BODY></HTML>\r\n`, { status: f.status, headers: iisHeaders({ 'Content-Type': 'text/html' }) });
    }
    return undefined;
  });
}

/**
 * One TLS context per certificate and key in this process (the mail listeners' context). Worlds of one
 * suite worker share their PKI (harness/pki: keyed by the certificate plan), so the same server's
 * context was parsed again for every world: about 0.2 s of a full run's CPU. A context is immutable once
 * made and may serve any number of listeners. Bounded by the lab PKIs a process makes (a few dozen keys).
 */
const CONTEXTS = new Map<string, SecureContext>();
function secureContextOf(certPem: string, keyPem: string): SecureContext {
  const k = certPem + keyPem;
  let c = CONTEXTS.get(k);
  if (!c) CONTEXTS.set(k, (c = createSecureContext({ cert: certPem, key: keyPem })));
  return c;
}

export class MockCas {
  readonly ctx: CasContext;
  readonly handlers: HandlerSet;
  readonly ports: Record<string, number> = {};
  readonly mail: { protocol: MailProtocol; method: MailMethod; logicalPort: number; listener: MailListener }[] = [];
  #closers: (() => Promise<void>)[] = [];
  #secure: SecureContext;

  constructor(readonly opts: MockCasOptions) {
    this.ctx = createCasContext({ topology: opts.topology, server: opts.fqdn, record: opts.record, ports: opts.ports, resolveHost: opts.resolveHost, fault: (v) => opts.faults.http(v) });
    // The fault handler is put in front only while a fault is set, so static snapshots keep working otherwise.
    this.handlers = new HandlerSet(withoutCallFrames(() => casHandlers(this.ctx)));
    this.#faultHandler = faultHandler(opts.faults);
    this.#secure = secureContextOf(opts.credentials.certPem, opts.credentials.keyPem);
  }

  get fqdn(): string {
    return this.opts.fqdn;
  }

  /** Does any vdir of this server publish an http:// InternalURL (then it listens on HTTP too)? */
  get wantsHttp(): boolean {
    return Object.values(this.ctx.server.vdirs).some((v) => v && 'internalUrl' in v && typeof v.internalUrl === 'string' && v.internalUrl.startsWith('http://'));
  }

  async start(): Promise<void> {
    const { opts } = this;
    const onAnswer = this.#journal.bind(this);
    try {
      const https = await this.#listenHttps(opts.portFor(443));
      this.ports.https = https.port;
      this.#closers.push(() => this.#https?.close() ?? Promise.resolve());
      if (this.wantsHttp) {
        const plain = await listenHttp({ server: opts.fqdn, handlers: this.handlers, onAnswer, host: opts.host, port: opts.portFor(80) });
        this.ports.http = plain.port;
        this.#closers.push(plain.close);
      }
      await this.#startMail();
    } catch (err) {
      await this.stop();
      const e = err as NodeJS.ErrnoException;
      throw new MockStartError(`mock CAS ${opts.fqdn} could not start on ${opts.host}: ${e.code === 'EADDRINUSE' ? 'port in use' : e.code ?? ''} ${e.message}`, { cause: err });
    }
  }

  #https: Awaited<ReturnType<typeof listenHttp>> | undefined;
  #faultHandler: HttpHandler;
  #faultInstalled = false;

  /** Put the fault handler in front of the vdirs while this server has HTTP faults (msw `use`), remove it after. */
  applyHttpFaults(hasFaults: boolean): void {
    if (hasFaults && !this.#faultInstalled) this.handlers.use(this.#faultHandler);
    if (!hasFaults && this.#faultInstalled) this.handlers.reset();
    this.#faultInstalled = hasFaults;
  }

  /** The HTTPS listener; a `tls-failure` fault breaks handshakes by closing the raw connection before TLS answers. */
  async #listenHttps(port: number) {
    const { opts } = this;
    const https = await listenHttp({
        server: opts.fqdn, handlers: this.handlers, onAnswer: this.#journal.bind(this), host: opts.host, port,
        tls: { key: opts.credentials.keyPem, cert: opts.credentials.certPem },
        onClientError: (i) => opts.record({ kind: 'tls', server: opts.fqdn, localPort: i.localPort, remoteAddress: i.remoteAddress, sni: null, outcome: `client-error: ${i.error}`, protocol: null, certificate: null, service: 'https' }),
        onTlsError: (i: { localPort?: number; remoteAddress?: string; error?: string; sni?: string | null }) =>
          opts.record({ kind: 'tls', server: opts.fqdn, localPort: i.localPort ?? 0, remoteAddress: i.remoteAddress ?? '', sni: i.sni ?? null, outcome: `failed: ${i.error ?? 'handshake'}`, protocol: null, certificate: null, service: 'https' }),
      });
    https.server.prependListener('connection', (sock) => {
      if (opts.faults.socket() !== 'tls-failure') return;
      opts.record({ kind: 'tls', server: opts.fqdn, localPort: https.port, remoteAddress: sock.remoteAddress ?? '', sni: null, outcome: 'failed: injected tls-failure', protocol: null, certificate: null, service: 'https' });
      sock.end(Buffer.from('\x15\x03\x03\x00\x02\x02\x28', 'latin1')); // a TLS fatal alert (handshake_failure) instead of a ServerHello
    });
    this.#https = https;
    return https;
  }

  #socketQueue: Promise<void> = Promise.resolve();

  /** Apply server-level HTTPS faults: `refuse` stops listening (ECONNREFUSED) until cleared. Calls are serialised. */
  applySocketFaults(): Promise<void> {
    this.#socketQueue = this.#socketQueue.then(() => this.#applySocketFaults()).catch((err) => {
      this.opts.record({ kind: 'fault', server: this.opts.fqdn, action: 'inject', description: `could not apply a socket fault: ${(err as Error).message}` });
    });
    return this.#socketQueue;
  }

  async #applySocketFaults(): Promise<void> {
    const refuse = this.opts.faults.socket() === 'refuse';
    if (refuse && this.#https) {
      const h = this.#https;
      this.#https = undefined;
      await h.close();
    } else if (!refuse && !this.#https && this.ports.https) {
      await this.#listenHttps(this.ports.https);
    }
  }

  async #startMail(): Promise<void> {
    const { opts } = this;
    {
      for (const protocol of ['imap4', 'pop3'] as const) {
        for (const ep of mailEndpoints(this.ctx.server, protocol)) {
          const listener = await startMailListener({
            server: opts.fqdn, protocol, kind: ep.method, host: opts.host, port: opts.portFor(ep.port),
            secureContext: this.#secure, loginType: this.ctx.server[protocol].loginType,
            login: (user, password) => {
              const u = this.ctx.checkPassword(user, password);
              if (!u) return { ok: false, reason: this.ctx.findUser(user) ? 'bad-credentials' : 'unknown-user' };
              const loc = mailboxLocation(this.ctx, u);
              // 003: "A client that is using POP3 or IMAP4 must connect to a Client Access server in the same Active Directory site as its Mailbox server."
              if (loc.site !== this.ctx.server.site || loc.product !== this.ctx.build.product) return { ok: false, reason: 'wrong-site' };
              return { ok: true, user: u.samAccountName, messages: u.messages };
            },
            record: opts.record,
            ntlm: { authenticator: this.ctx.ntlm, passwordOf: (u) => this.ctx.findUser(u)?.password },
            faults: () => opts.faults.mail(protocol, ep.method),
          });
          this.mail.push({ protocol, method: ep.method, logicalPort: ep.port, listener });
          this.ports[`${protocol}:${ep.method}`] = listener.port;
          this.#closers.push(() => listener.close());
        }
      }
    }
  }

  #mailQueue: Promise<void> = Promise.resolve();

  /** Apply mail faults that switch a method off (connection refused) or back on. Calls are serialised. */
  applyMailFaults(): Promise<void> {
    this.#mailQueue = this.#mailQueue.then(() => this.#applyMailFaults()).catch(() => {});
    return this.#mailQueue;
  }

  async #applyMailFaults(): Promise<void> {
    for (const m of this.mail) {
      const f = this.opts.faults.mail(m.protocol, m.method);
      if (f.off) await m.listener.disable();
      else await m.listener.enable();
    }
  }

  #journal(rc: ReturnType<typeof requestContext>, info: { method: string; path: string; query: string; status: number; requestHeaders: Record<string, string | string[] | undefined>; responseHeaders: [string, string][]; durationMs: number }): void {
    const rh = info.requestHeaders;
    const get = (k: string) => {
      const v = rh[k];
      return Array.isArray(v) ? v.join(', ') : (v ?? null);
    };
    const cookieNotes = (get('cookie') ?? '')
      .split(';')
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => noteCookie(c.slice(0, c.indexOf('=') >>> 0), c.slice(c.indexOf('=') + 1)));
    const setCookies = info.responseHeaders
      .filter(([k]) => k.toLowerCase() === 'set-cookie')
      .map(([, v]) => {
        const pair = v.split(';')[0]!;
        return noteCookie(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1));
      });
    const keep: Record<string, string> = {};
    for (const k of ['x-forwarded-for', 'via', 'connection', 'x-owa-proxyuri', 'x-owa-proxyversion', 'x-owa-proxysid', 'x-owa-proxycanary', 'x-logontype', 'content-length', 'transfer-encoding', 'ms-asprotocolversion', 'x-ms-policykey']) {
      const v = get(k);
      if (v) keep[k] = v;
    }
    const authz = get('authorization');
    const q = new URLSearchParams(info.query);
    this.opts.record({
      kind: 'http',
      server: this.opts.fqdn,
      vdir: rc.note.vdir ?? vdirOfPath(info.path),
      method: info.method,
      path: info.path,
      query: info.query,
      host: rc.host,
      sni: rc.sni,
      scheme: rc.scheme,
      localPort: rc.localPort,
      remoteAddress: rc.remoteAddress,
      connection: rc.connection,
      authScheme: rc.note.authScheme ?? (authz ? authz.split(' ')[0]! : null),
      user: rc.note.user ?? q.get('User') ?? null,
      userAgent: get('user-agent'),
      cookies: cookieNotes,
      setCookies,
      formFields: rc.note.formFields ?? [],
      headers: { ...keep, ...(q.get('DeviceType') ? { 'x-eas-devicetype': q.get('DeviceType')! } : {}), ...(q.get('DeviceId') ? { 'x-eas-deviceid': q.get('DeviceId')! } : {}) },
      status: info.status,
      decision: rc.note.decision ?? (info.status === 404 ? 'not-found' : 'static'),
      ...(rc.note.target ? { target: String(rc.note.target) } : {}),
      durationMs: info.durationMs,
    });
  }

  /** Forget sessions (control API reset). */
  reset(): void {
    (this.ctx as { sessions: CasContext['sessions'] }).sessions = new SessionStore();
    this.ctx.affinity.clear();
    this.handlers.reset();
    this.#faultInstalled = false;
  }

  async stop(): Promise<void> {
    const closers = this.#closers.splice(0).reverse();
    await Promise.allSettled(closers.map((c) => c()));
  }
}

function noteCookie(name: string, value: string) {
  return /^UserContext/i.test(name) ? { name, form: userContextForm(value) } : { name };
}
