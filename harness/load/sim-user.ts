/**
 * One simulated user: a browser (OWA), Outlook (EWS and Autodiscover, NTLM on a keep-alive connection),
 * a phone (EAS, Basic) and a mail client (IMAP4, POP3), all connecting from the user's own loopback
 * address; and the same clients pointed straight at the mocks for the baseline. `run` performs one
 * operation and says what the client saw; the journal's side is attached by the tap (journal-tap.ts).
 * One operation at a time per user (NTLM's connection identity and the op-in-flight attribution rely on it).
 */
import type { Dispatcher } from 'undici';
import { createLabAgent, labLookup, type LabHosts } from '../clients/lab-agent.ts';
import { IE11, OwaBrowser } from '../clients/owa-browser.ts';
import { EasDevice, type EasResult } from '../clients/eas-device.ts';
import { getFolderBody } from '../clients/ews-client.ts';
import { outlookRequestBody } from '../clients/autodiscover-client.ts';
import { parseXml } from '../clients/tiny-xml.ts';
import type { Topology } from '../topology/index.ts';
import { NtlmKeepAlive, type HttpAnswer } from './ntlm-keepalive.ts';
import { imapLoadSession, pop3LoadSession, type MailSessionResult } from './mail-session.ts';
import { owaMailbox, servedUsers } from './served-users.ts';
import { uaMarker, type SimUserSpec } from './population.ts';
import type { OpKind, OpOutcome } from './types.ts';

/** What a simulated user needs of the run. */
export interface SimEnv {
  topology: Topology;
  /** Lab names, the front door's namespaces pointing at the candidate. */
  hosts: LabHosts;
  ca: string[];
  /** The front door's namespace and Autodiscover namespace, and its ports. */
  namespace: string;
  autodiscoverNamespace: string;
  ports: { https: number; imaps: number; pop3s: number };
  /** The lab's real port for a lab name's logical port (lab.ports.get). */
  labPort(name: string, logical: number): number;
  tag: string;
  timeoutMs: number;
  /** Subject -> owner (served-users.ts subjectOwners). */
  owners: Map<string, string>;
  /** Counts every HTTP request the clients send, per leg. */
  countRequest(via: 'front-door' | 'direct'): void;
}

/** The client's side of one operation. */
export interface ClientSide {
  outcome: OpOutcome;
  detail: string;
  requests: number;
  servedUsers: string[];
  sessionLost?: boolean;
}

type Via = 'front-door' | 'direct';

const EWS_ACTION = '"http://schemas.microsoft.com/exchange/services/2006/messages/GetFolder"';
const EWS_ENVELOPE = `<?xml version="1.0" encoding="utf-8"?>\r\n<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"><soap:Header><t:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body>${getFolderBody()}</soap:Body></soap:Envelope>`;

/** The refused/ok/error reading of an HTTP status (RULES.md "refused": >= 400 other than 451). */
function byStatus(status: number, okWhen: boolean, what: string): Pick<ClientSide, 'outcome' | 'detail'> {
  if (status === 451) return { outcome: 'error', detail: `451: Exchange 2013 never answers 451 (001)` };
  if (status >= 400) return { outcome: 'refused', detail: String(status) };
  if (!okWhen) return { outcome: 'error', detail: `${status}: not ${what}` };
  return { outcome: 'ok', detail: String(status) };
}

function transport(err: unknown): ClientSide {
  const e = err as { code?: string; message?: string };
  return { outcome: 'error', detail: `${e.code ?? 'error'}: ${(e.message ?? String(err)).split('\n')[0]!.slice(0, 160)}`, requests: 1, servedUsers: [] };
}

interface Clients {
  browser: Dispatcher;
  outlook: Dispatcher;
  device: Dispatcher;
  owa?: OwaBrowser;
  /** URL of the signed-in mailbox page (page loads go there). */
  owaUrl?: string;
  ews?: NtlmKeepAlive;
  autodiscover?: NtlmKeepAlive;
  eas?: EasDevice;
  closers: Dispatcher[];
}

export class SimUser {
  readonly #legs: Record<Via, Clients>;
  readonly #marker: string;

  constructor(readonly spec: SimUserSpec, readonly env: SimEnv) {
    this.#marker = uaMarker(env.tag, spec.id);
    this.#legs = { 'front-door': this.#clients('front-door'), direct: this.#clients('direct') };
  }

