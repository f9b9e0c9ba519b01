/**
 * Service discovery's decision on a legacy CAS for a mailbox it does not serve itself, per protocol and
 * per the CAS's own product: the first half of 001 for Exchange 2010, 003 for Exchange 2007 (with 002's
 * and 004's failure modes). Returns the answer, or undefined to serve locally.
 */
import { HttpResponse } from 'msw';
import { findServer, findUser, mailboxOf, type ServerSpec, type UserSpec } from '../../../harness/topology/index.ts';
import { getBuild } from '../../builds/catalogue.ts';
import type { CasContext } from '../context.ts';
import type { RequestContext } from '../../http/request-context.ts';
import type { Protocol } from '../discovery.ts';
import { mailboxLocation, servesLocally, type MailboxLocation } from '../locality.ts';
import { externalUrlFor, labUrl } from '../published-urls.ts';
import { event46 } from '../../events/event-log.ts';
import { ewsError, ewsMailboxes, ewsOperation } from '../../http/vdirs/ews.ts';
import { iisHeaders } from '../../http/vdirs/common.ts';
import { manualRedirectPage, silentRedirectPage } from './pages.ts';
import { proxy, refusal } from './proxy.ts';
import { notNewer, owaVersionVerdict } from './versions.ts';

const integrated = (auth: string[]) => auth.includes('ntlm') || auth.includes('negotiate');

function casInSite(ctx: CasContext, site: string, product: 2007 | 2010): ServerSpec[] {
  return ctx.topology.servers.filter((s) => s.site === site && getBuild(s.build).product === product && s.fqdn !== ctx.server.fqdn);
}

/** The ExternalURL a site publishes for a vdir (any CAS of the site), or null: 001's "Internet Facing AD Site". */
function siteExternalUrl(ctx: CasContext, site: string, product: 2007 | 2010, vdir: 'owa' | 'eas'): string | null {
  const url = casInSite(ctx, site, product).find((s) => s.vdirs[vdir].externalUrl)?.vdirs[vdir].externalUrl;
  return url ? labUrl(ctx, url) : null;
}

function deviceOf(req: Request): { id: string | null; type: string | null } {
  const q = new URL(req.url).searchParams;
  return { id: q.get('DeviceId'), type: q.get('DeviceType') };
}

/** 451 with X-MS-Location, no reason phrase (PROTOCOL-FACTS, MS-ASHTTP). */
function eas451(rc: RequestContext, externalUrl: string): Response {
  rc.note.decision = '451';
  rc.note.target = externalUrl;
  return new HttpResponse(null, { status: 451, headers: iisHeaders({ 'X-MS-Location': externalUrl, 'Cache-Control': 'private', 'Content-Length': '0' }) });
}

/** What a forms sign-in posted in the request being answered: the only credentials a silent redirect may carry. */
export interface PostedCredentials {
  username: string;
  password: string;
}

/**
 * The single sign-on silent redirect page. It carries credentials only when this very request was the
 * forms sign-in that posted them (`posted`); a user known by session, NTLM or Basic gets a page that
 * opens the target without credentials (docs/legacy-behaviour.md "Silent redirect"): a real CAS never
 * sees an NTLM password, and the mock never writes one from the directory.
 */
export function silentRedirect(ctx: CasContext, rc: RequestContext, user: UserSpec, url: string, posted: PostedCredentials | null = null): Response {
  const target = findServer(ctx.topology, new URL(url).hostname);
  rc.note.decision = 'silent-redirect';
  rc.note.target = url;
  return silentRedirectPage(ctx, url, getBuild(target?.build ?? ctx.build.id), user.samAccountName, posted);
}

/**
 * 001 (first half): where a CAS2010 silently redirects a user's OWA, or null. 2007 mailbox: to its
 * site's legacy ExternalURL ("CAS2010 will initiate single sign-on silent redirect ... to
 * legacy.contoso.com"); 2010 mailbox in another Internet-facing site: to that site's ExternalURL only when
 * the organisation does cross-site silent redirection. An Exchange 2007 CAS never does (003).
 */
export function owaSilentTarget(ctx: CasContext, user: UserSpec): string | null {
  if (ctx.build.product !== 2010 || servesLocally(ctx, user)) return null;
  const loc = mailboxLocation(ctx, user);
  if (loc.product === 2007) return externalUrlFor(ctx, loc, 'owa') ?? null;
  if (!ctx.topology.organisation.crossSiteSilentRedirect || !siteExternalUrl(ctx, loc.site, 2010, 'owa')) return null;
  return externalUrlFor(ctx, loc, 'owa') ?? null;
}

function manual(ctx: CasContext, rc: RequestContext, url: string): Response {
  rc.note.decision = 'manual-redirect';
  rc.note.target = url;
  return manualRedirectPage(ctx, url);
}

// ---- Exchange 2010 as the Internet-facing CAS (001, first half) -------------------------------

