/**
 * The load scenario's oracle: for each user and protocol, which legacy CAS may handle that user's request
 * when the front door behaves as an Exchange 2013 CAS in front of 2007 and 2010 (seed 001, second half;
 * RULES.md exchange2013 column). Written here from the seeds, case by case, with the topology's data
 * (sites, builds, ExternalURLs) read through harness/topology/roles.ts, which holds no routing decision.
 * Nothing here is shared with a candidate (ARCHITECTURE.md "the oracle rule").
 *
 * "Allowed" is literal: a CAS outside the list that journals the user's request with the user's identity
 * was handed it by the front door (a misroute), or by another legacy CAS relaying it (also a misroute:
 * harness/verify/no-relay.ts, "proxied to X means the front door itself reached X").
 */
import type { ServerSpec, Topology, UserSpec } from '../topology/index.ts';
import { mailboxPlace, siteServers, type MailboxPlace } from '../topology/roles.ts';

export const LOAD_PROTOCOLS = ['owa', 'eas', 'ews', 'autodiscover', 'imap', 'pop3'] as const;
export type LoadProtocol = (typeof LOAD_PROTOCOLS)[number];

/** How the user reaches the mailbox for a protocol (RULES.md "Words with one meaning"). */
export type LoadPath = 'proxied' | 'silent-redirect' | 'front-door-answers';

export interface Expectation {
  protocol: LoadProtocol;
  path: LoadPath;
  /** CAS (FQDNs) that may journal this user's request with the user's identity. */
  allowed: string[];
  /** The mailbox's own CAS of its version and site: where failover may move the user (003: "CAS-02"). */
  pool: string[];
  /** Silent redirect: the namespace the browser ends on (001: `legacy`, `mail-region`). */
  namespace?: string;
  /** A mock must journal the request as served for the user (false when the front door answers itself). */
  journalExpected: boolean;
  /** Where the baseline sends the same request straight to a mock: a host name, or null (no mock serves it). */
  direct: string | null;
  /** The seed sentence the case comes from. */
  why: string;
}

export class OracleError extends Error {
  readonly code = 'LOAD_ORACLE';
}

function owaExternalHost(s: ServerSpec): string | null {
  const url = s.vdirs.owa.externalUrl;
  return url ? new URL(url).hostname.toLowerCase() : null;
}

/** The CAS a namespace names: the topology's namespace target, else the server publishing it. */
function serverOfNamespace(t: Topology, name: string): ServerSpec | undefined {
  const ns = t.namespaces.find((n) => n.name === name);
  const target = ns?.target.startsWith('server:') ? ns.target.slice('server:'.length) : null;
  return t.servers.find((s) => s.fqdn === target) ?? t.servers.find((s) => s.namespaces.includes(name) || owaExternalHost(s) === name);
}

/** A CAS of `product` in `site` publishing an OWA ExternalURL that is not the front door's own name. */
function externalOwa(t: Topology, site: string, product: 2007 | 2010): { server: ServerSpec; host: string } | null {
  const own = new Set(t.frontDoor.namespaces.map((n) => n.toLowerCase()));
  for (const s of siteServers(t, site, product)) {
    const host = owaExternalHost(s);
    if (host && !own.has(host)) return { server: s, host };
  }
  return null;
}

