import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../suites/rules.ts';
import { flatten } from './diff.ts';
import { FIELD_TABLE, fieldRow } from './fields.ts';
import { FIXTURE_DIR, readFixture } from './fixtures.ts';

describe('the field table', () => {
  it('names only rules of RULES.md', () => {
    const known = new Set(RULES.map((r) => r.id));
    const unknown = FIELD_TABLE.flatMap((r) => r.rules).filter((id) => !known.has(id));
    expect(unknown).toEqual([]);
  });

  it('has a row of its own for every field of every checked-in probe (none falls to the catch-all)', () => {
    const builds = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(builds.length).toBeGreaterThan(30);
    const unclassified = new Set<string>();
    for (const b of builds) {
      for (const path of flatten(readFixture(b)).keys()) if (fieldRow(path).pattern === '**' && !/^(format|version|tool|probedAt|redacted|target|source|summary|errors)\b/.test(path)) unclassified.add(path);
    }
    expect([...unclassified]).toEqual([]);
  });

  it('marks what changes with the build as build fields, with the rules that read them', () => {
    for (const path of ['http.owa.root.headers.x-owa-version', 'http.owa.logon.title', 'http.owa.logon.formAction', 'http.owa.logon.resourceFolders', 'http.presence.ecp', 'authenticated.eas.options.headers.ms-asprotocolversions', 'authenticated.ews.schemaVersion']) {
      const row = fieldRow(path);
      expect(row.cls, path).toBe('build');
      expect(row.rules.length, path).toBeGreaterThan(0);
    }
    expect(fieldRow('http.owa.root.headers.x-owa-version').rules).toEqual(expect.arrayContaining(['OWA-09', 'VER-01']));
    expect(fieldRow('http.vdirs.ews.ping.status')).toMatchObject({ cls: 'behaviour', rules: expect.arrayContaining(['HC-01', 'HC-02']) });
    expect(fieldRow('http.vdirs.rpc.challenge.wwwAuthenticate')).toMatchObject({ cls: 'config', rules: expect.arrayContaining(['OA-02']) });
    expect(fieldRow('mail.imap.loginTypeHint')).toMatchObject({ cls: 'config', rules: ['MAIL-04', 'MAIL-07'] });
    expect(fieldRow('tls.certificate.selfSigned').cls).toBe('deployment');
    expect(fieldRow('http.vdirs.oab.challenge.request').cls).toBe('request');
  });
});