async function route2010(ctx: CasContext, protocol: Protocol, user: UserSpec, loc: MailboxLocation, req: Request, rc: RequestContext): Promise<Response | undefined> {
  const targets = casInSite(ctx, loc.site, loc.product);
  const sticky = { owa: user.samAccountName, ews: user.samAccountName } as Record<string, string>;
  switch (protocol) {
    case 'owa': {
      // 001: silent redirect for 2007 mailboxes, and across sites when so configured (owaSilentTarget).
      const silentUrl = owaSilentTarget(ctx, user);
      if (silentUrl) return silentRedirect(ctx, rc, user, silentUrl);
      if (loc.product === 2007) return proxy(ctx, req, rc, user, { protocol: 'owa', candidates: targets, affinityKey: sticky.owa! });
      // 001 Orange: "the user is prompted to use the correct URL" (no cross-site silent redirection).
      const ext = siteExternalUrl(ctx, loc.site, 2010, 'owa');
      if (ext) return manual(ctx, rc, ext);
      return proxy(ctx, req, rc, user, { protocol: 'owa', candidates: targets, affinityKey: sticky.owa! });
    }
    case 'eas': {
      if (loc.product === 2007) {
        // 001 Purple: "CAS2010 proxies the request to CAS2007" (its Microsoft-Server-ActiveSync InternalURL).
        return proxy(ctx, req, rc, user, { protocol: 'eas', candidates: targets, affinityKey: deviceOf(req).id });
      }
      const ext = siteExternalUrl(ctx, loc.site, 2010, 'eas');
      const type = deviceOf(req).type;
      // 001 Orange: "Assuming the device … is on a defined list of devices that supports the 451 redirect response, CAS2010 will issue a 451".
      if (ext && type && ctx.topology.organisation.eas451DeviceTypes.some((d) => d.toLowerCase() === type.toLowerCase())) return eas451(rc, externalUrlFor(ctx, loc, 'eas') ?? ext);
      return proxy(ctx, req, rc, user, { protocol: 'eas', candidates: targets, affinityKey: deviceOf(req).id });
    }
    case 'ews':
      return proxy(ctx, req, rc, user, { protocol: 'ews', candidates: targets, affinityKey: sticky.ews! });
    case 'rpc':
      // 001 Blue: "proxy the Outlook RPC data to the target Exchange 2010 Client Access server"; Purple's RPC goes to the 2007 mailbox directly.
      if (loc.product === 2010 && loc.site !== ctx.server.site) return proxy(ctx, req, rc, user, { protocol: 'rpc', candidates: targets, affinityKey: user.samAccountName });
      return undefined;
    default:
      return undefined;
  }
}

// ---- Exchange 2007 (003) ------------------------------------------------------------------------

