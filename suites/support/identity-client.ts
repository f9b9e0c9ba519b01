/**
 * Clients of the identity rules (AUTH-02..05): each IdentityClient is ONE keep-alive client connection to
 * the front door, as a user (signing in the way the front door offers: NTLM when its 401 offers it, Basic
 * otherwise; OWA by forms) or anonymous (no credentials, no cookies). Every request carries a User-Agent
 * marker naming who asked, so the journal's events for it are found whatever hops the request took
 * (mocks copy the User-Agent on their own CAS-CAS hops), and what came back is read at the client: the
 * lab-only `X-Lab-Served-User` header and `lab-served-user=` body token (docs/legacy-behaviour.md).
 * @example
 * const c = new IdentityClient(w, marks, w.user('Red'));
 * const a = await c.call('ews');   // NTLM handshake through the front door, then GetFolder
 * const b = await c.call('ews');   // same connection, no Authorization: the connection's user
 * await c.close();
 */
import { randomBytes } from 'node:crypto';
import { createType1, createType3, NtlmClientError, NtlmSession } from '../../harness/clients/ntlm.ts';
import { challengeOf, offersBasic } from '../../harness/clients/www-authenticate.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { getFolderBody } from '../../harness/clients/ews-client.ts';
import { outlookRequestBody } from '../../harness/clients/autodiscover-client.ts';
import { FOLDER_SYNC_REQUEST } from '../../harness/clients/eas-device.ts';
import { OwaBrowser } from '../../harness/clients/owa-browser.ts';
import type { UserSpec } from '../../harness/topology/index.ts';
import type { TranscriptLine } from '../../reports/types.ts';
import { autodiscoverNamespace, logonName } from './auth-http.ts';
import { AnswerWatch } from './answer-watch.ts';
import type { World } from './world.ts';

/** The vdirs a front door hops to a legacy CAS with the user's identity (001), OWA by forms. */
export type IdentityVdir = 'ews' | 'eas' | 'owa' | 'autodiscover' | 'oab' | 'rpc';
export const NTLM_VDIRS: readonly IdentityVdir[] = ['ews', 'eas', 'owa', 'autodiscover', 'oab', 'rpc'];
export const VDIR_LABEL: Record<IdentityVdir, string> = { ews: 'EWS', eas: 'EAS', owa: 'OWA', autodiscover: 'Autodiscover', oab: 'OAB', rpc: 'Outlook Anywhere' };

const OAB_MANIFEST = '/OAB/3d2c1b0a-9f8e-4d7c-6b5a-493827161504/oab.xml';
// MS-RPCH RTS CONN/B1 (the IN channel's first PDU), zero-filled commands as harness/clients/outlook-anywhere.ts sends.
const CONN_B1 = (() => {
  const b = Buffer.alloc(104);
  b.set([0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00], 0);
  b.writeUInt16LE(104, 8);
  b.writeUInt16LE(6, 18);
  return new Uint8Array(b);
})();

/** What one request brought back, at the client. */
export interface IdentityAnswer {
  /** `Red EWS #12` style label for evidence. */
  label: string;
  /** samAccountName of who asked, or null for an anonymous client. */
  asker: string | null;
  /** The User-Agent marker this request carried (journal key). */
  marker: string;
  vdir: IdentityVdir;
  /** Final status the client got (0: no answer, see `error`). */
  status: number;
  /** How the client authenticated this request: NTLM handshake, NTLM connection, Basic, forms, none. */
  auth: 'ntlm' | 'ntlm-connection' | 'basic' | 'forms' | 'none';
  /** `X-Lab-Served-User` of the answer, when the front door relayed it. */
  servedHeader: string | null;
  /** Users the body names (`lab-served-user=` tokens, OWA's `data-user`). */
  bodyUsers: string[];
  /** The transport failed (closed, reset, timeout): no answer. */
  error?: string;
}

/** Per-rule request markers: a random tag, a counter, who asked; and whether the front door answered any yet. */
export class Markers {
  readonly tag = randomBytes(3).toString('hex');
  /** A timeout before the rule's first answer ends the rule as a hung front door (answer-watch.ts). */
  readonly watch = new AnswerWatch();
  #n = 0;
  constructor(readonly rule: string) {}
  next(who: string): string {
    return `cas-conformance-identity/1.0 (${this.rule} ${this.tag}-${++this.#n} ${who})`;
  }
  /** Is this User-Agent one of this rule's markers? */
  owns(userAgent: string | null): boolean {
    return !!userAgent && userAgent.includes(`(${this.rule} ${this.tag}-`);
  }
}

interface Shape {
  method: string;
  path: string;
  namespace?: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The NTLM Type 1 leg goes without the body (an RPC client authenticates before it streams). */
  bodilessNegotiate?: boolean;
}

