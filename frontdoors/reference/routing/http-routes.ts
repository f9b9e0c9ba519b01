/**
 * Where an HTTP request of an authenticated user goes: the Exchange 2013 decisions of the second
 * half of seed 001, one function per protocol, pure (directory data in, a decision out). Health and
 * affinity narrow a decision's pool to one server afterwards (pickServer).
 */
import type { DirServer, DirUser } from '../../../harness/topology/directory-contract.ts';
import type { Defect } from '../options.ts';
import { casIn, type OrgView } from './org-view.ts';
import type { AffinityTable } from './affinity.ts';

export type HttpProtocol = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'rpc';
/** What the health probes judge (001: "up for the protocol in question"). */
export type HealthProtocol = 'owa' | 'eas' | 'ews' | 'oab' | 'ecp' | 'powershell' | 'rpc';

/** How the hop names its target (TLS-06: by FQDN; EAS-05: CAS2007 EAS at its InternalURL host). */
export type HopVia = 'fqdn' | 'internal-url';

export type HttpDecision =
  | { kind: 'proxy'; protocol: HttpProtocol; pool: DirServer[]; via: HopVia; why: string }
  | { kind: 'silent-redirect'; server: DirServer; url: string; why: string }
  | { kind: 'autodiscover-local'; why: string }
  | { kind: 'eas-451'; location: string; why: string }
  | { kind: 'refuse'; status: number; why: string };

export interface DecideOptions {
  defects?: ReadonlySet<Defect>;
  /** EAS DeviceType (for the `eas-451` defect only: 2013 never answers 451). */
  deviceType?: string | null;
}

/** The health protocol that stands for a routed protocol (Autodiscover has no probe: EWS's app stands in). */
export function healthProtocolOf(p: HttpProtocol): HealthProtocol {
  return p === 'autodiscover' ? 'ews' : p;
}

const has = (o: DecideOptions, d: Defect) => o.defects?.has(d) ?? false;

/** The OWA ExternalURL of the first CAS of `product` in `site` that has one. */
function owaExternal(view: OrgView, site: string, product: 2007 | 2010): DirServer | undefined {
  return casIn(view, site, product).find((s) => s.vdirs.owa.labExternalUrl);
}

/** Proxied decisions counted by the `misroute-1pct` defect, and whether a misroute is owed (the only state of this file). */
let proxiedCount = 0;
let misrouteOwed = false;

/**
 * Decide for one request of `user` on `protocol`.
 * @example
 * decide(view, 'eas', red) // { kind: 'proxy', pool: [cas2010.site1], via: 'fqdn', ... }
 */
export function decide(view: OrgView, protocol: HttpProtocol, user: DirUser, o: DecideOptions = {}): HttpDecision {
  const d = decidedFor(view, protocol, user, o);
  // Defect `relay-via-site1`: every proxied request goes to a CAS2010 of the front door's own site, which
  // proxies it on to the mailbox's site as Exchange 2010 does (001, first half): the target is reached by a relay.
  if (d.kind === 'proxy' && has(o, 'relay-via-site1')) {
    const local = casIn(view, view.frontDoorSite, 2010);
    if (local.length) return { ...d, pool: local, via: 'fqdn', why: 'defect relay-via-site1' };
  }
  // Defect `misroute-1pct` (the load scenario's negative control): one proxied request in a hundred goes to
  // a CAS of the mailbox's version in another site, as a front door with a stale site map would. The first
  // is the 10th, so a short run on a slow machine still draws one; a user with no such CAS defers it.
  if (d.kind === 'proxy' && has(o, 'misroute-1pct')) {
    if (++proxiedCount % 100 === 10) misrouteOwed = true;
    const other = misrouteOwed ? view.sites.map((s) => casIn(view, s.name, user.mailboxVersion)).find((pool) => pool.length && pool[0]!.site !== user.site) : undefined;
    if (other) {
      misrouteOwed = false;
      return { ...d, pool: other, via: 'fqdn', why: 'defect misroute-1pct' };
    }
  }
  return d;
}

