/**
 * AUTH-01's attempts: each protocol's real client (or a bare request, for "missing credentials")
 * presenting no credentials or a wrong password to the front door. An attempt says whether the front
 * door refused it the way RULES.md words it ("refused: an HTTP status >= 400 other than 451 (IMAP NO/BAD,
 * POP -ERR)"); for OWA forms sign-in, whether the browser stayed off the mailbox (a sign-in page again, or
 * an error). What reached the mock CAS servers is judged by the caller from the journal.
 * @example
 * const a = await attempt(w, 'Blue', 'ews', 'wrong');
 * a.refused; // true: 401 from the front door
 */
import type { TranscriptLine } from '../../reports/types.ts';
import { OwaBrowser } from '../../harness/clients/owa-browser.ts';
import { EasDevice } from '../../harness/clients/eas-device.ts';
import { getFolder, getFolderBody } from '../../harness/clients/ews-client.ts';
import { outlookRequestBody } from '../../harness/clients/autodiscover-client.ts';
import { imapSession } from '../../harness/clients/imap.ts';
import { Pop3Client } from '../../harness/clients/pop3.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { autodiscoverNamespace, frontDoorRequest, logonName, withAgent } from './auth-http.ts';
import { autodOutlook } from './autod-client.ts';
import { channelSummary, outlookAnywhere } from './oa-client.ts';
import type { World } from './world.ts';

/**
 * The password every "wrong credentials" attempt types. A fixed value, so a negative control can make
 * a front door accept it (harness/frontdoor/mock-defects/auth-tls-autod-oa.ts keeps the same string).
 */
export const WRONG_PASSWORD = 'Wrong-P@ssw0rd-AUTH01';

export type AuthProtocol = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'rpc-ntlm' | 'rpc-basic' | 'imap4' | 'pop3';
export type Credentials = 'missing' | 'wrong';

export interface Attempt {
  label: string;
  /**
   * The front door answered the attempt (an HTTP status; an IMAP/POP3 response to the login): what a
   * refusal needs to be one (RULES.md "refused" is an answer; a closed connection is not).
   */
  answered: boolean;
  refused: boolean;
  /** What the client got. */
  result: string;
  transcript: TranscriptLine[];
}

const OAB_MANIFEST = '/OAB/3d2c1b0a-9f8e-4d7c-6b5a-493827161504/oab.xml';
const refusedStatus = (s: number) => s >= 400 && s !== 451;

