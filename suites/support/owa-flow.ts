/**
 * OWA through the front door, as a user does it: one browser, one sign-in, then whatever the front
 * door answers (RULES.md "Words with one meaning"). These helpers only observe and name what happened;
 * the expectations (which user, which namespace, which CAS) stay in the area files (the oracle rule).
 * @example
 * const v = await signInOwa(w, 'Purple');
 * v.finalHost;        // 'legacy.example.lab' (Purple's namespace) after a silent redirect
 * v.mailbox?.user;    // 'purple' when the page is Purple's mailbox
 */
import type { Dispatcher } from 'undici';
import { OwaBrowser, type OwaNavigation } from '../../harness/clients/owa-browser.ts';
import type { UserSpec } from '../../harness/topology/index.ts';
import type { HttpEvent } from '../../harness/journal/events.ts';
import { check, hostName, userRequests } from '../../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../../harness/verify/no-relay.ts';
import type { RuleContext } from './rule.ts';
import type { World } from './world.ts';

/** What the mailbox page says about itself (`<div id="mailbox" data-user=... data-server=... data-build=...>`). */
export interface MailboxPage {
  user: string;
  server: string | null;
  build: string | null;
}

export interface OwaVisit {
  browser: OwaBrowser;
  nav: OwaNavigation;
  user: UserSpec;
  /** `NETBIOS\sam`, what the user types. */
  login: string;
  mailbox: MailboxPage | null;
  /** Host name of the browser's final URL. */
  finalHost: string;
}

/** The mailbox block of a page, or null when the page is not a mailbox. */
export function mailboxPage(body: string): MailboxPage | null {
  const tag = /<div\b[^>]*\bid\s*=\s*"mailbox"[^>]*>/i.exec(body)?.[0];
  if (!tag) return null;
  const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1] ?? null;
  const user = attr('data-user');
  return user === null ? null : { user: user.toLowerCase(), server: attr('data-server'), build: attr('data-build') };
}

/** Host name of the front door's first namespace (e.g. mail.example.lab). */
export function frontDoorHost(w: World): string {
  return new URL(w.url('/')).hostname;
}

function host(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/**
 * Open `/owa/` on the front door and sign in once as `userName` (a topology user name or sam).
 * The browser follows redirects and self-submitting forms and never types credentials twice. It
 * connects from the user's own client address (world.agent `source`) unless a dispatcher is given.
 */
export async function signInOwa(w: World, userName: string, o: { dispatcher?: Dispatcher; namespace?: string } = {}): Promise<OwaVisit> {
  const user = w.user(userName);
  const login = `${w.lab.topology.organisation.netbiosDomain}\\${user.samAccountName}`;
  const browser = new OwaBrowser({ dispatcher: o.dispatcher ?? w.agent({ source: user.samAccountName }) });
  const nav = await browser.login(w.url('/owa/', o.namespace), login, user.password);
  return { browser, nav, user, login, mailbox: mailboxPage(nav.body), finalHost: host(nav.finalUrl) };
}

/** Reload `/owa/` in the same browser (same cookies): a new request of the same user. */
export async function reloadOwa(w: World, v: OwaVisit): Promise<OwaVisit> {
  const nav = await v.browser.open(w.url('/owa/'));
  return { ...v, nav, mailbox: mailboxPage(nav.body), finalHost: host(nav.finalUrl) };
}

/** One line for the report: where the browser ended and what it showed. */
export function describeVisit(v: OwaVisit): string {
  const n = v.nav;
  const page = v.mailbox ? `mailbox of ${v.mailbox.user}${v.mailbox.server ? ` (page from ${v.mailbox.server})` : ''}` : n.logonPage ? 'a sign-in page' : n.manualRedirect ? `a page naming ${n.manualRedirect.url}` : `"${n.title}"`;
  return `${v.user.name}: status ${n.status} at ${n.finalUrl || '(nowhere)'}: ${page}; credentials typed ${n.credentialsTyped}, self-submitting forms ${n.silentRedirects}${n.stopped ? `; browser stopped: ${n.stopped}` : ''}`;
}

/** Non-probe OWA requests of `sam` that reached one of `servers` after `since`. */
export function owaRequestsAt(w: World, since: number, servers: readonly string[], sam: string): HttpEvent[] {
  return userRequests(w.lab.journal, since, (e) => servers.includes(e.server) && e.vdir === 'owa' && e.user === sam);
}

/**
 * Precondition of a silent redirect to `namespace`: a mock CAS answered the user's OWA request (2xx) that
 * the browser sent to `namespace` (Host header): the redirect was followed and the user was served there.
 */
export function requireServedAt(t: RuleContext, w: World, v: OwaVisit, since: number, namespace: string): HttpEvent | undefined {
  const sam = v.user.samAccountName;
  const at = userRequests(w.lab.journal, since, (e) => e.vdir === 'owa' && e.user === sam && hostName(e.host) === namespace && e.status >= 200 && e.status < 300);
  t.require(`${v.user.name}'s OWA served at ${namespace} (the browser reached it and a CAS answered ${sam} there)`, at.length > 0, `${describeVisit(v)}; ${describeHits(w, since, sam)}`);
  return at[0];
}

/** RULES "silent redirect to N": one sign-in, the final URL on N, the user's own mailbox page. */
export function checkSilentRedirect(v: OwaVisit, namespace: string): void {
  const sam = v.user.samAccountName;
  check(v.nav.credentialsTyped === 1, `${v.user.name}: credentials typed once`, `typed ${v.nav.credentialsTyped} times${v.nav.stopped ? ` (${v.nav.stopped})` : ''}`);
  check(v.finalHost === namespace, `${v.user.name}: the browser ends on ${namespace}`, describeVisit(v));
  check(v.nav.status >= 200 && v.nav.status < 300 && v.mailbox?.user === sam, `${v.user.name}: ${sam}'s mailbox page (2xx) on ${namespace}`, describeVisit(v));
}

/**
 * Precondition of "proxied to X": one of `servers` answered the user's OWA request (2xx) after `since`.
 * Returns that request.
 */
export function requireProxied(t: RuleContext, w: World, v: OwaVisit, since: number, servers: readonly string[]): HttpEvent {
  const sam = v.user.samAccountName;
  const at = owaRequestsAt(w, since, servers, sam).filter((e) => e.status >= 200 && e.status < 300);
  t.require(`${v.user.name}'s OWA request answered (2xx) by ${servers.join(' or ')}`, at.length > 0, `${describeVisit(v)}; ${describeHits(w, since, sam)}`);
  return at[0]!;
}

/**
 * RULES "proxied to X": (precondition) one of `servers` answered the user's OWA request; the browser
 * stays on the front door's namespace with the user's mailbox and a 2xx; and X got the request from the
 * front door itself (no legacy CAS relayed it). Returns X's request.
 */
export function checkProxied(t: RuleContext, w: World, v: OwaVisit, since: number, servers: readonly string[]): HttpEvent {
  const e = requireProxied(t, w, v, since, servers);
  const sam = v.user.samAccountName;
  const fd = frontDoorHost(w);
  check(v.finalHost === fd, `${v.user.name}: the browser stays on ${fd}`, describeVisit(v));
  check(v.nav.status >= 200 && v.nav.status < 300 && v.mailbox?.user === sam, `${v.user.name}: ${sam}'s mailbox page with a 2xx`, describeVisit(v));
  checkNoLegacyRelay(w, since, { user: sam, vdir: 'owa' });
  return e;
}

/**
 * RULES "served locally": (precondition) a 2xx mailbox page of the user on the front door; and no mock
 * CAS but the front door saw a request of the user.
 */
export function checkServedLocally(t: RuleContext, w: World, v: OwaVisit, since: number): void {
  const sam = v.user.samAccountName;
  const fd = frontDoorHost(w);
  t.require(`${v.user.name}: ${sam}'s mailbox page (2xx) on ${fd}`, v.finalHost === fd && v.nav.status >= 200 && v.nav.status < 300 && v.mailbox?.user === sam, describeVisit(v));
  const others = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.user === sam);
  check(others.length === 0, `no mock CAS other than the front door sees a request of ${sam}`, others.map((e) => `${e.server} ${e.method} ${e.path} user=${e.user ?? '-'}`).join('; '));
}