/**
 * decideFor's answer, kept per defects, view, user and protocol: it reads only those, and a front door
 * keeps its defects and a view for their lives (issue 14: the decision, its pool and its reason were made
 * again for every proxied request). A new map read is a new view, and a user the directory answered again
 * is a new object, so no request is served a decision made from older data. Not kept where the request
 * itself counts: EAS under the defect `eas-451` (the device type). Callers only read what they get.
 */
const DECIDED = new WeakMap<object, WeakMap<OrgView, WeakMap<DirUser, Map<HttpProtocol, HttpDecision>>>>();
const NO_DEFECTS = {};

function decidedFor(view: OrgView, protocol: HttpProtocol, user: DirUser, o: DecideOptions): HttpDecision {
  if (protocol === 'eas' && has(o, 'eas-451')) return decideFor(view, protocol, user, o);
  const defects = o.defects ?? NO_DEFECTS;
  let byView = DECIDED.get(defects);
  if (byView === undefined) DECIDED.set(defects, (byView = new WeakMap()));
  let byUser = byView.get(view);
  if (byUser === undefined) byView.set(view, (byUser = new WeakMap()));
  let byProtocol = byUser.get(user);
  if (byProtocol === undefined) byUser.set(user, (byProtocol = new Map()));
  let d = byProtocol.get(protocol);
  if (d === undefined) byProtocol.set(protocol, (d = decideFor(view, protocol, user, o)));
  return d;
}

function decideFor(view: OrgView, protocol: HttpProtocol, user: DirUser, o: DecideOptions): HttpDecision {
  const v = user.mailboxVersion;
  const site = user.site;
  const proxy = (pool: DirServer[], why: string, via: HopVia = 'fqdn'): HttpDecision =>
    pool.length ? { kind: 'proxy', protocol, pool, via: has(o, 'hop-by-internalurl') ? 'internal-url' : via, why } : { kind: 'refuse', status: 503, why: `no Exchange ${v} Client Access server for ${protocol} in ${site}` };
  switch (protocol) {
    case 'autodiscover':
      // 001: "For mailboxes that exist on Exchange 2010, CAS2013 will proxy the request to an Exchange 2010
      // Client Access server that exists within the mailbox's local site."
      if (v === 2010 && !has(o, 'autodiscover-local-2010')) return proxy(casIn(view, site, 2010), '001 Autodiscover 1: 2010 mailbox, proxied to a CAS2010 of its site');
      if (v === 2010) return { kind: 'autodiscover-local', why: 'defect autodiscover-local-2010' };
      // 001: "For mailboxes that exist on Exchange 2007, CAS2013 will proxy the request to an Exchange 2013
      // Mailbox server in the local site, which will generate the Autodiscover response": the front door answers.
      if (has(o, 'autodiscover-proxy-2007')) return proxy(casIn(view, site, 2007), 'defect autodiscover-proxy-2007');
      return { kind: 'autodiscover-local', why: '001 Autodiscover 2: 2007 mailbox, answered by the 2013 side' };
    case 'rpc':
      // 001 External Outlook Connectivity: "CAS2013 will proxy the request to CAS2010 in Site1" (Red),
      // "to CAS2007 in Site1" (Purple), "to CAS2010 in Site3" (Blue): the mailbox's version and site.
      return proxy(casIn(view, site, v).filter((s) => s.vdirs.rpc.enabled), `001 Outlook Anywhere: Exchange ${v} mailbox in ${site}`);
    case 'ews':
      // 001 EWS: Red -> "an Exchange 2010 Client Access server within the local site"; Blue -> "located in Site3".
      if (has(o, 'ews-local-site')) return proxy(casIn(view, view.frontDoorSite, v), 'defect ews-local-site');
      return proxy(casIn(view, site, v), `001 EWS: Exchange ${v} mailbox in ${site}`);
    case 'oab':
      // 001 OAB: "proxy the request to any Client Access server within the local site that is a web
      // distribution point for the Offline Address Book in question". The mailbox's version first.
      {
        const wdpSite = has(o, 'oab-mailbox-site') ? site : view.frontDoorSite;
        const wdp = casIn(view, wdpSite).filter((s) => s.vdirs.oab.webDistributionPoint !== false);
        const same = wdp.filter((s) => s.product === v);
        return proxy(same.length ? same : wdp, has(o, 'oab-mailbox-site') ? 'defect oab-mailbox-site' : '001 OAB: a web distribution point in the front door\'s site');
      }
    case 'eas':
      if (has(o, 'eas-local-site')) {
        const local = casIn(view, view.frontDoorSite, v);
        const pool = v === 2007 ? local.filter((s) => s.vdirs.eas.labInternalUrl) : local;
        return proxy(pool.length ? pool : local, 'defect eas-local-site', v === 2007 ? 'internal-url' : 'fqdn');
      }
      if (v === 2007) {
        // 001 (update of 3/25/2014): "an Exchange 2007 Client Access server that exists within the mailbox's
        // site (specifically, the InternalURL value of the Microsoft-Server-ActiveSync virtual directory on CAS2007)".
        const pool = casIn(view, site, 2007).filter((s) => s.vdirs.eas.labInternalUrl);
        return proxy(pool.length ? pool : casIn(view, site, 2007), '001 EAS 2: 2007 mailbox, CAS2007 EAS InternalURL of its site', 'internal-url');
      }
      if (has(o, 'eas-451') && site !== view.frontDoorSite && o.deviceType && view.organisation.eas451DeviceTypes.includes(o.deviceType)) {
        const ext = casIn(view, site, 2010).find((s) => s.vdirs.eas.labExternalUrl);
        if (ext) return { kind: 'eas-451', location: ext.vdirs.eas.labExternalUrl!, why: 'defect eas-451' };
      }
      // 001: "Exchange 2013 no longer supports the 451 redirect response - Exchange 2013 will always proxy
      // ActiveSync requests"; "a cross-site proxy request to an Exchange 2010 Client Access server that resides
      // in the same site as the mailbox".
      return proxy(casIn(view, site, 2010), '001 EAS: 2010 mailbox, always proxied to a CAS2010 of its site');
    case 'owa':
      return decideOwa(view, user, o);
  }
}

