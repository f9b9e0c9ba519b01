/**
 * Which URLs a legacy CAS publishes for a mailbox (Autodiscover answers), from the first half of 001:
 * "For the Blue User, Autodiscover will return the mail.contoso.com namespace for the Exchange Web
 * Service URL"; Purple gets legacy, Orange mail-region. A site's own ExternalURL wins; a site without
 * one (not Internet-facing) gets the ExternalURL of the answering CAS's site, then any Internet-facing site.
 */
import { getBuild } from '../builds/catalogue.ts';
import type { ServerSpec } from '../../harness/topology/index.ts';
import type { CasContext } from './context.ts';
import type { MailboxLocation } from './locality.ts';

type UrlVdir = 'owa' | 'eas' | 'ews' | 'oab';

const sameProduct = (s: ServerSpec, product: 2007 | 2010) => getBuild(s.build).product === product;

/** The CAS servers of a product, mailbox site first, then the answering CAS's site, then Internet-facing sites. */
function candidates(ctx: CasContext, loc: MailboxLocation): ServerSpec[] {
  const t = ctx.topology;
  const inSite = (site: string) => t.servers.filter((s) => s.site === site && sameProduct(s, loc.product));
  const internetFacing = t.sites.filter((s) => s.internetFacing).map((s) => s.name);
  return [...inSite(loc.site), ...inSite(ctx.server.site), ...internetFacing.flatMap(inSite)];
}

/** The external URL a client should use for a vdir of this mailbox, or null when none exists. */
export function externalUrlFor(ctx: CasContext, loc: MailboxLocation, vdir: UrlVdir): string | null {
  for (const s of candidates(ctx, loc)) {
    const url = s.vdirs[vdir].externalUrl;
    if (url) return labUrl(ctx, url);
  }
  return null;
}

/** The internal URL of the mailbox site's CAS for a vdir. */
export function internalUrlFor(ctx: CasContext, loc: MailboxLocation, vdir: UrlVdir): string | null {
  const s = ctx.topology.servers.find((x) => x.site === loc.site && sameProduct(x, loc.product) && x.vdirs[vdir].internalUrl);
  return s ? labUrl(ctx, s.vdirs[vdir].internalUrl!) : null;
}

/** The Outlook Anywhere external host name for the mailbox. */
export function rpcHostFor(ctx: CasContext, loc: MailboxLocation): string | null {
  for (const s of candidates(ctx, loc)) if (s.vdirs.rpc.enabled && s.vdirs.rpc.externalHostname) return s.vdirs.rpc.externalHostname;
  return null;
}

/** Rewrite a topology URL (logical port) to the port the lab really serves it on. */
export function labUrl(ctx: CasContext, url: string): string {
  const u = new URL(url);
  const logical = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const real = ctx.ports(u.hostname, logical);
  u.port = real === (u.protocol === 'https:' ? 443 : 80) ? '' : String(real);
  return u.toString();
}
