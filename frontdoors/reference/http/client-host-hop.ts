/**
 * Defect `hop-client-host` (TLS-06's negative control): the hop carries the client's Host header (the front
 * door's namespace) instead of the target's FQDN. The hop's clients (wire/agent.ts, as undici) derive the TLS
 * SNI from the Host header, so the SNI is the client's name too; the connection still goes to the target's address (the origin is unchanged), so
 * a CAS whose certificate is verified refuses the name and one with a self-signed certificate serves the hop.
 */
import type { HopTarget } from '../routing/http-routes.ts';
import { has, type FrontContext, type RequestInfo } from './context.ts';

/** The hop target as the request's hop names it: unchanged, or (defect) named by the client's Host. */
export function clientHostHop(ctx: FrontContext, r: RequestInfo, target: HopTarget): HopTarget {
  return has(ctx, 'hop-client-host') ? { ...target, host: r.requestTarget.url.host } : target;
}
