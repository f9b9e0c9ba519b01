/**
 * Proxy a request to a CAS of the mailbox's site, with the checks a legacy CAS makes before and after
 * the hop: SSL (004: an http:// InternalUrl or a 403 answer is Event 42), affinity with failover (003:
 * "a user who is proxied to CAS-01 the first time will always be proxied to CAS-01 … If CAS-01 is
 * unavailable, the user will be proxied to CAS-02"), and the user-context cookie (000).
 */
import { HttpResponse } from 'msw';
import type { ServerSpec, UserSpec } from '../../../harness/topology/index.ts';
import { getBuild } from '../../builds/catalogue.ts';
import type { CasContext } from '../context.ts';
import type { RequestContext } from '../../http/request-context.ts';
import { event42, event4999 } from '../../events/event-log.ts';
import { userContextForm } from '../sessions.ts';
import { hopHeaders, sendHop } from './hop.ts';
import { INVALID_USER_CONTEXT, understandsUserContext } from './cookies.ts';
import { iisHeaders } from '../../http/vdirs/common.ts';

export type ProxyVdir = 'owa' | 'eas' | 'ews' | 'oab' | 'rpc';

export interface ProxyPlan {
  protocol: ProxyVdir;
  candidates: ServerSpec[];
  /** Sticky key (user for OWA/EWS, device for EAS), or null for no affinity. */
  affinityKey: string | null;
  /** Checks on the chosen target before any hop (version rules); a Response refuses. */
  precheck?: (target: ServerSpec) => Response | undefined;
  /** Hop URL for a target (InternalURL by default). */
  urlFor?: (target: ServerSpec) => string | null;
}

/** An error page a legacy CAS shows when it cannot serve the request. */
export function refusal(ctx: CasContext, rc: RequestContext, status: number, decision: string, text: string): Response {
  rc.note.decision = decision;
  return new HttpResponse(`<html><head><title>${ctx.build.owa.title}</title></head><body><h2>${text}</h2></body></html>\r\n`, {
    status,
    headers: iisHeaders({ 'Content-Type': 'text/html; charset=utf-8', ...(ctx.build.product === 2007 || ctx.build.product === 2010 ? { 'X-OWA-Version': ctx.build.build } : {}) }),
  });
}

function internalUrl(target: ServerSpec, vdir: ProxyVdir): string | null {
  if (vdir === 'rpc') return `https://${target.fqdn}/rpc/rpcproxy.dll`;
  return target.vdirs[vdir].internalUrl;
}

/** Order targets: the sticky one first, then the rest as the topology lists them. */
function ordered(ctx: CasContext, plan: ProxyPlan): ServerSpec[] {
  const sticky = plan.affinityKey ? ctx.affinity.get(`${plan.protocol}:${plan.affinityKey}`) : undefined;
  const list = [...plan.candidates];
  const i = sticky ? list.findIndex((s) => s.fqdn === sticky) : -1;
  if (i > 0) list.unshift(...list.splice(i, 1));
  return list;
}

export async function proxy(ctx: CasContext, req: Request, rc: RequestContext, user: UserSpec, plan: ProxyPlan): Promise<Response> {
  const targets = ordered(ctx, plan);
  if (!targets.length) return refusal(ctx, rc, 503, 'no-target', 'There is no Client Access server available to proxy this request to.');
  const original = new URL(req.url);
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : new Uint8Array(await req.clone().arrayBuffer());
  const first = targets[0]!;
  const pre = plan.precheck?.(first);
  if (pre) return pre;
  const errors: string[] = [];
  for (const target of targets) {
    const base = (plan.urlFor ?? ((t) => internalUrl(t, plan.protocol)))(target);
    if (!base) continue;
    const b = new URL(base);
    if (b.protocol === 'http:' && !ctx.topology.organisation.allowProxyingWithoutSsl) {
      // 004 item 1: "has been set to use "http://" (not using SSL) instead of "https://"".
      ctx.eventLog.write(event42(ctx.server.fqdn, target.fqdn));
      return refusal(ctx, rc, 500, 'refused-event-42', 'Outlook Web Access could not proxy this request: the destination uses http:// (Event 42).');
    }
    const url = `${b.protocol}//${b.host}${original.pathname}${original.search}`;
    const headers = hopHeaders(req);
    if (plan.protocol === 'owa') {
      // PROTOCOL-FACTS: CAS-CAS proxy request headers of 2007/2010.
      Object.assign(headers, { 'x-owa-proxyuri': `${b.protocol}//${b.host}/owa/`, 'x-owa-proxyversion': ctx.build.build, 'x-owa-proxysid': `S-1-5-21-1-${user.samAccountName}`, 'x-logontype': 'Public' });
    }
    try {
      const res = await sendHop(ctx, { protocol: plan.protocol, url, targetServer: target.fqdn, method: req.method, headers, body, user });
      ctx.record({ kind: 'hop', server: ctx.server.fqdn, protocol: plan.protocol, url, targetServer: target.fqdn, status: res.status });
      if (res.status >= 502 && res.status <= 504) {
        errors.push(`${target.fqdn}: ${res.status}`);
        continue; // the target's IIS is up but the app is not: fail over inside the site
      }
      if (plan.protocol === 'owa' && res.status === 403) {
        // 004 item 2: "The destination virtual directory returned an HTTP 403 error code."
        ctx.eventLog.write(event42(ctx.server.fqdn, target.fqdn));
        return refusal(ctx, rc, 500, 'refused-event-42', 'Outlook Web Access could not proxy this request: the destination answered 403 (Event 42).');
      }
      if (plan.protocol === 'owa') {
        const bad = userContextProblem(ctx, res.headers);
        if (bad) {
          ctx.eventLog.write(event4999(ctx.build.build));
          return refusal(ctx, rc, 500, 'refused-user-context', INVALID_USER_CONTEXT);
        }
      }
      if (plan.affinityKey) ctx.affinity.set(`${plan.protocol}:${plan.affinityKey}`, target.fqdn);
      rc.note.decision = 'proxied';
      rc.note.target = target.fqdn;
      const out = new Headers();
      for (const [k, v] of res.headers) if (!['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'date', 'server'].includes(k)) out.append(k, v);
      return new HttpResponse(res.status === 204 || res.status === 304 ? null : res.body, { status: res.status, headers: out });
    } catch (err) {
      errors.push(`${target.fqdn}: ${(err as Error).message}`);
      ctx.record({ kind: 'hop', server: ctx.server.fqdn, protocol: plan.protocol, url, targetServer: target.fqdn, status: null, error: (err as Error).message });
    }
  }
  return refusal(ctx, rc, 503, 'target-unavailable', `No Client Access server answered: ${errors.join('; ')}`);
}

/** 000: the proxying CAS cannot parse the target's user-context cookie. */
function userContextProblem(ctx: CasContext, headers: [string, string][]): boolean {
  for (const [k, v] of headers) {
    if (k !== 'set-cookie' || !/^UserContext/i.test(v)) continue;
    const value = v.split(';')[0]!.split('=').slice(1).join('=');
    if (!understandsUserContext(ctx.build, userContextForm(value))) return true;
  }
  return false;
}

/** The build of a server (for pages that need the target's forms path). */
export const buildOf = (s: ServerSpec) => getBuild(s.build);
