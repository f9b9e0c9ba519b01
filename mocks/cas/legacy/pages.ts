/**
 * The two OWA redirect answers of a legacy CAS.
 * - Manual redirect (003: "their browser will display a message that includes the URL … They will not be
 *   redirected automatically"): a 200 page with the full ExternalURL as a link; no Location, no script.
 * - Single sign-on silent redirect (001: "CAS2010 will initiate single sign-on silent redirect (assumes FBA
 *   is enabled on source and target)"): a 200 page whose form posts the user's FBA credentials to the
 *   target namespace's sign-in path and submits itself.
 */
import { HttpResponse } from 'msw';
import type { BuildTraits } from '../../builds/catalogue.ts';
import type { CasContext } from '../context.ts';
import { esc } from '../../http/vdirs/owa-pages.ts';
import { owaHeaders } from '../../http/vdirs/common.ts';

export function manualRedirectPage(ctx: CasContext, url: string): Response {
  const title = ctx.build.owa.title;
  const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${esc(title)}</title></head>
<body>
<div id="redirDiv">
<p>Use the following link to open this mailbox with the best performance:</p>
<p><a id="redirLink" href="${esc(url)}">${esc(url)}</a></p>
</div>
</body></html>
`;
  return new HttpResponse(html, { status: 200, headers: owaHeaders(ctx, { 'Content-Type': 'text/html; charset=utf-8' }) });
}

export function silentRedirectPage(ctx: CasContext, targetOwaUrl: string, target: BuildTraits, login: string, password: string): Response {
  const owa = new URL(targetOwaUrl);
  const action = `${owa.origin}${target.owa.formsPostPath}`;
  const destination = `${owa.origin}/owa/`;
  const fields: [string, string][] = [
    ['destination', destination], ['flags', '4'], ['forcedownlevel', '0'], ['trusted', '4'], ['username', login], ['password', password],
    ...(target.product === 2010 ? ([['isUtf8', '1']] as [string, string][]) : []),
  ];
  const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${esc(ctx.build.owa.title)}</title></head>
<body onload="document.forms[0].submit()">
<form name="redirectForm" method="POST" action="${esc(action)}">
${fields.map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`).join('\n')}
<noscript><input type="submit" value="Continue"></noscript>
</form>
</body></html>
`;
  return new HttpResponse(html, { status: 200, headers: owaHeaders(ctx, { 'Content-Type': 'text/html; charset=utf-8' }) });
}
