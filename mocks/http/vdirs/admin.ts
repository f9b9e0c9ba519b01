/**
 * /ecp and /PowerShell (Exchange 2010 only): behind Integrated authentication; the mock answers their
 * 401 (what the health probe sees, 001's IIS log lines) and a small page once authenticated.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { authenticate } from '../../cas/auth.ts';
import { requestContext } from '../request-context.ts';
import { iisHeaders } from './common.ts';

function vdir(ctx: CasContext, name: 'ecp' | 'powershell', path: string): HttpHandler[] {
  const handle = (request: Request): Response => {
    const rc = requestContext(request);
    rc.note.vdir = name;
    const a = authenticate(ctx, request, rc, ctx.server.vdirs[name]?.auth ?? ['ntlm']);
    rc.note.authScheme = a.scheme;
    if (!a.ok) {
      rc.note.decision = 'unauthenticated';
      return a.response;
    }
    rc.note.user = a.user.samAccountName;
    rc.note.decision = 'served';
    return new HttpResponse(`<html><body>${name} on ${ctx.server.fqdn}</body></html>\r\n`, { status: 200, headers: iisHeaders({ 'Content-Type': 'text/html' }) });
  };
  return [http.all(ctx.path(path), ({ request }) => handle(request)), http.all(ctx.path(`${path}/*`), ({ request }) => handle(request))];
}

export function adminHandlers(ctx: CasContext): HttpHandler[] {
  if (!ctx.build.hasEcp) return [];
  return [...(ctx.server.vdirs.ecp ? vdir(ctx, 'ecp', '/ecp') : []), ...(ctx.server.vdirs.powershell ? vdir(ctx, 'powershell', '/PowerShell') : [])];
}