/** The request a client of `vdir` sends (as `user`, or anonymous: no User= parameter, no address of its own). */
function shape(w: World, vdir: IdentityVdir, user: UserSpec | null, deviceTag: string): Shape {
  const domain = w.lab.topology.domain;
  switch (vdir) {
    case 'ews':
      return { method: 'POST', path: '/EWS/Exchange.asmx', headers: { 'content-type': 'text/xml; charset=utf-8' }, body: getFolderBody() };
    case 'eas': {
      const dev = `ID${deviceTag}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 32);
      const q = `Cmd=FolderSync${user ? `&User=${encodeURIComponent(user.samAccountName)}` : ''}&DeviceId=${dev}&DeviceType=SmartPhone`;
      return { method: 'POST', path: `/Microsoft-Server-ActiveSync?${q}`, headers: { 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '14.1' }, body: Buffer.from(FOLDER_SYNC_REQUEST) };
    }
    case 'autodiscover':
      return { method: 'POST', path: '/Autodiscover/Autodiscover.xml', namespace: autodiscoverNamespace(w), headers: { 'content-type': 'text/xml; charset=utf-8' }, body: outlookRequestBody(user?.email ?? `nobody@${domain}`) };
    case 'oab':
      return { method: 'GET', path: OAB_MANIFEST, headers: {} };
    case 'rpc': {
      // The anonymous client names a mailbox server too (any it knows): the first of the organisation.
      const server = user?.mailboxServer ?? w.lab.topology.mailboxServers[0]!.name;
      return { method: 'RPC_IN_DATA', path: `/rpc/rpcproxy.dll?${server}:6001`, headers: { accept: 'application/rpc', 'content-type': 'application/rpc', 'cache-control': 'no-cache' }, body: Buffer.from(CONN_B1), bodilessNegotiate: true };
    }
    case 'owa':
      return { method: 'GET', path: '/owa/', headers: { accept: 'text/html' } };
  }
}

/** Users a body names: `lab-served-user=` tokens and OWA's `data-user`. */
export function bodyUsers(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/lab-served-user=([A-Za-z0-9._-]+)/g)) out.add(m[1]!.toLowerCase());
  for (const m of body.matchAll(/data-user="([^"]+)"/g)) out.add(m[1]!.toLowerCase());
  return [...out];
}

function header(h: Record<string, string | string[]>, name: string): string | null {
  const v = h[name];
  return v === undefined ? null : (Array.isArray(v) ? v.join(', ') : v).toLowerCase();
}


/**
 * One keep-alive client connection to the front door. HTTP vdirs share the connection (a namespace of its
 * own for Autodiscover gets a second one); OWA signs in by forms in a browser of its own.
 */
export class IdentityClient {
  readonly #sessions = new Map<string, NtlmSession>();
  /** How this client authenticates later requests: by the connection (after an NTLM handshake), Basic, or not at all. */
  #mode: 'none' | 'ntlm' | 'basic' = 'none';
  #closedConnections = 0;
  readonly transcript: TranscriptLine[] = [];
  readonly name: string;

  constructor(readonly w: World, readonly marks: Markers, readonly user: UserSpec | null, readonly timeoutMs = 10_000) {
    this.name = user?.name ?? 'anonymous';
  }

  /** TCP connections this client opened so far (1 per namespace when the front door kept them alive). */
  get connections(): number {
    let n = this.#closedConnections;
    for (const s of this.#sessions.values()) n += s.connections;
    return n;
  }

  #session(namespace: string): NtlmSession {
    let s = this.#sessions.get(namespace);
    if (!s) {
      const origin = new URL(this.w.url('/', namespace)).origin;
      s = new NtlmSession(origin, { connect: { ca: this.w.lab.trustBundle(), lookup: labLookup(this.w.hosts()), servername: namespace }, timeoutMs: this.timeoutMs });
      this.#sessions.set(namespace, s);
    }
    return s;
  }

  /**
   * One request to `vdir`. A user's client authenticates the way the front door offers: an NTLM handshake
   * the first time (and again when a later request on the connection is refused), Basic when the 401 offers
   * only Basic; EAS (a device) always Basic. An anonymous client sends neither credentials nor cookies.
   */
  async call(vdir: IdentityVdir): Promise<IdentityAnswer> {
    if (vdir === 'owa' && this.user) return this.#owaSignIn();
    const marker = this.marks.next(this.user?.samAccountName ?? 'anonymous');
    const label = `${this.name} ${VDIR_LABEL[vdir]} #${marker.split(' ')[2]!.split('-')[1]}`;
    const s = shape(this.w, vdir, this.user, `${this.marks.tag}${this.user?.samAccountName ?? 'anon'}`);
    const namespace = s.namespace ?? this.w.lab.topology.frontDoor.namespaces[0]!;
    const session = this.#session(namespace);
    const headers = { ...s.headers, 'user-agent': marker };
    const plain = { method: s.method, headers, ...(s.body !== undefined ? { body: s.body } : {}) };
    const answer = (r: { status: number; headers: Record<string, string | string[]>; body: string }, auth: IdentityAnswer['auth']): IdentityAnswer => ({
      label, asker: this.user?.samAccountName ?? null, marker, vdir, status: r.status, auth,
      servedHeader: header(r.headers, 'x-lab-served-user'), bodyUsers: bodyUsers(r.body),
    });
    const before = session.transcript.length;
    // Every answer counts for the rule's watch, a handshake's 401 included (answer-watch.ts).
    const ask = async (init: Parameters<NtlmSession['request']>[1]) => {
      const r = await session.request(s.path, init);
      this.marks.watch.answered();
      return r;
    };
    try {
      if (!this.user) return answer(await ask(plain), 'none');
      const basic = `Basic ${Buffer.from(`${logonName(this.w, this.user.name)}:${this.user.password}`).toString('base64')}`;
      if (vdir === 'eas' || this.#mode === 'basic') {
        return answer(await ask({ ...plain, authorization: { value: basic, summary: `Basic ${logonName(this.w, this.user.name)}:***` } }), 'basic');
      }
      if (this.#mode === 'ntlm') {
        const again = await ask(plain);
        if (again.status !== 401) return answer(again, 'ntlm-connection');
      }
      // The handshake: Type 1, the challenge, Type 3, on this connection.
      const type1 = createType1();
      const r1 = await ask({ ...plain, ...(s.bodilessNegotiate ? { body: undefined } : {}), authorization: { value: `NTLM ${type1.toString('base64')}`, summary: 'NTLM Type1' } });
      const token = r1.status === 401 ? challengeOf(r1.headers['www-authenticate']) : null;
      if (!token) {
        if (r1.status === 401 && offersBasic(r1.headers['www-authenticate'])) {
          this.#mode = 'basic';
          return answer(await ask({ ...plain, authorization: { value: basic, summary: `Basic ${logonName(this.w, this.user.name)}:***` } }), 'basic');
        }
        return answer(r1, 'ntlm');
      }
      const domain = this.w.lab.topology.organisation.netbiosDomain;
      const type3 = createType3(token, { user: this.user.samAccountName, password: this.user.password, domain });
      const r3 = await ask({ ...plain, authorization: { value: `NTLM ${type3.toString('base64')}`, summary: `NTLM Type3 ${domain}\\${this.user.samAccountName}` } });
      if (r3.status !== 401) this.#mode = 'ntlm';
      return answer(r3, 'ntlm');
    } catch (err) {
      if (!(err instanceof NtlmClientError)) throw err;
      this.marks.watch.unanswered(err);
      return { ...answer({ status: 0, headers: {}, body: '' }, this.#mode === 'ntlm' ? 'ntlm-connection' : 'none'), error: err.message.split('\n')[0]! };
    } finally {
      this.transcript.push({ dir: 'note', line: `(${label}, ${marker})` }, ...session.transcript.slice(before));
    }
  }

  /** OWA: the forms sign-in in a browser of its own, stopping at a silent-redirect form (the client stays on the front door). */
  async #owaSignIn(): Promise<IdentityAnswer> {
    const u = this.user!;
    const marker = this.marks.next(u.samAccountName);
    const label = `${this.name} OWA #${marker.split(' ')[2]!.split('-')[1]}`;
    const agent = this.w.agent({ source: `user:${u.samAccountName}` });
    try {
      const b = new OwaBrowser({ dispatcher: agent, userAgent: marker, maxAutoSubmits: 0, timeoutMs: this.timeoutMs });
      const nav = await b.login(this.w.url('/owa/'), logonName(this.w, u.name), u.password);
      this.transcript.push({ dir: 'note', line: `(${label}, ${marker})` }, ...nav.transcript.map((l) => ({ dir: l.dir, line: l.line })));
      if (nav.status > 0) this.marks.watch.answered();
      return { label, asker: u.samAccountName, marker, vdir: 'owa', status: nav.status, auth: 'forms', servedHeader: null, bodyUsers: bodyUsers(nav.body) };
    } catch (err) {
      this.marks.watch.unanswered(err);
      return { label, asker: u.samAccountName, marker, vdir: 'owa', status: 0, auth: 'forms', servedHeader: null, bodyUsers: [], error: (err as Error).message.split('\n')[0]! };
    } finally {
      await agent.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    for (const s of this.#sessions.values()) this.#closedConnections += s.connections;
    await Promise.allSettled([...this.#sessions.values()].map((s) => s.close()));
    this.#sessions.clear();
  }
}

/** The first `n` users of the world's topology (001's Red, Purple, Blue...; the 2007 built-in's User1..3...). */
export function topologyUsers(w: World, n: number): UserSpec[] {
  return w.lab.topology.users.slice(0, n);
}
