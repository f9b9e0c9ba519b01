/**
 * The HTML the front door's own OWA serves: its 2013-style forms logon page, the single sign-on
 * silent redirect page (001: "CAS2013 will initiate a single sign-on silent redirect (assumes FBA is
 * enabled on source and target)") and, for the `manual-redirect-owa` defect only, a manual redirect
 * page. No external resources: nothing on these pages needs a versioned folder (OWA-08 is about the
 * legacy pages the front door proxies).
 */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** `/owa/auth/logon.aspx` as Exchange 2013 shows it (title "Outlook Web App", posts to /owa/auth.owa). */
export function logonPage(destination: string, reason: string): string {
  const error = reason === '2' ? '<div id="signInErrorDiv" role="alert">The user name or password you entered isn\'t correct. Try entering it again.</div>\n' : '';
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="Robots" content="NOINDEX, NOFOLLOW">
<title>Outlook Web App</title>
<style>body{font-family:"Segoe UI",Tahoma,sans-serif;background:#fff}.signin{margin:10% auto;width:22em}</style>
</head>
<body>
<div class="signin">
<form action="/owa/auth.owa" method="POST" name="logonForm" enctype="application/x-www-form-urlencoded" autocomplete="off">
<input type="hidden" name="destination" value="${esc(destination)}">
<input type="hidden" name="flags" value="4">
<input type="hidden" name="forcedownlevel" value="0">
${error}<label for="username">Domain\\user name:</label><input id="username" name="username" type="text">
<label for="password">Password:</label><input id="password" name="password" type="password">
<input type="hidden" name="passwordText" value="">
<input type="hidden" name="isUtf8" value="1">
<input type="submit" value="sign in">
</form>
</div>
</body>
</html>
`;
}

export interface SilentRedirect {
  /** Where the form posts: the target namespace's forms path (owaauth.dll on 2007, auth.owa on 2010). */
  action: string;
  /** The mailbox URL on the target namespace. */
  destination: string;
  username: string;
  password: string;
  /** 2010 forms take isUtf8=1. */
  utf8: boolean;
}

/** A 200 page whose form submits itself to the target namespace: the user never types credentials again. */
export function silentRedirectPage(r: SilentRedirect): string {
  const field = (n: string, v: string) => `<input type="hidden" name="${n}" value="${esc(v)}">`;
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>Outlook Web App</title>
</head>
<body onload="document.forms[0].submit()">
<form method="POST" action="${esc(r.action)}" name="redirectForm" enctype="application/x-www-form-urlencoded">
${field('destination', r.destination)}
${field('flags', '4')}
${field('forcedownlevel', '0')}
${field('trusted', '4')}
${field('username', r.username)}
${field('password', r.password)}
${r.utf8 ? field('isUtf8', '1') : ''}
<noscript><p>Your mailbox is on another server. <input type="submit" value="Continue"></p></noscript>
</form>
</body>
</html>
`;
}

/** Defect `manual-redirect-owa`: the page Exchange 2010 shows instead (a link the user must follow and sign in again). */
export function manualRedirectPage(url: string): string {
  return `<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>Outlook Web App</title></head>
<body>
<p>Use the following link to open this mailbox with the best performance:</p>
<p><a href="${esc(url)}">${esc(url)}</a></p>
</body>
</html>
`;
}
