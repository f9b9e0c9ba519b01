import { describe, expect, it } from 'vitest';
import { parseMailEndpoint } from './mail-endpoint.ts';
import { chooseBuild } from './build-guess.ts';
import { readFixture, readProbeFile } from './fixtures.ts';
import { reduce, splitOffers } from './http-step.ts';
import { parseUser } from './credentials.ts';
import { parseTargetUrl, serverVersionInfo, summarise } from './probe.ts';
import { capabilityTokens, imapLoginHint } from './mail-imap.ts';
import { popLoginHint } from './mail-pop3.ts';
import { ProbeError, ProbeFileError } from './errors.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

describe('command-line values', () => {
  it('reads mail endpoints as InternalConnectionSettings are written', () => {
    expect(parseMailEndpoint('--imap', 'cas01.corp.example:993')).toEqual({ host: 'cas01.corp.example', port: 993, implicitTls: true });
    expect(parseMailEndpoint('--imap', 'cas01.corp.example:143')).toEqual({ host: 'cas01.corp.example', port: 143, implicitTls: false });
    expect(parseMailEndpoint('--pop3', '127.0.1.12:20995:SSL')).toEqual({ host: '127.0.1.12', port: 20995, implicitTls: true });
    expect(parseMailEndpoint('--pop3', '[::1]:995:TLS')).toEqual({ host: '::1', port: 995, implicitTls: false });
    expect(() => parseMailEndpoint('--imap', 'cas01')).toThrow(ProbeError);
    expect(() => parseMailEndpoint('--imap', 'cas01:0')).toThrow(/--imap must look like/);
  });

  it('takes an https origin only', () => {
    expect(parseTargetUrl('https://cas01.corp.example').origin).toBe('https://cas01.corp.example');
    expect(() => parseTargetUrl('http://cas01.corp.example')).toThrow(/HTTPS only/);
    expect(() => parseTargetUrl('https://cas01.corp.example/owa/')).toThrow(/origin only/);
    expect(() => parseTargetUrl('https://u:p@cas01.corp.example')).toThrow(/origin only/);
    expect(() => parseTargetUrl('cas01')).toThrow(/not a URL/);
  });

  it('splits DOMAIN\\user for NTLM', () => {
    expect(parseUser('CONTOSO\\red')).toEqual({ domain: 'CONTOSO', user: 'red' });
    expect(parseUser('red@contoso.lab')).toEqual({ domain: '', user: 'red@contoso.lab' });
  });
});

describe('answers', () => {
  it('splits WWW-Authenticate offers, keeping Basic parameters with Basic', () => {
    expect(splitOffers('Negotiate, NTLM, Basic realm="cas01", charset="UTF-8"')).toEqual(['Negotiate', 'NTLM', 'Basic realm="cas01", charset="UTF-8"']);
    const a = reduce('GET /EWS', 401, { 'www-authenticate': ['Negotiate', 'NTLM', 'Basic realm="cas01.corp.example"'], server: ['Microsoft-IIS/7.5'], date: ['x'] }, 'https://cas01.corp.example');
    expect(a).toEqual({ request: 'GET /EWS', status: 401, wwwAuthenticate: ['Negotiate', 'NTLM', 'Basic'], basicRealm: 'cas01.corp.example', headers: { server: 'Microsoft-IIS/7.5' } });
  });

  it('reads ServerVersionInfo attributes (2007 t:, 2010 h:) without namespace declarations', () => {
    expect(serverVersionInfo('<s:Header><h:ServerVersionInfo MajorVersion="14" MinorVersion="2" MajorBuildNumber="283" MinorBuildNumber="3" Version="Exchange2010_SP2" xmlns:h="x" xmlns="y"/></s:Header>')).toEqual({
      MajorVersion: '14', MinorVersion: '2', MajorBuildNumber: '283', MinorBuildNumber: '3', Version: 'Exchange2010_SP2',
    });
    expect(serverVersionInfo('<html></html>')).toBeNull();
  });

  it('derives LoginType from the lists before TLS', () => {
    expect(imapLoginHint(capabilityTokens('* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI LOGINDISABLED STARTTLS IDLE NAMESPACE LITERAL+'))).toBe('SecureLogin');
    expect(imapLoginHint(['IMAP4rev1', 'AUTH=PLAIN', 'LOGINDISABLED'])).toBe('PlainTextAuthentication');
    expect(imapLoginHint(['IMAP4rev1', 'AUTH=PLAIN'])).toBe('PlainTextLogin');
    expect(popLoginHint(['TOP', 'UIDL', 'STLS'])).toBe('SecureLogin');
    expect(popLoginHint(['TOP', 'UIDL', 'SASL NTLM GSSAPI PLAIN'])).toBe('PlainTextAuthentication');
    expect(popLoginHint(['TOP', 'UIDL', 'USER'])).toBe('PlainTextLogin');
  });
});

describe('builds', () => {
  const doc = readFixture('2010-sp2-ru1');

  it('names the catalogue build of an X-OWA-Version, the seeds alias included', () => {
    expect(summarise('14.2.283.3')).toEqual({ xOwaVersion: '14.2.283.3', build: '2010-sp2-ru1', buildName: 'Exchange 2010 SP2 RU1' });
    expect(summarise('8.0.700.0').build).toBe('2007-rtm-ru1');
    expect(summarise('15.0.847.32').build).toBeNull();
  });

  it('chooses the build for probe diff: given, auto, or the nearest older of the same service pack', () => {
    expect(chooseBuild('auto', doc).build.id).toBe('2010-sp2-ru1');
    expect(chooseBuild('2007-sp3', doc).build.id).toBe('2007-sp3');
    const later = structuredClone(doc);
    later.summary.xOwaVersion = '14.3.389.1';
    expect(chooseBuild('auto', later)).toMatchObject({ build: { id: '2010-sp3' }, reason: expect.stringMatching(/nearest older/) });
    later.summary.xOwaVersion = null;
    later.http.owa.root.headers = {};
    expect(() => chooseBuild('auto', later)).toThrow(/no X-OWA-Version/);
    expect(() => chooseBuild('2013-cu23', doc)).toThrow(/unknown build/);
  });
});

describe('probe files', () => {
  it('refuses what is not a probe file of version 1, naming the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-file-'));
    try {
      const write = (name: string, v: unknown) => {
        writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
        return join(dir, name);
      };
      expect(() => readProbeFile(write('a.json', 'nope'))).toThrow(ProbeFileError);
      expect(() => readProbeFile(write('b.json', { format: 'report' }))).toThrow(/not a probe file/);
      expect(() => readProbeFile(write('c.json', { format: 'cas-conformance-probe', version: 2 }))).toThrow(/version 2/);
      const broken = structuredClone(readFixture('2007-sp3')) as unknown as { http: { owa: { root: { status: string } } } };
      broken.http.owa.root.status = 'three hundred and two';
      expect(() => readProbeFile(write('d.json', broken))).toThrow(/http\.owa\.root\.status/);
      expect(() => readProbeFile(join(dir, 'missing.json'))).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
