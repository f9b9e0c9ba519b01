import { describe, expect, it } from 'vitest';
import { decodeEntities, otherOwaUrl, parsePage } from './owa-browser-html.ts';

describe('parsePage', () => {
  it('reads a logon form: hidden fields, radios, the password field, the submit button', () => {
    const p = parsePage(`<html><head><title>Outlook Web App</title><link href="/owa/14.2.283.3/themes/resources/logon.css"></head>
<body><form action="/owa/auth.owa" method="POST" name="logonForm">
<input type="hidden" name="destination" value="https://a/owa/?x=1&amp;y=2">
<input type="radio" name="trusted" value="0"><input type="radio" name="trusted" value="4" checked>
<input name="username" type="text"><input name="password" type="password">
<input type="submit" name="SubmitCreds" value="Sign in"></form></body></html>`);
    expect(p.title).toBe('Outlook Web App');
    expect(p.forms).toHaveLength(1);
    const f = p.forms[0]!;
    expect(f).toMatchObject({ action: '/owa/auth.owa', method: 'POST', name: 'logonForm', hasPassword: true });
    expect(f.fields.find((x) => x.name === 'destination')!.value).toBe('https://a/owa/?x=1&y=2');
    expect(f.fields.filter((x) => x.name === 'trusted' && x.checked).map((x) => x.value)).toEqual(['4']);
    expect(p.selfSubmitting).toBeNull();
    expect(p.references).toContain('/owa/14.2.283.3/themes/resources/logon.css');
  });

  it('sees a form that submits itself on load, and ignores noscript content', () => {
    const p = parsePage(`<body onload="document.forms[0].submit()"><form method="POST" action="https://legacy.contoso.lab/owa/auth/owaauth.dll">
<input type="hidden" name="password" value="x"><noscript><input type="submit" value="Continue"></noscript></form></body>`);
    expect(p.selfSubmitting?.action).toBe('https://legacy.contoso.lab/owa/auth/owaauth.dll');
    expect(p.selfSubmitting?.fields.map((f) => f.name)).toEqual(['password']);
    expect(p.selfSubmitting?.hasPassword).toBe(false); // a hidden field: nobody types into it
  });

  it('finds the named form a script submits, and a meta refresh', () => {
    const p = parsePage(`<meta http-equiv="Refresh" content="0; URL=https://mail-region.contoso.lab/owa"><form name="a"></form><form name="b" method="post"></form>
<script>window.setTimeout(function(){ document.forms['b'].submit(); }, 0);</script>`);
    expect(p.selfSubmitting?.name).toBe('b');
    expect(p.refresh).toEqual({ delaySeconds: 0, url: 'https://mail-region.contoso.lab/owa' });
  });

  it('does not throw on malformed markup', () => {
    for (const junk of ['<form', '<<<>>>', '<a href=', '<title>x', '\u0000\u0001<form action="', '<select name=s><option>1']) {
      expect(() => parsePage(junk)).not.toThrow();
    }
    expect(decodeEntities('&#x41;&#66;&amp;&bogus;&#0;')).toBe('AB&&bogus;&#0;');
  });

  it('finds a full /owa URL on another origin (a manual redirect target), not a relative or same-origin one', () => {
    const here = 'https://cas2010.site1.contoso.lab:4443/owa/';
    const html = (b: string) => `<html><body>${b}</body></html>`;
    const find = (b: string) => otherOwaUrl(parsePage(html(b)), html(b), here);
    expect(find('<a href="https://mail-region.contoso.lab/owa">x</a>')).toBe('https://mail-region.contoso.lab/owa');
    expect(find('Please use https://mail-region.contoso.lab/owa/ instead.')).toBe('https://mail-region.contoso.lab/owa/');
    expect(find('<a href="/owa/">x</a><a href="https://cas2010.site1.contoso.lab:4443/owa/">y</a>')).toBeUndefined();
    expect(find('<a href="https://www.microsoft.com/help">help</a>')).toBeUndefined();
  });
});