/** One attempt of `name` on `protocol` with missing or wrong credentials. */
export async function attempt(w: World, name: string, protocol: AuthProtocol, creds: Credentials): Promise<Attempt> {
  const u = w.user(name);
  const label = `${name} ${protocol} (${creds} credentials)`;
  const http = (status: number, transcript: TranscriptLine[], extra = ''): Attempt => ({ label, answered: status >= 100, refused: refusedStatus(status), result: `${label}: ${status}${extra}`, transcript });
  // Each user's attempts come from that user's own loopback address (world.agent `source`).
  const source = `user:${u.samAccountName}`;
  const slow = { timeoutMs: Math.round(10_000 * w.run.slow) };
  const none = (path: string, method: string, o: { body?: string; headers?: Record<string, string>; namespace?: string } = {}) =>
    frontDoorRequest(w, { path, method, source, ...o }).then((r) => http(r.status, r.transcript));
  switch (protocol) {
    case 'owa':
      return owaAttempt(w, name, creds, label);
    case 'eas': {
      const q = `?User=${encodeURIComponent(u.samAccountName)}&DeviceId=${u.samAccountName.replace(/[^A-Za-z0-9]/g, '')}AUTH&DeviceType=SmartPhone`;
      if (creds === 'missing') return none(`/Microsoft-Server-ActiveSync${q}`, 'OPTIONS', { headers: { 'ms-asprotocolversion': '14.1' } });
      return withAgent(w, async (dispatcher) => {
        const dev = new EasDevice({ dispatcher, baseUrl: w.url('/Microsoft-Server-ActiveSync'), user: u.samAccountName, password: WRONG_PASSWORD, deviceId: `${u.samAccountName.replace(/[^A-Za-z0-9]/g, '')}AUTH`.slice(0, 32), deviceType: 'SmartPhone', followLocation: false, ...slow });
        const r = await dev.options();
        return http(r.status, r.transcript);
      }, source);
    }
    case 'ews':
      if (creds === 'missing') return none('/EWS/Exchange.asmx', 'POST', { body: getFolderBody(), headers: { 'content-type': 'text/xml; charset=utf-8' } });
      return withAgent(w, async (agent) => {
        const r = await getFolder(agent, w.url('/EWS/Exchange.asmx'), u.samAccountName, WRONG_PASSWORD, slow);
        return http(r.status, r.transcript);
      }, source);
    case 'autodiscover':
      if (creds === 'missing') return none('/Autodiscover/Autodiscover.xml', 'POST', { body: outlookRequestBody(u.email), headers: { 'content-type': 'text/xml; charset=utf-8' }, namespace: autodiscoverNamespace(w) });
      return autodOutlook(w, name, WRONG_PASSWORD).then((a) => http(a.status, a.transcript, a.action ? ` Action=${a.action}` : ''));
    case 'oab':
      if (creds === 'missing') return none(OAB_MANIFEST, 'GET');
      return frontDoorRequest(w, { path: OAB_MANIFEST, source, basic: { user: u.samAccountName, password: WRONG_PASSWORD } }).then((r) => http(r.status, r.transcript));
    case 'rpc-ntlm':
    case 'rpc-basic': {
      if (creds === 'missing') return none(`/rpc/rpcproxy.dll?${u.mailboxServer}:6001`, 'RPC_IN_DATA', { headers: { 'content-type': 'application/rpc' } });
      const r = await outlookAnywhere(w, name, protocol === 'rpc-ntlm' ? 'NTLM' : 'Basic', { password: WRONG_PASSWORD });
      // Outlook opens the OUT channel only after the IN channel was accepted: both must be refused.
      return { label, answered: r.inData.status >= 100, refused: refusedStatus(r.inData.status) && (!r.outData || refusedStatus(r.outData.status)), result: `${label}: ${channelSummary(r)}`, transcript: r.transcript };
    }
    case 'imap4':
      return imapAttempt(w, name, label);
    case 'pop3':
      return pop3Attempt(w, name, label);
  }
}

/** OWA: "missing" opens /owa/ and stays there; "wrong" types a wrong password once. Never a mailbox page. */
async function owaAttempt(w: World, name: string, creds: Credentials, label: string): Promise<Attempt> {
  return withAgent(w, async (dispatcher) => {
    const b = new OwaBrowser({ dispatcher, timeoutMs: Math.round(10_000 * w.run.slow) });
    const nav = creds === 'missing' ? await b.open(w.url('/owa/')) : await b.login(w.url('/owa/'), logonName(w, name), WRONG_PASSWORD);
    // A sign-in page (again) or an error is a refusal; any other 2xx/3xx end is a mailbox the user should not see.
    const refused = nav.logonPage || refusedStatus(nav.status);
    return { label, answered: nav.status >= 100, refused, result: `${label}: final ${nav.status} "${nav.title}"${nav.logonPage ? ' (sign-in page)' : ''}${nav.stopped ? ` (${nav.stopped})` : ''}`, transcript: nav.transcript };
  }, `user:${w.user(name).samAccountName}`);
}

function mailEndpoint(w: World, secure: 'imaps' | 'pop3s'): { host: string; port: number } {
  return { host: w.lab.topology.frontDoor.namespaces[0]!, port: w.candidate.ports[secure] };
}

