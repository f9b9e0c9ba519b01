/**
 * The two OWA redirect answers of a legacy CAS.
 * - Manual redirect (003: "their browser will display a message that includes the URL … They will not be
 *   redirected automatically"): a 200 page with the full ExternalURL as a link; no Location, no script.
 * - Single sign-on silent redirect (001: "CAS2010 will initiate single sign-on silent redirect (assumes FBA
 *   is enabled on source and target)"): a 200 page whose form submits itself to the target namespace. It
 *   posts credentials to the target's sign-in path only when the request being answered is the forms
 *   sign-in that carried them; otherwise (a session, NTLM, Basic) it opens the target's /owa/ without
 *   credentials and the target asks for them. The seeds do not say what Exchange posts; the mock never
 *   writes a password it did not receive in that request (docs/legacy-behaviour.md "Silent redirect").
 */
import { HttpResponse } from 'msw';
import type { BuildTraits } from '../../builds/catalogue.ts';
import type { CasContext } from '../context.ts';
import { esc } from '../../http/vdirs/owa-pages.ts';
import { owaHeaders } from '../../http/vdirs/common.ts';
import { servedUserComment } from '../../http/vdirs/served-user.ts';

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

export function silentRedirectPage(ctx: CasContext, targetOwaUrl: string, target: BuildTraits, servedUser: string, posted: { username: string; password: string } | null): Response {
  const owa = new URL(targetOwaUrl);
  const destination = `${owa.origin}/owa/`;
  const form = posted
    ? {
        method: 'POST',
        action: `${owa.origin}${target.owa.formsPostPath}`,
        fields: [
          ['destination', destination], ['flags', '4'], ['forcedownlevel', '0'], ['trusted', '4'], ['username', posted.username], ['password', posted.password],
          ...(target.product === 2010 ? ([['isUtf8', '1']] as [string, string][]) : []),
        ] as [string, string][],
      }
    : { method: 'GET', action: destination, fields: [] as [string, string][] };
  const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>${esc(ctx.build.owa.title)}</title>
${servedUserComment(servedUser)}</head>
<body onload="document.forms[0].submit()">
<form name="redirectForm" method="${form.method}" action="${esc(form.action)}">
${form.fields.map(([k, v]) => `<input type="hidden" name="${k}" value="${esc(v)}">`).join('\n')}
<noscript><input type="submit" value="Continue"></noscript>
</form>
</body></html>
`;
  return new HttpResponse(html, { status: 200, headers: owaHeaders(ctx, { 'Content-Type': 'text/html; charset=utf-8' }) });
}
