import { describe, expect, it } from 'vitest';
import { CookieJar, domainMatch, pathMatch } from './owa-browser-cookies.ts';

const A = 'https://cas2010.site1.contoso.lab:44300';
const B = 'https://legacy.contoso.lab:44301';

describe('CookieJar (RFC 6265 section 5)', () => {
  it('sends a host-only cookie back to its host only, never to another host', () => {
    const jar = new CookieJar();
    expect(jar.setFromHeader(`${A}/owa/auth.owa`, 'sessionid=abc; path=/')).toBe(true);
    expect(jar.cookieHeader(`${A}/owa/`)).toBe('sessionid=abc');
    expect(jar.cookieHeader(`${B}/owa/`)).toBe('');
    // a subdomain of the setting host is another host for a host-only cookie
    expect(jar.cookieHeader('https://x.cas2010.site1.contoso.lab/owa/')).toBe('');
  });

  it('sends a Domain cookie to the domain and its subdomains, and refuses a Domain the host is not in', () => {
    const jar = new CookieJar();
    expect(jar.setFromHeader(`${A}/`, 'wide=1; Domain=.contoso.lab; Path=/')).toBe(true);
    expect(jar.cookieHeader(`${B}/owa/`)).toBe('wide=1');
    expect(jar.cookieHeader('https://contoso.lab/')).toBe('wide=1');
    expect(jar.cookieHeader('https://fabrikam.lab/')).toBe('');
    expect(jar.setFromHeader(`${A}/`, 'evil=1; Domain=fabrikam.lab')).toBe(false);
    expect(jar.setFromHeader(`${A}/`, 'tld=1; Domain=lab')).toBe(false);
    expect(jar.all().map((c) => c.name)).toEqual(['wide']);
  });

  it('scopes by Path, with the default path from the request URI', () => {
    const jar = new CookieJar();
    jar.setFromHeader(`${A}/owa/auth/logon.aspx`, 'deflt=1');
    jar.setFromHeader(`${A}/`, 'ecp=1; path=/ecp');
    expect(jar.cookieHeader(`${A}/owa/auth/x`)).toBe('deflt=1');
    expect(jar.cookieHeader(`${A}/owa/`)).toBe('');
    expect(jar.cookieHeader(`${A}/ecp/`)).toBe('ecp=1');
    expect(jar.cookieHeader(`${A}/ecpx`)).toBe('');
  });

  it('orders longer paths first, replaces same name/domain/path, and deletes on a past expiry', () => {
    const jar = new CookieJar();
    jar.setFromHeader(`${A}/`, 'a=root; path=/');
    jar.setFromHeader(`${A}/`, 'b=owa; path=/owa');
    expect(jar.cookieHeader(`${A}/owa/x`)).toBe('b=owa; a=root');
    jar.setFromHeader(`${A}/`, 'a=new; path=/');
    expect(jar.cookieHeader(`${A}/`)).toBe('a=new');
    jar.setFromHeader(`${A}/`, 'a=; expires=Thu, 01-Jan-1970 00:00:00 GMT; path=/');
    expect(jar.cookieHeader(`${A}/`)).toBe('');
  });

  it('lets Max-Age win over Expires and drops cookies once expired', () => {
    const jar = new CookieJar();
    const now = Date.parse('2014-03-12T06:00:00Z');
    jar.setFromHeader(`${A}/`, 'm=1; Max-Age=60; Expires=Thu, 01-Jan-1970 00:00:00 GMT', now);
    expect(jar.cookieHeader(`${A}/`, now + 59_000)).toBe('m=1');
    expect(jar.cookieHeader(`${A}/`, now + 61_000)).toBe('');
  });

  it('keeps Secure cookies off plain http and refuses to set them from http', () => {
    const jar = new CookieJar();
    jar.setFromHeader(`${A}/`, 's=1; Secure');
    expect(jar.cookieHeader('http://cas2010.site1.contoso.lab/')).toBe('');
    expect(jar.cookieHeader(`${A}/`)).toBe('s=1');
    expect(jar.setFromHeader('http://cas2010.site1.contoso.lab/', 't=1; Secure')).toBe(false);
  });

  it('ignores malformed lines without throwing', () => {
    const jar = new CookieJar();
    for (const bad of ['', '=v', 'noequals', ';;;', `big=${'x'.repeat(5000)}`]) expect(jar.setFromHeader(`${A}/`, bad)).toBe(false);
    expect(jar.all()).toEqual([]);
  });

  it('is bounded: at most 50 cookies per domain (the oldest go first); ports do not separate cookies', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 60; i++) jar.setFromHeader(`${A}/`, `c${i}=${i}; path=/`, 1_000_000 + i);
    const names = jar.all(1_000_100).map((c) => c.name);
    expect(names).toHaveLength(50);
    expect(names[0]).toBe('c10');
    expect(jar.cookieHeader('https://cas2010.site1.contoso.lab:1/', 1_000_100)).toContain('c59=59');
  });

  it('matches domains and paths as 5.1.3 and 5.1.4 say', () => {
    expect(domainMatch('a.contoso.lab', 'contoso.lab')).toBe(true);
    expect(domainMatch('acontoso.lab', 'contoso.lab')).toBe(false);
    expect(domainMatch('127.0.1.11', '0.1.11')).toBe(false);
    expect(pathMatch('/owa/x', '/owa')).toBe(true);
    expect(pathMatch('/owax', '/owa')).toBe(false);
    expect(pathMatch('/owa/x', '/owa/')).toBe(true);
  });
});