function decideOwa(view: OrgView, user: DirUser, o: DecideOptions): HttpDecision {
  const site = user.site;
  if (user.mailboxVersion === 2007) {
    // 001 OWA 2: "CAS2013 will initiate a single sign-on silent redirect ... to legacy.contoso.com"; Note:
    // a 2007 mailbox in Site3 gets the same redirect ("CAS2007 in Site1 will authenticate the user and proxy").
    const target = owaExternal(view, site, 2007) ?? owaExternal(view, view.frontDoorSite, 2007) ?? view.sites.filter((s) => s.internetFacing).map((s) => owaExternal(view, s.name, 2007)).find(Boolean);
    if (!target) return { kind: 'refuse', status: 503, why: 'no Exchange 2007 OWA ExternalURL (legacy namespace) to redirect a 2007 mailbox to' };
    return { kind: 'silent-redirect', server: target, url: target.vdirs.owa.labExternalUrl!, why: '001 OWA 2: 2007 mailbox, silent redirect to the legacy namespace' };
  }
  const pool = casIn(view, site, 2010);
  // 001 OWA 1: the mailbox is "located within the local AD site": proxied to a CAS2010.
  if (site === view.frontDoorSite) return decide2010Proxy(pool, '001 OWA 1: 2010 mailbox in the local site, proxied', o);
  // 001 OWA 4b: Site2 "does contain an OWA ExternalURL": "single sign-on silent redirect ... to mail-region".
  const ext = owaExternal(view, site, 2010);
  if (ext) return { kind: 'silent-redirect', server: ext, url: ext.vdirs.owa.labExternalUrl!, why: '001 OWA 4b: 2010 mailbox in a site with an OWA ExternalURL, silent redirect' };
  // 001 OWA 3: Site3 "does not contain any OWA ExternalURLs": "CAS2013 in Site1 will proxy the request to CAS2010 in Site3".
  return decide2010Proxy(pool, '001 OWA 3: 2010 mailbox in a site without OWA ExternalURL, proxied', o);
}