async function imapAttempt(w: World, name: string, label: string): Promise<Attempt> {
  const { host, port } = mailEndpoint(w, 'imaps');
  if (!port) return { label, answered: false, refused: false, result: `${label}: the front door has no IMAP4 (SSL) port`, transcript: [] };
  const r = await imapSession({ host, port, secure: true, starttls: 'never', ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()), user: logonName(w, name), pass: WRONG_PASSWORD, timeoutMs: Math.round(10_000 * w.run.slow), actions: ['list'] });
  notListening(label, r.ok ? undefined : r.error);
  const transcript = r.transcript.map((l) => ({ dir: l.dir, line: l.line }));
  // "refused": IMAP NO/BAD. A session that logged in is not; a transport failure is no answer at all.
  const refused = !r.ok && (r.authenticationFailed === true || /\b(NO|BAD)\b/.test(r.error ?? ''));
  return { label, answered: r.ok || refused, refused, result: `${label}: ${r.ok ? 'logged in' : r.error ?? 'failed'}`, transcript };
}

async function pop3Attempt(w: World, name: string, label: string): Promise<Attempt> {
  const { host, port } = mailEndpoint(w, 'pop3s');
  if (!port) return { label, answered: false, refused: false, result: `${label}: the front door has no POP3 (SSL) port`, transcript: [] };
  const pop = new Pop3Client({ host, port, secure: true, ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()), timeoutMs: Math.round(10_000 * w.run.slow) });
  let refused = false;
  let answered = false;
  let result: string;
  try {
    await pop.connect();
    await pop.login(logonName(w, name), WRONG_PASSWORD);
    result = 'logged in';
    answered = true;
    await pop.quit().catch(() => {});
  } catch (err) {
    const line = (err as { response?: string }).response;
    notListening(label, (err as Error).message);
    refused = typeof line === 'string' && line.startsWith('-ERR');
    answered = typeof line === 'string';
    result = line ?? (err as Error).message;
  } finally {
    pop.close();
  }
  return { label, answered, refused, result: `${label}: ${result}`, transcript: pop.transcript.map((l) => ({ dir: l.dir, line: l.line })) };
}

/** Not listening on a port the candidate offers is a dead or absent candidate (`error`, as mail.test.ts does), not a verdict. */
function notListening(label: string, error: string | undefined): void {
  if (error && /ECONNREFUSED/.test(error)) throw Object.assign(new Error(`${label}: ${error}`), { code: 'ECONNREFUSED' });
}

/**
 * A served user first, for a candidate that fronts mail only: `name` logs in over IMAP4 (SSL) with the
 * right password and a mock CAS journals that login as accepted. Returns [met, evidence].
 */
export async function mailServed(w: World, name: string): Promise<[boolean, string, TranscriptLine[]]> {
  const { host, port } = mailEndpoint(w, 'imaps');
  if (!port) return [false, 'the front door has no IMAP4 (SSL) port', []];
  const u = w.user(name);
  const since = w.mark();
  const r = await imapSession({ host, port, secure: true, starttls: 'never', ca: w.lab.trustBundle(), lookup: labLookup(w.hosts()), user: logonName(w, name), pass: u.password, timeoutMs: Math.round(10_000 * w.run.slow), actions: ['list'] });
  notListening(`${name} imap4`, r.ok ? undefined : r.error);
  const sam = u.samAccountName.toLowerCase();
  // The mock journals an accepted login before its OK leaves (mail-login); the connection's own `mail`
  // event waits for the front door to close it, which a pooling front door (Dovecot) does late.
  const login = w.lab.journal.since(since).find((e) => e.kind === 'mail-login' && e.user.toLowerCase().replace(/^.*\\/, '') === sam);
  const evidence = `${name} IMAP4 with the right password: ${r.ok ? 'logged in' : r.error ?? 'failed'}; ${login ? `${login.server} accepted the login` : 'no mock CAS accepted a login of this user'}`;
  return [r.ok && login !== undefined, evidence, r.transcript.map((l) => ({ dir: l.dir, line: l.line }))];
}
