/** The request's line writes the same text the log's generic path (JSON.stringify of the bounded record) would. */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundRecord, createLogger, MAX_VALUE } from '../log.ts';
import { RequestNote } from './request-note.ts';

const FIELDS = ['vdir', 'auth', 'user', 'why', 'decision', 'target', 'hopAuth', 'error'] as const;

/** What the log wrote for the same fields before RequestNote: JSON.stringify of the bounded record, `time` first. */
function generic(note: RequestNote, time: string): string {
  const rec: Record<string, unknown> = { time, kind: 'request', method: note.method, path: note.path, host: note.host, status: note.status, ms: note.ms, client: note.client };
  for (const f of FIELDS) rec[f] = note[f];
  return `${JSON.stringify(boundRecord(rec))}\n`;
}

const AWKWARD = [
  '',
  '/EWS/Exchange.asmx',
  '/owa/?a="quoted"&b=back\\slash',
  'tab\there, newline\nthere, cr\r, nul\u0000, del\u007f',
  'caf\u00e9 \u2603 \ud83d\udce7',
  'lone \ud800 surrogate \udc00',
  'x'.repeat(MAX_VALUE),
  'y'.repeat(MAX_VALUE + 1),
  `${'z'.repeat(MAX_VALUE - 1)}"\u00e9`,
  '\u2028\u2029',
];

/** The line says what the generic one says, in ASCII; where every string is ASCII, in the same text. */
function same(note: RequestNote, time: string): void {
  const own = note.jsonLine(time);
  const gen = generic(note, time);
  expect(own).toMatch(/^[\x00-\x7f]*$/);
  expect(JSON.parse(own)).toEqual(JSON.parse(gen));
  expect(Object.keys(JSON.parse(own) as object)).toEqual(Object.keys(JSON.parse(gen) as object));
  if (/^[\x00-\x7f]*$/.test(gen)) expect(own).toBe(gen);
  expect(own.endsWith('}\n')).toBe(true);
}

describe('RequestNote', () => {
  test('its line is the generic JSON of the same fields, with every awkward string and with fields unset', () => {
    for (const s of AWKWARD) {
      same(new RequestNote('GET', s, s, s), '2026-12-06T06:00:00.000Z');
      const full = new RequestNote('POST', s, 'mail.contoso.lab', '127.0.0.1');
      for (const f of FIELDS) full[f] = s;
      full.status = 502;
      full.ms = 12;
      same(full, 't');
    }
    const odd = new RequestNote('GET', undefined, 'h', 'c');
    odd.status = undefined;
    odd.ms = Number.NaN;
    same(odd, 't');
    expect(new RequestNote('GET', '/EWS/Exchange.asmx', 'h', 'c').jsonLine('t')).toBe(generic(new RequestNote('GET', '/EWS/Exchange.asmx', 'h', 'c'), 't'));
  });

  test('fields kept from the last line never leak into the next: alternating notes, a field set then unset', () => {
    const a = new RequestNote('GET', '/a', 'one.lab', '10.0.0.1');
    a.user = 'blue';
    a.decision = 'proxied';
    const b = new RequestNote('POST', '/b"', 'two.lab', '10.0.0.2');
    b.user = 'red';
    for (let i = 0; i < 3; i++) {
      for (const [n, t] of [[a, 't1'], [b, 't2'], [b, 't2'], [a, 't3']] as const) {
        expect(n.jsonLine(t)).toBe(generic(n, t));
      }
    }
    a.user = undefined;
    expect(a.jsonLine('t')).toBe(generic(a, 't'));
    expect(JSON.parse(a.jsonLine('t'))).not.toHaveProperty('user');
  });

  test('the log writes it as its own line, time first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdnote-'));
    try {
      const log = createLogger(dir);
      const note = new RequestNote('GET', `/owa/${'A'.repeat(2000)}`, 'mail.contoso.lab', '10.0.0.1');
      note.decision = 'proxied';
      log.write(note);
      const accented = new RequestNote('GET', '/owa/caf\u00e9 \ud83d\udce7', 'h', 'c');
      log.write(accented);
      log.write({ kind: 'bug', error: 'after it' });
      await log.close();
      const lines = readFileSync(join(dir, 'frontdoor.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(Object.keys(lines[0]!)).toEqual(['time', 'kind', 'method', 'path', 'host', 'status', 'ms', 'client', 'decision']);
      expect(lines[0]).toMatchObject({ kind: 'request', decision: 'proxied', path: expect.stringMatching(/\(\+1493 chars\)$/) });
      expect(lines[1]).toMatchObject({ kind: 'request', path: '/owa/caf\u00e9 \ud83d\udce7' });
      expect(lines[2]).toMatchObject({ kind: 'bug', error: 'after it' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