/**
 * Precondition of a refusal judged after a sign-in: the front door took the user's credentials (the
 * sign-in form was filled once and answered), so the refusal is about what comes next, not the sign-in.
 */
export function requireSignedIn(t: RuleContext, v: OwaVisit): void {
  t.require(`${v.user.name} typed the credentials into the front door's sign-in form and got an answer`, v.nav.credentialsTyped === 1 && !v.nav.logonPage, describeVisit(v));
}

/**
 * RULES "refused": `status` (the client's final answer) >= 400 other than 451, at most one request reaching
 * any mock CAS but the front door after `since`, and no http:// hop.
 */
export function checkRefused(w: World, status: number, since: number, label: string, sam?: string): void {
  check(status >= 400 && status !== 451, `${label}: refused (status >= 400, not 451)`, `status ${status}`);
  const reached = targetRequests(w, since, sam);
  check(reached.length <= 1, `${label}: at most one request reaching any target`, reached.map((e) => `${e.server} ${e.method} ${e.path} -> ${e.status}`).join('; '));
  const plain = reached.filter((e) => e.scheme === 'http');
  check(plain.length === 0, `${label}: no http:// hop`, plain.map((e) => `http://${e.host}${e.path}`).join('; '));
}

/**
 * Requests that reached a mock CAS other than the front door after `since`, counting an NTLM/Negotiate
 * handshake as part of the request it authenticates (its 401 challenge leg is not a request of its own).
 * With `sam`: only the requests of that user, or of no user (an unauthenticated hop made for it).
 */
export function targetRequests(w: World, since: number, sam?: string): HttpEvent[] {
  return userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && !(e.status === 401 && /^(ntlm|negotiate)$/i.test(e.authScheme ?? '')) && (!sam || e.user === sam || e.user === null));
}

/** The journal's OWA requests of a user, one per line (for `actual`). */
export function describeHits(w: World, since: number, sam: string): string {
  const hits = userRequests(w.lab.journal, since, (e) => e.user === sam && e.server !== w.frontDoorMock);
  return hits.length ? hits.map((e) => `${e.server} ${e.method} ${e.path} Host=${e.host} -> ${e.status} (${e.decision})`).join('; ') : `no request of ${sam} reached a mock CAS`;
}