  #clients(via: Via): Clients {
    const make = () => {
      const agent = createLabAgent({ hosts: this.env.hosts, ca: this.env.ca, connections: 1, ...(this.spec.address ? { localAddress: this.spec.address } : {}) });
      const counted = agent.compose((dispatch) => (opts, handler) => {
        this.env.countRequest(via);
        return dispatch(opts, handler);
      });
      return { agent, counted };
    };
    const b = make();
    const o = make();
    const d = make();
    return { browser: b.counted, outlook: o.counted, device: d.counted, closers: [b.agent, o.agent, d.agent] };
  }

  get sam(): string {
    return this.spec.user.samAccountName.toLowerCase();
  }

  get #logon(): string {
    return `${this.env.topology.organisation.netbiosDomain}\\${this.spec.user.samAccountName}`;
  }

  /** `https://host:port` of the leg for a protocol: the front door's namespace, or the baseline's mock. */
  #origin(via: Via, protocol: 'owa' | 'eas' | 'ews' | 'autodiscover'): string | null {
    if (via === 'front-door') return `https://${protocol === 'autodiscover' ? this.env.autodiscoverNamespace : this.env.namespace}:${this.env.ports.https}`;
    const host = this.directHost(protocol);
    return host ? `https://${host}:${this.env.labPort(host, 443)}` : null;
  }

  /** Where the baseline goes for a protocol: the oracle's direct host, spread over the pool by user. */
  directHost(protocol: 'owa' | 'eas' | 'ews' | 'autodiscover' | 'imap' | 'pop3'): string | null {
    const e = this.spec.expect[protocol];
    if (!e.direct) return null;
    if (e.path === 'silent-redirect') return e.direct;
    return e.pool[this.spec.index % e.pool.length] ?? e.direct;
  }

  /** One operation on one leg. Never throws. */
  async run(kind: OpKind, via: Via): Promise<ClientSide> {
    try {
      switch (kind) {
        case 'owa-signin':
          return await this.#owaSignIn(via);
        case 'owa-page':
          return await this.#owaPage(via);
        case 'eas-options':
        case 'eas-foldersync':
        case 'eas-sync':
          return await this.#eas(via, kind);
        case 'ews-getfolder':
          return await this.#ews(via);
        case 'autodiscover':
          return await this.#autodiscover(via);
        case 'imap-session':
        case 'pop3-session':
          return await this.#mail(via, kind);
      }
    } catch (err) {
      return transport(err);
    }
  }

  async #owaSignIn(via: Via): Promise<ClientSide> {
    const leg = this.#legs[via];
    const origin = this.#origin(via, 'owa');
    if (!origin) return { outcome: 'error', detail: 'no baseline target', requests: 0, servedUsers: [] };
    const b = new OwaBrowser({ dispatcher: leg.browser, userAgent: `${IE11} ${this.#marker}`, timeoutMs: this.env.timeoutMs });
    const nav = await b.login(`${origin}/owa/`, this.#logon, this.spec.user.password);
    const box = owaMailbox(nav.body);
    const users = servedUsers({}, nav.body);
    leg.owa = b;
    leg.owaUrl = nav.finalUrl;
    const base = { requests: nav.hops.length, servedUsers: users };
    if (box && nav.status >= 200 && nav.status < 300) return { ...base, outcome: 'ok', detail: `${nav.status} mailbox at ${new URL(nav.finalUrl).hostname}` };
    if (nav.logonPage || nav.status >= 400) return { ...base, outcome: 'refused', detail: nav.logonPage ? 'sign-in page again after typing credentials' : String(nav.status) };
    return { ...base, outcome: 'error', detail: `${nav.status}: no mailbox page${nav.stopped ? ` (${nav.stopped})` : ''} at ${nav.finalUrl.replace(/\?.*$/, '')}` };
  }

  /** A page load with the session; a sign-in page means the session was lost: the user signs in again. */
  async #owaPage(via: Via): Promise<ClientSide> {
    const leg = this.#legs[via];
    if (!leg.owa || !leg.owaUrl) return this.#owaSignIn(via);
    const nav = await leg.owa.open(leg.owaUrl);
    const box = owaMailbox(nav.body);
    if (box && nav.status >= 200 && nav.status < 300) return { outcome: 'ok', detail: `${nav.status} mailbox`, requests: nav.hops.length, servedUsers: servedUsers({}, nav.body) };
    if (nav.logonPage) {
      const again = await this.#owaSignIn(via);
      return { ...again, requests: again.requests + nav.hops.length, sessionLost: true, detail: `session lost; signed in again: ${again.detail}` };
    }
    if (nav.status >= 400) return { outcome: 'refused', detail: String(nav.status), requests: nav.hops.length, servedUsers: servedUsers({}, nav.body) };
    return { outcome: 'error', detail: `${nav.status}: no mailbox page${nav.stopped ? ` (${nav.stopped})` : ''}`, requests: nav.hops.length, servedUsers: servedUsers({}, nav.body) };
  }

  async #eas(via: Via, kind: 'eas-options' | 'eas-foldersync' | 'eas-sync'): Promise<ClientSide> {
    const leg = this.#legs[via];
    if (!leg.eas) {
      const origin = this.#origin(via, 'eas');
      if (!origin) return { outcome: 'error', detail: 'no baseline target', requests: 0, servedUsers: [] };
      const deviceType = this.spec.user.devices[0]?.type ?? 'iPhone';
      leg.eas = new EasDevice({
        dispatcher: leg.device, baseUrl: `${origin}/Microsoft-Server-ActiveSync`, user: this.spec.user.samAccountName, password: this.spec.user.password,
        deviceId: via === 'direct' ? `${this.spec.deviceId}D`.slice(-32) : this.spec.deviceId, deviceType, followLocation: false, timeoutMs: this.env.timeoutMs,
        userAgent: `${deviceType}/1.0 ${this.#marker}`,
      });
    }
    const r: EasResult = kind === 'eas-options' ? await leg.eas.options() : kind === 'eas-foldersync' ? await leg.eas.folderSync() : await leg.eas.sync();
    const body = Buffer.from(r.body).toString('latin1');
    const okWhen = kind === 'eas-options' ? r.headers['ms-asprotocolversions'] !== undefined : r.status === 200;
    return { ...byStatus(r.status, r.status === 200 && okWhen, kind === 'eas-options' ? 'an EAS OPTIONS answer (no MS-ASProtocolVersions)' : 'an EAS answer'), requests: 1, servedUsers: servedUsers(r.headers, body) };
  }

  async #ews(via: Via): Promise<ClientSide> {
    const leg = this.#legs[via];
    const origin = this.#origin(via, 'ews');
    if (!origin) return { outcome: 'error', detail: 'no baseline target', requests: 0, servedUsers: [] };
    leg.ews ??= new NtlmKeepAlive(leg.outlook, { user: this.spec.user.samAccountName, password: this.spec.user.password, domain: this.env.topology.organisation.netbiosDomain }, this.env.timeoutMs);
    const headers = { 'content-type': 'text/xml; charset=utf-8', soapaction: EWS_ACTION, 'user-agent': `ExchangeServicesClient/14.02.0051.000 ${this.#marker}` };
    let a: HttpAnswer;
    try {
      a = await leg.ews.send(`${origin}/EWS/Exchange.asmx`, 'POST', headers, EWS_ENVELOPE);
    } catch (err) {
      leg.ews.reset();
      return transport(err);
    }
    const requests = a.handshakes ? 2 : 1;
    return { ...byStatus(a.status, a.status === 200 && /ResponseCode>\s*NoError\s*</.test(a.body), 'a GetFolder NoError answer'), requests, servedUsers: servedUsers(a.headers, a.body) };
  }

  async #autodiscover(via: Via): Promise<ClientSide> {
    const leg = this.#legs[via];
    const origin = this.#origin(via, 'autodiscover');
    if (!origin) return { outcome: 'error', detail: 'no baseline target (the front door answers itself)', requests: 0, servedUsers: [] };
    leg.autodiscover ??= new NtlmKeepAlive(leg.outlook, { user: this.spec.user.samAccountName, password: this.spec.user.password, domain: this.env.topology.organisation.netbiosDomain }, this.env.timeoutMs);
    const headers = { 'content-type': 'text/xml; charset=utf-8', 'user-agent': `Microsoft Office/14.0 ${this.#marker}` };
    let a: HttpAnswer;
    try {
      a = await leg.autodiscover.send(`${origin}/Autodiscover/Autodiscover.xml`, 'POST', headers, outlookRequestBody(this.spec.user.email));
    } catch (err) {
      leg.autodiscover.reset();
      return transport(err);
    }
    let settings = false;
    try {
      const root = parseXml(a.body);
      settings = root.local === 'Autodiscover' && /<Action>\s*(settings|redirectAddr|redirectUrl)\s*<\/Action>/i.test(a.body);
    } catch {
      settings = false;
    }
    const errorBlock = /<Error\b[\s\S]*?<ErrorCode>/i.test(a.body);
    const read = errorBlock && a.status < 400 ? { outcome: 'refused' as const, detail: `${a.status} Autodiscover error answer` } : byStatus(a.status, a.status === 200 && settings, 'a well-formed POX settings answer');
    return { ...read, requests: a.handshakes ? 2 : 1, servedUsers: servedUsers(a.headers, a.body) };
  }

  async #mail(via: Via, kind: 'imap-session' | 'pop3-session'): Promise<ClientSide> {
    const protocol = kind === 'imap-session' ? 'imap' : 'pop3';
    const host = via === 'front-door' ? this.env.namespace : this.directHost(protocol);
    if (!host) return { outcome: 'error', detail: 'no baseline target', requests: 0, servedUsers: [] };
    const port = via === 'front-door' ? (protocol === 'imap' ? this.env.ports.imaps : this.env.ports.pop3s) : this.env.labPort(host, protocol === 'imap' ? 993 : 995);
    const session = protocol === 'imap' ? imapLoadSession : pop3LoadSession;
    this.env.countRequest(via);
    const r: MailSessionResult = await session({
      host, port, servername: host, ca: this.env.ca, lookup: labLookup(this.env.hosts), ...(this.spec.address ? { localAddress: this.spec.address } : {}),
      user: this.spec.user.samAccountName, password: this.spec.user.password, timeoutMs: this.env.timeoutMs,
    });
    const owners = [...new Set(r.subjects.map((s) => this.env.owners.get(s)).filter((o): o is string => !!o))];
    if (r.ok) return { outcome: r.subjects.length ? 'ok' : 'error', detail: r.subjects.length ? `${r.subjects.length} messages` : 'logged in, but no message in the inbox', requests: 1, servedUsers: owners };
    return { outcome: r.refused ? 'refused' : 'error', detail: r.error ?? 'failed', requests: 1, servedUsers: owners };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#legs['front-door'].closers, ...this.#legs.direct.closers].map((a) => a.close()));
  }
}
