/**
 * /Autodiscover/Autodiscover.xml — POX Autodiscover (MS-OXDSCLI) and the mobilesync schema.
 * A CAS2010 "can process Autodiscover requests for both Exchange 2007 and Exchange 2010 mailboxes"
 * (001); a CAS2007 answers for 2007 mailboxes. The URLs come from mocks/cas/published-urls.ts.
 */
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import type { UserSpec } from '../../../harness/topology/index.ts';
import { mailboxLocation } from '../../cas/locality.ts';
import { externalUrlFor, internalUrlFor, rpcHostFor } from '../../cas/published-urls.ts';
import { getBuild } from '../../builds/catalogue.ts';
import { esc } from './owa-pages.ts';
import { admit, iisHeaders } from './common.ts';
import { servedUserComment } from './served-user.ts';

const NS_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const NS_OUTLOOK = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const NS_MOBILE_REQ = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const NS_MOBILE = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

function el(name: string, value: string | null | undefined): string {
  return value ? `<${name}>${esc(value)}</${name}>` : '';
}

function outlookResponse(ctx: CasContext, user: UserSpec): string {
  const loc = mailboxLocation(ctx, user);
  const mbxBuild = getBuild(loc.build);
  const ews = externalUrlFor(ctx, loc, 'ews');
  const oab = externalUrlFor(ctx, loc, 'oab');
  const ecp = loc.product === 2010 ? externalUrlFor(ctx, loc, 'owa')?.replace(/\/owa\/?$/i, '/ecp/') : null;
  const legacyDn = `/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${user.samAccountName}`;
  const exch = `<Protocol><Type>EXCH</Type>${el('Server', loc.server)}${el('ServerDN', `/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=${loc.server.split('.')[0]}`)}${el('ServerVersion', mbxBuild.autodiscover.serverVersion)}${el('MdbDN', `/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=${loc.server.split('.')[0]}/cn=Microsoft Private MDB`)}${el('ASUrl', internalUrlFor(ctx, loc, 'ews'))}${el('EwsUrl', internalUrlFor(ctx, loc, 'ews'))}${el('OOFUrl', internalUrlFor(ctx, loc, 'ews'))}${el('OABUrl', internalUrlFor(ctx, loc, 'oab'))}</Protocol>`;
  const rpcHost = rpcHostFor(ctx, loc);
  const expr = rpcHost
    ? `<Protocol><Type>EXPR</Type>${el('Server', rpcHost)}<SSL>On</SSL><AuthPackage>Ntlm</AuthPackage>${el('ASUrl', ews)}${el('EwsUrl', ews)}${el('OOFUrl', ews)}${el('OABUrl', oab)}${el('EcpUrl', ecp)}</Protocol>`
    : '';
  const owa = externalUrlFor(ctx, loc, 'owa');
  const web = owa ? `<Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod="Fba">${esc(owa)}</OWAUrl></External></Protocol>` : '';
  return `<?xml version="1.0" encoding="utf-8"?>
${servedUserComment(user.samAccountName)}
<Autodiscover xmlns="${NS_RESPONSE}">
  <Response xmlns="${NS_OUTLOOK}">
    <User><DisplayName>${esc(user.name)}</DisplayName><LegacyDN>${esc(legacyDn)}</LegacyDN><AutoDiscoverSMTPAddress>${esc(user.email)}</AutoDiscoverSMTPAddress><DeploymentId>6e7f1d2a-3b4c-4d5e-8f90-a1b2c3d4e5f6</DeploymentId></User>
    <Account><AccountType>email</AccountType><Action>settings</Action>${exch}${expr}${web}</Account>
  </Response>
</Autodiscover>
`;
}

function mobileResponse(ctx: CasContext, user: UserSpec): string {
  const loc = mailboxLocation(ctx, user);
  const url = externalUrlFor(ctx, loc, 'eas');
  const action = url
    ? `<Settings><Server><Type>MobileSync</Type><Url>${esc(url)}</Url><Name>${esc(url)}</Name></Server></Settings>`
    : '<Error><Status>1</Status><Message>The directory service could not be reached</Message><DebugData>MailUser</DebugData></Error>';
  return `<?xml version="1.0" encoding="utf-8"?>
${servedUserComment(user.samAccountName)}
<Autodiscover xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS_RESPONSE}">
  <Response xmlns="${NS_MOBILE}">
    <Culture>en:us</Culture>
    <User><DisplayName>${esc(user.name)}</DisplayName><EMailAddress>${esc(user.email)}</EMailAddress></User>
    <Action>${action}</Action>
  </Response>
</Autodiscover>
`;
}

function errorResponse(code: number, message: string): string {
  const time = new Date().toISOString().slice(11, 19);
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS_RESPONSE}">
  <Response>
    <Error Time="${time}" Id="2477272013"><ErrorCode>${code}</ErrorCode><Message>${esc(message)}</Message><DebugData /></Error>
  </Response>
</Autodiscover>
`;
}

export function autodiscoverHandlers(ctx: CasContext): HttpHandler[] {
  const handle = async (request: Request): Promise<Response> => {
    // Autodiscover is answered where it is asked (001: the CAS2010 "can process Autodiscover requests for both Exchange 2007 and Exchange 2010 mailboxes").
    const a = await admit(ctx, request, 'autodiscover', ctx.server.vdirs.autodiscover.auth, { local: true });
    if (!a.admitted) return a.response;
    const { rc } = a;
    const xml = (body: string) => new HttpResponse(body, { status: 200, headers: iisHeaders({ 'Content-Type': 'text/xml; charset=utf-8', 'Cache-Control': 'private' }) });
    const body = request.method === 'POST' ? await request.text() : '';
    if (!body.includes('<EMailAddress>')) {
      rc.note.decision = 'invalid-request';
      return xml(errorResponse(600, 'Invalid Request'));
    }
    const loc = mailboxLocation(ctx, a.user);
    if (ctx.build.product === 2007 && loc.product === 2010) {
      rc.note.decision = 'refused';
      return xml(errorResponse(500, 'The e-mail address cannot be found.'));
    }
    rc.note.decision = 'served';
    return xml(body.includes(NS_MOBILE_REQ) ? mobileResponse(ctx, a.user) : outlookResponse(ctx, a.user));
  };
  return [
    http.post(ctx.path('/Autodiscover/Autodiscover.xml'), ({ request }) => handle(request)),
    http.get(ctx.path('/Autodiscover/Autodiscover.xml'), ({ request }) => handle(request)),
    http.get(ctx.path('/Autodiscover'), ({ request }) => handle(request)),
  ];
}
