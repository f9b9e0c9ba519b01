import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WaiverError } from './errors.ts';
import { findWaiver, parseWaivers, readWaivers, waiverNotes } from './waivers.ts';

const now = new Date('2026-06-15T08:00:00Z');

function issuesOf(doc: unknown): { path: string; message: string }[] {
  try {
    parseWaivers(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(WaiverError);
    expect((err as WaiverError).code).toBe('WAIVER_ERR');
    return (err as WaiverError).issues;
  }
  throw new Error('expected the waivers to be refused');
}

describe('parseWaivers', () => {
  it('accepts a good file', () => {
    expect(parseWaivers({ waivers: [{ rule: 'EAS-03', reason: ' vendor bug ', expires: '2027-01-31', candidate: 'nginx' }] }))
      .toEqual([{ rule: 'EAS-03', reason: 'vendor bug', expires: '2027-01-31', candidate: 'nginx' }]);
  });

  it('refuses a waiver without reason or expiry, naming the path', () => {
    const issues = issuesOf({ waivers: [{ rule: 'EAS-03', expires: '2027-01-31' }, { rule: 'OA-02', reason: 'x' }, { rule: 'OA-01', reason: '  ', expires: '2027-01-01' }] });
    expect(issues).toEqual([
      { path: 'waivers[0].reason', message: 'is required: say why the failure is accepted' },
      { path: 'waivers[1].expires', message: 'is required: a waiver must end (YYYY-MM-DD)' },
      { path: 'waivers[2].reason', message: 'is required: say why the failure is accepted' },
    ]);
  });

  it.each(['2027-02-30', '2027-13-01', '31/01/2027', '2027-1-31', 20270131])('refuses the bad date %s', (expires) => {
    const issues = issuesOf({ waivers: [{ rule: 'EAS-03', reason: 'r', expires }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('waivers[0].expires');
    expect(issues[0]!.message).toMatch(/calendar date YYYY-MM-DD/);
  });

  it('refuses a bad rule ID, an unknown field, a duplicate and a wrong shape', () => {
    expect(issuesOf({ waivers: [{ rule: 'eas3', reason: 'r', expires: '2027-01-01' }] })[0]!.path).toBe('waivers[0].rule');
    expect(issuesOf({ waivers: [{ rule: 'EAS-03', reason: 'r', expiry: '2027-01-01', expires: '2027-01-01' }] })[0]!.path).toBe('waivers[0].expiry');
    expect(issuesOf({ waivers: [{ rule: 'EAS-03', reason: 'a', expires: '2027-01-01' }, { rule: 'EAS-03', reason: 'b', expires: '2027-02-01' }] }))
      .toEqual([{ path: 'waivers[1]', message: 'waives EAS-03 again (see waivers[0])' }]);
    expect(issuesOf([])).toEqual([{ path: '(root)', message: 'must be an object with a "waivers" array' }]);
    expect(issuesOf({ waiver: [] }).map((i) => i.path)).toEqual(['waiver', 'waivers']);
  });

  it('reads a file and names it in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waivers-'));
    const file = join(dir, 'waivers.json');
    try {
      writeFileSync(file, JSON.stringify({ waivers: [{ rule: 'EAS-03', reason: 'r', expires: '2027-1-1' }] }));
      expect(() => readWaivers(file)).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is invalid:\\n  - waivers\\[0\\]\\.expires`));
      writeFileSync(file, '{ not json');
      expect(() => readWaivers(file)).toThrow(/cannot read JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('findWaiver and notes', () => {
  const waivers = parseWaivers({
    waivers: [
      { rule: 'EAS-03', reason: 'all candidates', expires: '2027-01-31' },
      { rule: 'EAS-03', reason: 'nginx only', expires: '2027-01-31', candidate: 'NGINX' },
      { rule: 'OA-02', reason: 'gone', expires: '2026-06-14' },
      { rule: 'OWA-08', reason: 'not needed', expires: '2027-01-01' },
      { rule: 'TLS-01', reason: 'haproxy', expires: '2027-01-01', candidate: 'haproxy' },
    ],
  });

  it('prefers the candidate-specific waiver, matching names case-insensitively', () => {
    expect(findWaiver(waivers, 'EAS-03', 'nginx', now).active?.reason).toBe('nginx only');
    expect(findWaiver(waivers, 'EAS-03', 'haproxy', now).active?.reason).toBe('all candidates');
    expect(findWaiver(waivers, 'TLS-01', 'nginx', now)).toEqual({});
  });

  it('does not apply an expired waiver and reports it', () => {
    expect(findWaiver(waivers, 'OA-02', 'nginx', now)).toEqual({ expired: waivers[2] });
    const notes = waiverNotes(waivers, [{ id: 'OA-02', outcome: 'warn' }, { id: 'OWA-08', outcome: 'pass' }, { id: 'EAS-03', outcome: 'waived' }], 'nginx', now);
    expect(notes).toEqual([
      'waiver for OA-02 expired on 2026-06-14 and was not applied: gone',
      'waiver for OWA-08 was not used (outcome pass)',
    ]);
  });
});
