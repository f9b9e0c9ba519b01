/**
 * Service discovery on a mock CAS: for an authenticated request, serve locally or hand the request
 * to the legacy behaviour (proxy, redirect, 451, refuse) of this build. Until that behaviour is
 * plugged in (`setLegacyRouter`), a mailbox that is not local gets a clear, recorded placeholder.
 */
import { HttpResponse } from 'msw';
import type { UserSpec } from '../../harness/topology/index.ts';
import type { CasContext } from './context.ts';
import type { RequestContext } from '../http/request-context.ts';
import { mailboxLocation, servesLocally } from './locality.ts';

export type Protocol = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'rpc' | 'ecp' | 'powershell';

/** Decides for a non-local mailbox; returns the answer, or undefined to serve locally after all. */
export type LegacyRouter = (ctx: CasContext, protocol: Protocol, user: UserSpec, req: Request, rc: RequestContext) => Promise<Response | undefined>;

let router: LegacyRouter | undefined;
export function setLegacyRouter(fn: LegacyRouter | undefined): void {
  router = fn;
}

/** undefined = serve locally; otherwise the response to send. */
export async function discover(ctx: CasContext, protocol: Protocol, user: UserSpec, req: Request, rc: RequestContext): Promise<Response | undefined> {
  if (router) return router(ctx, protocol, user, req, rc);
  if (servesLocally(ctx, user)) return undefined;
  const loc = mailboxLocation(ctx, user);
  rc.note.decision = 'placeholder';
  return HttpResponse.text(
    `cas-conformance mock ${ctx.server.fqdn}: the mailbox of ${user.name} is on ${loc.server} (site ${loc.site}, Exchange ${loc.product}); ` +
      `this mock serves site ${ctx.server.site} (Exchange ${ctx.build.product}) and CAS-CAS behaviour is not enabled.\r\n`,
    { status: 501, headers: { 'X-CasLab-Placeholder': 'not-local' } },
  );
}