function owa(t: Topology, place: MailboxPlace, own: string[]): Omit<Expectation, 'protocol' | 'pool'> {
  const fdSite = t.frontDoor.site;
  if (place.product === 2007) {
    // 001 OWA 2: "CAS2013 will initiate a single sign-on silent redirect ... to legacy.contoso.com"; Note: a
    // 2007 mailbox in Site3 goes the same way, and "CAS2007 in Site1 will authenticate the user and proxy".
    const legacy = externalOwa(t, place.site, 2007) ?? externalOwa(t, fdSite, 2007) ?? t.sites.filter((s) => s.internetFacing).map((s) => externalOwa(t, s.name, 2007)).find(Boolean) ?? null;
    if (!legacy) throw new OracleError(`no Exchange 2007 OWA ExternalURL to redirect a 2007 mailbox to (001 OWA 2 needs the legacy namespace)`);
    const server = serverOfNamespace(t, legacy.host) ?? legacy.server;
    return { path: 'silent-redirect', namespace: legacy.host, allowed: [...new Set([server.fqdn, ...own])], journalExpected: true, direct: legacy.host, why: '001 OWA 2: "single sign-on silent redirect ... to legacy"' };
  }
  if (place.site !== fdSite) {
    const ext = externalOwa(t, place.site, 2010);
    // 001 OWA 4b: Site2 "does contain an OWA ExternalURL": silent redirect to mail-region.
    if (ext) return { path: 'silent-redirect', namespace: ext.host, allowed: own, journalExpected: true, direct: ext.host, why: '001 OWA 4b: "single sign-on silent redirect" to the site\'s OWA ExternalURL' };
    // 001 OWA 3: Site3 "does not contain any OWA ExternalURLs": "CAS2013 in Site1 will proxy the request to CAS2010 in Site3".
    return { path: 'proxied', allowed: own, journalExpected: true, direct: own[0] ?? null, why: '001 OWA 3: "CAS2013 in Site1 will proxy the request to CAS2010 in Site3"' };
  }
  // 001 OWA 1: the mailbox is in the local site: proxied to a CAS2010 there.
  return { path: 'proxied', allowed: own, journalExpected: true, direct: own[0] ?? null, why: '001 OWA 1: proxied to a CAS2010 of the local site' };
}

/**
 * What the front door must do with `user`'s request on `protocol`.
 * @example
 * expectation(contoso, blue, 'ews')   // { path: 'proxied', allowed: ['cas2010a.site3...', 'cas2010b.site3...'], ... }
 * expectation(contoso, purple, 'owa') // { path: 'silent-redirect', namespace: 'legacy.contoso.lab', allowed: ['cas2007.site1...'], ... }
 */
export function expectation(t: Topology, user: UserSpec, protocol: LoadProtocol): Expectation {
  const place = mailboxPlace(t, user);
  if (!place || (place.product !== 2007 && place.product !== 2010)) throw new OracleError(`${user.name}: the mailbox server ${user.mailboxServer} is not a 2007 or 2010 mailbox server of the topology`);
  const pool = siteServers(t, place.site, place.product).map((s) => s.fqdn);
  if (!pool.length) throw new OracleError(`${user.name}: no Exchange ${place.product} CAS in ${place.site}, the mailbox's site`);
  const proxied = (why: string): Expectation => ({ protocol, path: 'proxied', allowed: pool, pool, journalExpected: true, direct: pool[0]!, why });
  switch (protocol) {
    case 'owa':
      return { protocol, pool, ...owa(t, place, pool) };
    case 'eas':
      // 001: "Exchange 2013 will always proxy ActiveSync requests" to a CAS2010 of the mailbox's site; 2007:
      // "an Exchange 2007 Client Access server that exists within the mailbox's site".
      return proxied('001 EAS: "will always proxy ActiveSync requests" to a CAS of the mailbox\'s version in its site');
    case 'ews':
      // 001 EWS: Red -> "an Exchange 2010 Client Access server within the local site"; Blue -> "located in Site3".
      return proxied('001 EWS: proxied to a CAS of the mailbox\'s version in its site');
    case 'autodiscover':
      // 001: 2010 mailbox -> "proxy the request to an Exchange 2010 Client Access server that exists within the
      // mailbox's local site"; 2007 mailbox -> an Exchange 2013 Mailbox server "will generate the Autodiscover
      // response": no legacy CAS receives it (RULES.md AUTOD-02).
      if (place.product === 2010) return proxied('001 Autodiscover: 2010 mailbox, proxied to a CAS2010 of the mailbox\'s site');
      return { protocol, path: 'front-door-answers', allowed: [], pool, journalExpected: false, direct: null, why: '001 Autodiscover: 2007 mailbox, the Exchange 2013 side "will generate the Autodiscover response"' };
    case 'imap':
    case 'pop3':
      // 001 POP/IMAP: "proxy the request to a CAS ... in the mailbox's site" (MAIL-01/02); 003: "must connect to a
      // Client Access server in the same Active Directory site as its Mailbox server".
      return proxied('001 POP/IMAP: a CAS of the mailbox\'s version in the mailbox\'s site (MAIL-01, MAIL-02)');
  }
}

/** Every protocol's expectation for a user. */
export function expectations(t: Topology, user: UserSpec): Record<LoadProtocol, Expectation> {
  return Object.fromEntries(LOAD_PROTOCOLS.map((p) => [p, expectation(t, user, p)])) as Record<LoadProtocol, Expectation>;
}
