import { describe, expect, it } from 'vitest';
import { originToken, placeholders, redactProbe } from './redact.ts';
import { readFixture } from './fixtures.ts';
import type { ProbeDoc } from './schema.ts';

describe('originToken', () => {
  const origin = 'https://cas01.corp.example:20443';

  it('replaces the origin raw and percent-encoded (any hex case)', () => {
    const loc = 'https://cas01.corp.example:20443/owa/auth/logon.aspx?url=https%3a%2f%2fcas01.corp.example%3a20443%2fowa%2f&reason=0';
    expect(originToken(loc, origin)).toBe('<origin>/owa/auth/logon.aspx?url=<origin>%2fowa%2f&reason=0');
    expect(originToken('https%3A%2F%2FCAS01.corp.example%3A20443%2f', origin)).toBe('<origin>%2f');
  });

  it('keeps another scheme, another port and a longer name: those are different origins', () => {
    expect(originToken('http://cas01.corp.example:20443/owa/', origin)).toBe('http://cas01.corp.example:20443/owa/');
    expect(originToken('https://cas01.corp.example:2044/owa/', origin)).toBe('https://cas01.corp.example:2044/owa/');
    expect(originToken('https://cas01.corp.example.evil:20443/', origin)).toBe('https://cas01.corp.example.evil:20443/');
  });

  it('treats the default port as optional', () => {
    expect(originToken('https://cas01.corp.example/owa/ https://cas01.corp.example:443/owa/', 'https://cas01.corp.example')).toBe('<origin>/owa/ <origin>/owa/');
  });
});

describe('redactProbe', () => {
  const fixture = readFixture('2010-sp2-ru1');
  // A fixture turned back into what a --no-redact probe of cas01.corp.example would hold.
  const raw: ProbeDoc = JSON.parse(
    JSON.stringify(fixture)
      .replaceAll('<target-short>', 'cas01')
      .replaceAll('<target>', 'cas01.corp.example')
      .replace('"https://cas01.corp.example"', '"https://cas01.corp.example:443"'),
  );
  raw.redacted = false;
  raw.http.owa.root.headers['x-feserver'] = 'CAS01';
  raw.http.vdirs.ews.challenge!.basicRealm = 'corp.example';
  raw.http.vdirs.owa.ping.location = 'https://mail.corp.example/owa/auth/logon.aspx?url=https%3a%2f%2fmail.corp.example%2fowa%2f';
  raw.mail.imap!.banner = '* OK The Microsoft Exchange IMAP4 service is ready. [QwBBAFMAMAAxAA==] on imap.corp.example';
  raw.tls.certificate!.subject = 'CN=cas01.corp.example, O=Corp Ltd, L=Somewhere';
  raw.tls.certificate!.issuer = 'CN=Corp Issuing CA, DC=corp, DC=example';

  const names = { target: 'cas01.corp.example', others: ['cas01', 'cas01.corp.example'] };
  const safe = redactProbe(raw, names);
  const text = JSON.stringify(safe);

  it('leaves no host name, realm, server header or certificate value behind', () => {
    expect(text).not.toMatch(/corp\.example|cas01|CAS01|Corp Ltd|Somewhere|QwBBAF/i);
    expect(safe.target.origin).toBe('https://<target>:443');
    expect(safe.http.owa.root.headers['x-feserver']).toBe('<present>');
    expect(safe.http.vdirs.ews.challenge!.basicRealm).toBe('<redacted>');
    expect(safe.http.vdirs.owa.ping.location).toBe('https://<other-host>/owa/auth/logon.aspx?url=https%3a%2f%2f<other-host>%2fowa%2f');
    expect(safe.mail.imap!.banner).toBe('* OK The Microsoft Exchange IMAP4 service is ready. [<redacted>] on <other-host>');
    expect(safe.tls.certificate!.subject).toBe('CN=<target>, O=<redacted>, L=<redacted>');
    expect(safe.tls.certificate!.issuer).toBe('CN=<redacted>, DC=<redacted>, DC=<redacted>');
  });

  it('keeps what is not a name: build numbers, titles, capability lists', () => {
    expect(safe.http.owa.root.headers['x-owa-version']).toBe('14.2.283.3');
    expect(safe.http.owa.logon!.resourceFolders).toEqual(['14.2.283.3']);
    expect(safe.http.owa.logon!.title).toBe('Outlook Web App');
    expect(safe.mail.imap!.starttls!.capabilities).toContain('AUTH=PLAIN');
    expect(safe.http.owa.root.headers['x-powered-by']).toBe('ASP.NET');
  });

  it('is idempotent: a redacted file comes back equal', () => {
    expect(redactProbe(safe, names)).toEqual(safe);
    expect(redactProbe(fixture, { target: '<target>', others: [] })).toEqual(fixture);
  });

  it('numbers other names in a stable order, the short name of the target apart', () => {
    expect(placeholders({ target: 'cas01.corp.example', others: ['zeta.corp.example', 'cas01', 'alpha.corp.example'] })).toEqual([
      ['alpha.corp.example', '<host-1>'],
      ['cas01.corp.example', '<target>'],
      ['zeta.corp.example', '<host-2>'],
      ['cas01', '<target-short>'],
    ]);
  });
});
