/**
 * /rpc/rpcproxy.dll — Outlook Anywhere (RPC over HTTP). Methods RPC_IN_DATA and RPC_OUT_DATA with
 * `?<server>:6001` style queries. The health probe's unauthenticated `RPC_IN_DATA` must get 401
 * (PROTOCOL-FACTS: "only 401 counts as healthy there"). Authenticated, the mock answers a small RTS
 * body and records the hop (which mailbox server the RPC names).
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { requestContext } from '../request-context.ts';
import { admit, iisHeaders } from './common.ts';

export function rpcHandlers(ctx: CasContext): HttpHandler[] {
  const handle = async (request: Request): Promise<Response | undefined> => {
    if (request.method !== 'RPC_IN_DATA' && request.method !== 'RPC_OUT_DATA') return undefined;
    const rc = requestContext(request);
    rc.note.vdir = 'rpc';
    if (!ctx.server.vdirs.rpc.enabled) {
      rc.note.decision = 'disabled';
      return new HttpResponse('Not Found\r\n', { status: 404, headers: iisHeaders() });
    }
    const a = await admit(ctx, request, 'rpc', ctx.server.vdirs.rpc.auth);
    if (!a.admitted) return a.response;
    rc.note.target = new URL(request.url).search.slice(1);
    // A real RPC channel streams for hours; the mock answers one RTS CONN/A3-sized PDU and closes.
    const rts = new Uint8Array([0x05, 0x00, 0x14, 0x03, 0x10, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    return new HttpResponse(rts, { status: 200, headers: iisHeaders({ 'Content-Type': 'application/rpc' }) });
  };
  return [http.all(ctx.path('/rpc/rpcproxy.dll'), ({ request }) => handle(request))];
}
