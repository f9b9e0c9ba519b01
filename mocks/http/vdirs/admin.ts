/**
 * /ecp and /PowerShell (Exchange 2010 only): behind Integrated authentication; the mock answers their
 * 401 (what the health probe sees, 001's IIS log lines) and a small page once authenticated.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { admit, iisHeaders } from './common.ts';

function vdir(ctx: CasContext, name: 'ecp' | 'powershell', path: string): HttpHandler[] {
  const handle = async (request: Request): Promise<Response> => {
    const a = await admit(ctx, request, name, ctx.server.vdirs[name]?.auth ?? ['ntlm'], { local: true });
    if (!a.admitted) return a.response;
    return new HttpResponse(`<html><body>${name} on ${ctx.server.fqdn}</body></html>\r\n`, { status: 200, headers: iisHeaders({ 'Content-Type': 'text/html' }) });
  };
  return [http.all(ctx.path(path), ({ request }) => handle(request)), http.all(ctx.path(`${path}/*`), ({ request }) => handle(request))];
}

export function adminHandlers(ctx: CasContext): HttpHandler[] {
  if (!ctx.build.hasEcp) return [];
  return [...(ctx.server.vdirs.ecp ? vdir(ctx, 'ecp', '/ecp') : []), ...(ctx.server.vdirs.powershell ? vdir(ctx, 'powershell', '/PowerShell') : [])];
}
