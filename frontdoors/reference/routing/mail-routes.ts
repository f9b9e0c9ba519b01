/**
 * Where a POP3 or IMAP4 session goes (001, "IMAP & POP Coexistence"), pure:
 * - 2010 mailbox: "CAS2013 will enumerate the POP or IMAP InternalConnectionSettings property value for
 *   each Exchange 2010 Client Access server within the mailbox's site";
 * - 2007 mailbox: "CAS2013 will enumerate each Exchange 2007 Client Access server's server FQDN within the
 *   mailbox's site" (the port is the one of the chosen method in its settings);
 * - the method: "If the incoming connection is over an encrypted channel, CAS2013 will try to locate an SSL
 *   proxy target first, TLS next, plaintext lastly. If the incoming connection is over a plaintext channel,
 *   CAS2013 will try to locate a plaintext proxy target first, SSL next, TLS lastly."
 * Exchange 2013 opens that one connection ("do not validate that the POP or IMAP services are actually
 * running"); the hardened add-on returns further attempts to fall back on (MAIL-08) and never carries an
 * encrypted session on plaintext while an encrypted method is offered (MAIL-07).
 */
import type { DirServer, DirUser, MailMethod, MailProtocol } from '../../../harness/topology/directory-contract.ts';
import type { LoginType } from '../../../harness/topology/schema.ts';
import { casIn, type OrgView } from './org-view.ts';
import { rendezvous, type AffinityTable } from './affinity.ts';

export interface MailAttempt {
  server: DirServer;
  /** Host to connect to and name in SNI (the setting's host for 2010, the FQDN for 2007). */
  host: string;
  /** The real port. */
  port: number;
  /** The logical port Exchange prints (993, 143, ...). */
  logicalPort: number;
  method: MailMethod;
  loginType: LoginType;
  setting: string;
}

export interface MailRouteOptions {
  /** The client's session is encrypted (implicit TLS, or STARTTLS/STLS before login). */
  clientEncrypted: boolean;
  hardened?: boolean;
  /** Defect `mail-order-reversed`. */
  reversed?: boolean;
  /** Defect `mail-plain-before-tls`: an encrypted session tries SSL, then plaintext, then TLS. */
  plainBeforeTls?: boolean;
  /** Defect `ignore-out-of-service`. */
  ignoreOutOfService?: boolean;
  /** Defect `mail-wrong-site`: the front door's own site instead of the mailbox's. */
  wrongSite?: boolean;
  affinity?: AffinityTable;
}

/** 001's order of methods for a client session. */
export function methodOrder(clientEncrypted: boolean, reversed = false, plainBeforeTls = false): MailMethod[] {
  const order: MailMethod[] = clientEncrypted ? (plainBeforeTls ? ['ssl', 'plain', 'tls'] : ['ssl', 'tls', 'plain']) : ['plain', 'ssl', 'tls'];
  return reversed ? order.reverse() : order;
}

/**
 * Every endpoint a mailbox's site offers for the protocol, before any ordering. `site` replaces the
 * mailbox's site for the defect `mail-wrong-site` only.
 */
export function mailEndpointsFor(view: OrgView, protocol: MailProtocol, user: DirUser, ignoreOutOfService = false, site = user.site): MailAttempt[] {
  const out: MailAttempt[] = [];
  for (const s of casIn(view, site, user.mailboxVersion)) {
    const svc = s[protocol];
    if (!svc?.enabled || (s.isOutOfService && !ignoreOutOfService)) continue;
    for (const e of svc.internalConnectionSettings) {
      out.push({ server: s, host: user.mailboxVersion === 2010 ? e.host : s.fqdn, port: e.labPort, logicalPort: e.port, method: e.method, loginType: svc.loginType, setting: e.setting });
    }
  }
  return out;
}

/**
 * The connections to try, in order: one for the exchange2013 behaviour, more with `hardened`.
 * @example
 * mailAttempts(view, 'imap4', blue, { clientEncrypted: false })[0].method // 'plain' where Site3 offers one
 */
export function mailAttempts(view: OrgView, protocol: MailProtocol, user: DirUser, o: MailRouteOptions): MailAttempt[] {
  let endpoints = mailEndpointsFor(view, protocol, user, o.ignoreOutOfService, o.wrongSite ? view.frontDoorSite : user.site);
  if (o.hardened) {
    // MAIL-07: no credentials in cleartext to a target that refuses plaintext login, and no encrypted
    // session carried on plaintext while an encrypted method is offered.
    endpoints = endpoints.filter((e) => e.method !== 'plain' || e.loginType !== 'SecureLogin');
    if (o.clientEncrypted && endpoints.some((e) => e.method !== 'plain')) endpoints = endpoints.filter((e) => e.method !== 'plain');
  }
  const key = `${protocol}|${user.samAccountName}`;
  const ordered: MailAttempt[] = [];
  for (const method of methodOrder(o.clientEncrypted, o.reversed, o.plainBeforeTls)) {
    const group = endpoints.filter((e) => e.method === method);
    if (!group.length) continue;
    // Among endpoints of one method: the user's remembered (or hashed) one first, then the others.
    const ids = group.map((e) => `${e.server.fqdn}|${e.setting}`);
    const first = o.affinity ? o.affinity.choose(`${key}|${method}`, ids) : rendezvous(key, ids);
    ordered.push(...group.filter((_, i) => ids[i] === first), ...group.filter((_, i) => ids[i] !== first));
  }
  return o.hardened ? ordered : ordered.slice(0, 1);
}
