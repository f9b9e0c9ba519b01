import { describe, expect, it } from 'vitest';
import { diffProbes } from './diff.ts';
import { readFixture } from './fixtures.ts';
import type { ProbeDoc } from './schema.ts';

const clone = (d: ProbeDoc): ProbeDoc => structuredClone(d);

describe('diffProbes', () => {
  const sp3 = readFixture('2007-sp3');
  const ru1 = readFixture('2010-sp2-ru1');

  it('finds nothing between a probe and itself', () => {
    const d = diffProbes(sp3, clone(sp3));
    expect(d.differences).toEqual([]);
    expect(d.deployment).toEqual([]);
    expect(d.compared).toBeGreaterThan(100);
  });

  it('lists the version-dependent fields between 2007 SP3 and 2010 SP2 RU1, each with its rules', () => {
    const d = diffProbes(sp3, ru1);
    const paths = d.differences.map((x) => x.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'http.owa.root.headers.x-owa-version',
        'http.owa.logon.title',
        'http.owa.logon.formAction',
        'http.owa.logon.formFields',
        'http.owa.logon.resourceFolders',
        'http.presence.ecp',
        'http.presence.powershell',
        'authenticated.eas.options.headers.ms-asprotocolversions',
        'authenticated.eas.options.headers.ms-server-activesync',
      ]),
    );
    for (const x of d.differences.filter((x) => x.cls === 'build')) expect(x.rules.length, x.path).toBeGreaterThan(0);
    const v = d.differences.find((x) => x.path === 'http.owa.root.headers.x-owa-version')!;
    expect(v).toMatchObject({ left: '8.3.83.6', right: '14.2.283.3', cls: 'build' });
  });

  it('compares a --no-redact probe with a redacted one', () => {
    const raw = JSON.parse(JSON.stringify(sp3).replaceAll('<target-short>', 'cas01').replaceAll('<target>', 'cas01.corp.example')) as ProbeDoc;
    raw.redacted = false;
    expect(diffProbes(raw, sp3).differences).toEqual([]);
  });

  it('does not compare a section only one side has, and says so', () => {
    const mine = clone(sp3);
    delete mine.authenticated;
    delete mine.mail.pop3;
    mine.target.credentials = false;
    const d = diffProbes(mine, sp3);
    expect(d.differences).toEqual([]);
    expect(d.notCompared).toEqual([
      { section: 'authenticated', onlyIn: 'right' },
      { section: 'mail.pop3', onlyIn: 'right' },
    ]);
  });

  it('compares an implicit-TLS mail probe with the lists after STARTTLS', () => {
    const mine = clone(sp3);
    const m = mine.mail.imap!;
    mine.mail.imap = { implicitTls: true, banner: m.banner, capabilities: m.starttls!.capabilities, starttls: null, loginTypeHint: null, tls: m.tls };
    const d = diffProbes(mine, sp3);
    expect(d.differences).toEqual([]);
    expect(d.notes).toHaveLength(1);
    mine.mail.imap.capabilities = ['IMAP4rev1'];
    expect(diffProbes(mine, sp3).differences.map((x) => x.path)).toEqual(['mail.imap.capabilities']);
  });

  it('keeps deployment facts apart from the count', () => {
    const mine = clone(sp3);
    mine.tls.protocol = 'TLSv1';
    mine.tls.certificate!.selfSigned = false;
    const d = diffProbes(mine, sp3);
    expect(d.differences).toEqual([]);
    expect(d.deployment.map((x) => x.path)).toEqual(['tls.protocol', 'tls.certificate.selfSigned']);
  });
});
