/**
 * /OAB — Offline Address Book web distribution (001: "any Client Access server within the local site
 * that is web distribution point for the Offline Address Book in question"). A CAS that is not a
 * distribution point answers 404 for the OAB files.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { admit, iisHeaders } from './common.ts';

export const OAB_GUID = '3d2c1b0a-9f8e-4d7c-6b5a-493827161504';

export function oabHandlers(ctx: CasContext): HttpHandler[] {
  const handle = async (request: Request): Promise<Response> => {
    const a = await admit(ctx, request, 'oab', ctx.server.vdirs.oab.auth);
    if (!a.admitted) return a.response;
    const { rc } = a;
    if (!ctx.server.vdirs.oab.webDistributionPoint) {
      rc.note.decision = 'not-distribution-point';
      return new HttpResponse('Not Found\r\n', { status: 404, headers: iisHeaders({ 'Content-Type': 'text/html' }) });
    }
    const xml = `<?xml version="1.0" encoding="utf-8"?>\r\n<OAB><OAL id="${OAB_GUID}" dn="/o=Contoso/cn=addrlists/cn=oabs/cn=Default Offline Address Book" name="\\Default Offline Address Book"><Full seq="42" ver="32" size="2048" uncompressedsize="8192" SHA="0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c">${ctx.server.fqdn}-data-42.lzx</Full></OAL></OAB>\r\n`;
    return new HttpResponse(xml, { status: 200, headers: iisHeaders({ 'Content-Type': 'text/xml' }) });
  };
  return [
    http.get(ctx.path('/OAB'), ({ request }) => handle(request)),
    http.get(ctx.path('/OAB/*'), ({ request }) => handle(request)),
  ];
}