async function route2007(ctx: CasContext, protocol: Protocol, user: UserSpec, loc: MailboxLocation, req: Request, rc: RequestContext): Promise<Response | undefined> {
  if (loc.product === 2010) return refusal(ctx, rc, 403, 'refused-newer-mailbox', 'This Client Access server cannot open mailboxes on Exchange 2010.');
  const site = casInSite(ctx, loc.site, 2007);
  switch (protocol) {
    case 'owa': {
      // 003 step 3: "determines whether the Client Access server has the InternalURL property configured and if the authentication method … is set to Integrated Windows authentication".
      const ok = site.filter((s) => s.vdirs.owa.internalUrl && integrated(s.vdirs.owa.auth));
      if (!ok.length) return refusal(ctx, rc, 403, 'refused-no-iwa-target', 'Outlook Web Access cannot proxy to the Client Access server of this mailbox: no InternalURL with Integrated Windows authentication.');
      const extRaw = ok.find((s) => s.vdirs.owa.externalUrl)?.vdirs.owa.externalUrl;
      const ext = extRaw ? labUrl(ctx, extRaw) : undefined;
      // 003: "If so, the user is redirected to the server that is specified by the ExternalURL property"; RedirectToOptimalOWAServer $false proxies instead.
      if (ext && ctx.server.vdirs.owa.redirectToOptimalOwaServer) return manual(ctx, rc, ext);
      return proxy(ctx, req, rc, user, {
        protocol: 'owa', candidates: ok, affinityKey: user.samAccountName,
        precheck: (target) => {
          const v = owaVersionVerdict(ctx, target);
          if (v.ok) return undefined;
          if (v.reason === 'target-newer') return refusal(ctx, rc, 403, 'refused-target-newer', `Proxying to a newer Client Access server (${getBuild(target.build).build}) is not supported.`);
          // 002: Event 46, the proxying CAS lacks the target's resource folder.
          ctx.eventLog.write(event46(ctx.server.fqdn, ctx.build.build, target.fqdn, getBuild(target.build).build));
          return refusal(ctx, rc, 500, 'refused-event-46', `Outlook Web Access could not proxy: the resource folder ${v.folder} is missing (Event 46).`);
        },
      });
    }
    case 'eas': {
      // 003 step 3: InternalURL and Integrated authentication, "Otherwise, the request is rejected. An error code is returned to the mobile device".
      const ok = site.filter((s) => s.vdirs.eas.internalUrl && integrated(s.vdirs.eas.auth));
      if (!ok.length) return refusal(ctx, rc, 403, 'refused-no-iwa-target', 'No Client Access server with an Integrated-authentication Microsoft-Server-ActiveSync InternalURL in the mailbox site.');
      const extRaw = ok.find((s) => s.vdirs.eas.externalUrl)?.vdirs.eas.externalUrl;
      const ext = extRaw ? labUrl(ctx, extRaw) : undefined;
      // 003: "If the proxied Client Access server has the ExternalURL property configured … an HTTP error code 451 will be returned."
      if (ext) return eas451(rc, ext);
      const newer = ok.filter((s) => !notNewer(ctx, s));
      if (newer.length === ok.length) return refusal(ctx, rc, 403, 'refused-target-newer', 'Proxying to a newer Client Access server is not supported.');
      return proxy(ctx, req, rc, user, { protocol: 'eas', candidates: ok.filter((s) => notNewer(ctx, s)), affinityKey: deviceOf(req).id });
    }
    case 'ews': {
      const xml = req.method === 'POST' ? await req.clone().text() : '';
      const op = ewsOperation(xml) ?? 'GetFolder';
      const availability = op === 'GetUserAvailabilityRequest' || op === 'GetUserAvailability';
      rc.note.target = op;
      // 003's summary table: the Availability service is proxied ("Yes") on every version, RTM included.
      if (availability) {
        const ok = site.filter((s) => notNewer(ctx, s) && (s.vdirs.ews.internalUrl || s.vdirs.ews.nlbBypassUrl));
        return proxy(ctx, req, rc, user, { protocol: 'ews', candidates: ok, affinityKey: user.samAccountName, urlFor: (t) => t.vdirs.ews.nlbBypassUrl ?? t.vdirs.ews.internalUrl });
      }
      // 003: "the RTM version of Exchange 2007 did not support proxying for Exchange Web Services".
      if (!ctx.build.ews.proxies) return refuseEws(ctx, rc, op, 'ErrorProxyRequestNotAllowed', 'This Client Access server cannot proxy Exchange Web Services requests.');
      // 003: "If the user's mailbox is located on a server that is running the RTM version of Exchange 2007, the request will fail."
      if (getBuild(loc.build).servicePack === 0) return refuseEws(ctx, rc, op, 'ErrorInvalidServerVersion', 'The mailbox is on a server running Exchange 2007 RTM.');
      const sites = new Set(ewsMailboxes(xml).map((a) => findUser(ctx.topology, a)).filter((u): u is UserSpec => !!u).map((u) => mailboxOf(ctx.topology, u).site));
      // 003: "A single request for multiple users in different Active Directory sites is not supported for any web services other than the Availability Service."
      if (sites.size > 1) return refuseEws(ctx, rc, op, 'ErrorProxyRequestNotAllowed', 'A request for mailboxes in different Active Directory sites cannot be proxied.');
      const ok = site.filter((s) => getBuild(s.build).ews.proxies && notNewer(ctx, s) && (s.vdirs.ews.internalUrl || s.vdirs.ews.nlbBypassUrl));
      if (!ok.length) return refuseEws(ctx, rc, op, 'ErrorNoApplicableProxyCASServersAvailable', 'No Client Access server of a suitable version in the mailbox site.');
      return proxy(ctx, req, rc, user, { protocol: 'ews', candidates: ok, affinityKey: user.samAccountName, urlFor: (t) => t.vdirs.ews.nlbBypassUrl ?? t.vdirs.ews.internalUrl });
    }
    default:
      return undefined;
  }
}

function refuseEws(ctx: CasContext, rc: RequestContext, op: string, code: string, text: string): Response {
  rc.note.decision = `refused-${code}`;
  const r = ewsError(ctx, op.replace(/Request$/, ''), code, text);
  // EWS reports proxy failures as SOAP errors; the HTTP status of a failed proxy is 500 (a refusal to the client).
  return new HttpResponse(r.body, { status: 500, headers: r.headers });
}

/** The legacy router: serve locally, or the product's own decision. */
export async function legacyRoute(ctx: CasContext, protocol: Protocol, user: UserSpec, req: Request, rc: RequestContext): Promise<Response | undefined> {
  if (servesLocally(ctx, user)) return undefined;
  const loc = mailboxLocation(ctx, user);
  if (protocol === 'autodiscover' || protocol === 'oab' || protocol === 'ecp' || protocol === 'powershell') return undefined;
  return ctx.build.product === 2010 ? route2010(ctx, protocol, user, loc, req, rc) : route2007(ctx, protocol, user, loc, req, rc);
}
