/**
 * The HTML an OWA of a given build serves: the forms logon page and a small mailbox page, each
 * referencing the build's versioned resources (`/owa/<folder>/…`, 002) so a browser-like client
 * loads them. Titles and form fields per PROTOCOL-FACTS.md.
 */
import type { BuildTraits } from '../../builds/catalogue.ts';
import type { UserSpec } from '../../../harness/topology/index.ts';
import { servedUserComment } from './served-user.ts';

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function resourceTags(b: BuildTraits): string {
  const base = `/owa/${b.owa.resourceFolder}`;
  return b.owa.resources
    .map((r) =>
      r.endsWith('.css')
        ? `<link type="text/css" rel="stylesheet" href="${base}/${r}">`
        : r.endsWith('.js')
          ? `<script type="text/javascript" src="${base}/${r}"></script>`
          : r.endsWith('.ico')
            ? `<link rel="shortcut icon" href="${base}/${r}" type="image/x-icon">`
            : `<img src="${base}/${r}" alt="">`,
    )
    .join('\r\n');
}

/** The forms-based logon page (`/owa/auth/logon.aspx`). */
export function logonPage(b: BuildTraits, destination: string, reason: string): string {
  const is2010 = b.product === 2010;
  const error = reason === '2' ? '<div id="signInErrorDiv" class="signInError">The user name or password you entered isn\'t correct. Try entering it again.</div>' : '';
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<!-- Copyright (c) 2006 Microsoft Corporation.  All rights reserved. -->
<!-- OwaPage = ASP.auth_logon_aspx -->
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
<meta name="Robots" content="NOINDEX, NOFOLLOW">
<title>${esc(b.owa.title)}</title>
${resourceTags(b)}
</head>
<body class="signInBg">
<form action="${b.owa.formsPostPath}" enctype="application/x-www-form-urlencoded" method="POST" name="logonForm" autocomplete="off">
<input type="hidden" name="destination" value="${esc(destination)}">
<input type="hidden" name="flags" value="4">
<input type="hidden" name="forcedownlevel" value="0">
${error}
<input id="rdoPblc" type="radio" name="trusted" value="0" class="rdo"><label for="rdoPblc">This is a public or shared computer</label>
<input id="rdoPrvt" type="radio" name="trusted" value="4" class="rdo" checked><label for="rdoPrvt">This is a private computer</label>
<label for="username">Domain\\user name:</label><input id="username" name="username" type="text" class="txt">
<label for="password">Password:</label><input id="password" name="password" type="password" class="txt">
<input type="submit" class="btn" name="SubmitCreds" value="${is2010 ? 'Sign in' : 'Log On'}">
${is2010 ? '<input name="isUtf8" value="1" type="hidden">' : ''}
</form>
</body>
</html>
`;
}

/** The mailbox page a signed-in user sees (premium client, much reduced). */
export function mailboxPage(b: BuildTraits, user: UserSpec, server: string): string {
  const rows = user.messages
    .map((m, i) => `<tr id="msg${i + 1}"><td>${esc(m.from)}</td><td>${esc(m.subject)}</td><td>${esc(m.date)}</td></tr>`)
    .join('\r\n');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
<title>${esc(user.name)} - ${esc(b.owa.title)}</title>
${servedUserComment(user.samAccountName)}
${resourceTags(b)}
</head>
<body>
<div id="mailbox" data-user="${esc(user.samAccountName)}" data-server="${esc(server)}" data-build="${b.build}">
<h1>Inbox</h1>
<table id="messages">
${rows}
</table>
</div>
</body>
</html>
`;
}

/** The body of a versioned resource file (deterministic, names its build). */
export function resourceBody(folder: string, file: string): { body: string | Uint8Array; type: string } {
  if (file.endsWith('.css')) return { body: `/* OWA ${folder} ${file} */\r\nbody.signInBg{background:#fff;font-family:Tahoma,sans-serif}\r\n`, type: 'text/css' };
  if (file.endsWith('.js')) return { body: `/* OWA ${folder} ${file} */\r\nvar owaVersion="${folder}";\r\n`, type: 'application/x-javascript' };
  if (file.endsWith('.ico')) return { body: new Uint8Array([0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0, 48, 0, 0, 0, 22, 0, 0, 0]), type: 'image/x-icon' };
  if (file.endsWith('.png')) return { body: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), type: 'image/png' };
  return { body: `OWA ${folder} ${file}\r\n`, type: 'application/octet-stream' };
}
