/**
 * Service discovery on a mock CAS: for an authenticated request, serve locally or apply the legacy
 * behaviour of this build (proxy, redirect, 451, refuse) — mocks/cas/legacy/router.ts.
 */
import type { UserSpec } from '../../harness/topology/index.ts';
import type { CasContext } from './context.ts';
import type { RequestContext } from '../http/request-context.ts';
import { legacyRoute } from './legacy/router.ts';

export type Protocol = 'owa' | 'eas' | 'ews' | 'autodiscover' | 'oab' | 'rpc' | 'ecp' | 'powershell';

/** undefined = serve locally; otherwise the response to send. */
export async function discover(ctx: CasContext, protocol: Protocol, user: UserSpec, req: Request, rc: RequestContext): Promise<Response | undefined> {
  return legacyRoute(ctx, protocol, user, req, rc);
}
