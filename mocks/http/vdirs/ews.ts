/**
 * /EWS/Exchange.asmx — Exchange Web Services (SOAP). Answers carry the build's ServerVersionInfo
 * header (PROTOCOL-FACTS: 2007 `t:` without Version, 2010 `h:` with Version). Service discovery runs
 * first: 003's proxy rules for EWS (RTM does not proxy, Availability across sites) plug in there.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { esc } from './owa-pages.ts';
import { admit, iisHeaders } from './common.ts';
import { servedUserComment } from './served-user.ts';

/** The operation a SOAP request asks for: the first element inside `Body`. */
export function ewsOperation(xml: string): string | null {
  const m = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(xml);
  return m ? m[1]! : null;
}

/** Every SMTP address a request names (mailboxes of several users, 003's multi-user requests). */
export function ewsMailboxes(xml: string): string[] {
  return [...xml.matchAll(/<(?:\w+:)?(?:EmailAddress|Address)>([^<]+)</g)].map((m) => m[1]!.trim().toLowerCase());
}

/** A SOAP envelope; `servedUser` adds the lab's served-user comment (an answer with that user's data). */
export function soapEnvelope(ctx: CasContext, body: string, servedUser?: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>${servedUser ? servedUserComment(servedUser) : ''}<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>${ctx.build.ews.serverVersionInfo}</s:Header><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">${body}</s:Body></s:Envelope>`;
}

/** An EWS error response for an operation (ErrorProxyRequestNotAllowed, ErrorInvalidServerVersion, …). */
export function ewsError(ctx: CasContext, operation: string, code: string, text: string): Response {
  const body = `<m:${operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:${operation.replace(/s$/, '')}ResponseMessage ResponseClass="Error"><m:MessageText>${esc(text)}</m:MessageText><m:ResponseCode>${code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey></m:${operation.replace(/s$/, '')}ResponseMessage></m:ResponseMessages></m:${operation}Response>`;
  return new HttpResponse(soapEnvelope(ctx, body), { status: 200, headers: iisHeaders({ 'Content-Type': 'text/xml; charset=utf-8' }) });
}

function success(ctx: CasContext, operation: string, user: string): Response {
  const inner =
    operation === 'GetFolder'
      ? `<m:Folders><t:Folder><t:FolderId Id="AAMkA${user}" ChangeKey="AQAAABYAAAA"/><t:DisplayName>Inbox</t:DisplayName><t:TotalCount>3</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>3</t:UnreadCount></t:Folder></m:Folders>`
      : '';
  const msg = operation.replace(/s$/, '');
  const body = `<m:${operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:${msg}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${msg}ResponseMessage></m:ResponseMessages></m:${operation}Response>`;
  return new HttpResponse(soapEnvelope(ctx, body, user), { status: 200, headers: iisHeaders({ 'Content-Type': 'text/xml; charset=utf-8' }) });
}

export function ewsHandlers(ctx: CasContext): HttpHandler[] {
  const handle = async (request: Request): Promise<Response> => {
    const a = await admit(ctx, request, 'ews', ctx.server.vdirs.ews.auth);
    if (!a.admitted) return a.response;
    if (request.method !== 'POST') return new HttpResponse('', { status: 200, headers: iisHeaders({ 'Content-Type': 'text/html' }) });
    const xml = await request.text();
    return success(ctx, ewsOperation(xml) ?? 'GetFolder', a.user.samAccountName);
  };
  return [
    http.post(ctx.path('/EWS/Exchange.asmx'), ({ request }) => handle(request)),
    http.get(ctx.path('/EWS/Exchange.asmx'), ({ request }) => handle(request)),
    http.get(ctx.path('/EWS'), ({ request }) => handle(request)),
  ];
}