function decide2010Proxy(pool: DirServer[], why: string, o: DecideOptions): HttpDecision {
  if (!pool.length) return { kind: 'refuse', status: 503, why: 'no Exchange 2010 Client Access server in the mailbox site' };
  return { kind: 'proxy', protocol: 'owa', pool, via: o.defects?.has('hop-by-internalurl') ? 'internal-url' : 'fqdn', why };
}

export interface PickContext {
  isUp(fqdn: string, protocol: HealthProtocol): boolean;
  affinity: AffinityTable;
  ignoreOutOfService?: boolean;
}

/**
 * One server of a proxy decision's pool for `affinityKey`: never IsOutOfService (001:
 * "Set-ClientAccessServer <server> -IsOutofService $True"), never one marked down for the protocol;
 * sticky while up, another of the pool when not; undefined when none is left (the client gets 503).
 */
export function pickServer(pool: readonly DirServer[], protocol: HttpProtocol, affinityKey: string, ctx: PickContext): DirServer | undefined {
  const hp = healthProtocolOf(protocol);
  // Every server of the pool eligible (the usual case): the pool itself, and its names made once per
  // pool (decisions, and so their pools, are kept: decidedFor), no arrays per request (issue 14).
  const all = pool.every((s) => eligible(s, hp, ctx));
  const up = all ? pool : pool.filter((s) => eligible(s, hp, ctx));
  let names = all ? POOL_NAMES.get(pool) : undefined;
  if (names === undefined) {
    names = up.map((s) => s.fqdn);
    if (all) POOL_NAMES.set(pool, names);
  }
  const fqdn = ctx.affinity.choose(`${protocol}|${affinityKey}`, names);
  for (const s of up) if (s.fqdn === fqdn) return s;
  return undefined;
}

/** Never IsOutOfService (unless the defect says so), never marked down for the protocol. */
function eligible(s: DirServer, hp: HealthProtocol, ctx: PickContext): boolean {
  return (ctx.ignoreOutOfService || !s.isOutOfService) && ctx.isUp(s.fqdn, hp);
}

/** The FQDNs of a pool, by pool (read only). */
const POOL_NAMES = new WeakMap<readonly DirServer[], readonly string[]>();

export interface HopTarget {
  server: DirServer;
  scheme: 'https' | 'http';
  /** Host header and TLS SNI (001: "based on the server FQDN"). */
  host: string;
  port: number;
  origin: string;
}

const FQDN_TARGETS = new WeakMap<DirServer, HopTarget>();

/** Where the hop connects for a server: FQDN and its real HTTPS port, or the vdir's InternalURL host. */
export function hopTarget(server: DirServer, protocol: HttpProtocol, via: HopVia, defects?: ReadonlySet<Defect>): HopTarget {
  // By FQDN over HTTPS (nearly every hop) a server has one target whatever the protocol: made once
  // (issue 14). Server objects come with a map read and are never changed, and callers only read targets.
  if ((via === 'fqdn' || protocol === 'rpc') && !defects?.has('plain-http-hop')) {
    let t = FQDN_TARGETS.get(server);
    if (t === undefined) FQDN_TARGETS.set(server, (t = makeHopTarget(server, protocol, via, defects)));
    return t;
  }
  return makeHopTarget(server, protocol, via, defects);
}

function makeHopTarget(server: DirServer, protocol: HttpProtocol, via: HopVia, defects?: ReadonlySet<Defect>): HopTarget {
  let host = server.fqdn;
  let port = server.ports.https;
  if (via === 'internal-url' && protocol !== 'rpc') {
    const url = server.vdirs[protocol].labInternalUrl;
    if (url) {
      const u = new URL(url);
      host = u.hostname;
      // RULES.md TLS-01: every hop is HTTPS, even to an http:// InternalURL (the alias names the same server).
      if (u.protocol === 'https:') port = Number(u.port) || 443;
    }
  }
  if (defects?.has('plain-http-hop')) return { server, scheme: 'http', host, port: server.ports.http, origin: `http://${host}:${server.ports.http}` };
  return { server, scheme: 'https', host, port, origin: `https://${host}:${port}` };
}
