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

describe('RequestNote', () => {
  test('its line is the generic JSON of the same fields, with every awkward string and with fields unset', () => {
    for (const s of AWKWARD) {
      const bare = new RequestNote('GET', s, s, s);
      expect(bare.jsonLine('2026-12-06T06:00:00.000Z')).toBe(generic(bare, '2026-12-06T06:00:00.000Z'));
      const full = new RequestNote('POST', s, 'mail.contoso.lab', '127.0.0.1');
      for (const f of FIELDS) full[f] = s;
      full.status = 502;
      full.ms = 12;
      expect(full.jsonLine('t')).toBe(generic(full, 't'));
      expect(() => JSON.parse(full.jsonLine('t'))).not.toThrow();
    }
    const odd = new RequestNote('GET', undefined, 'h', 'c');
    odd.status = undefined;
    odd.ms = Number.NaN;
    expect(odd.jsonLine('t')).toBe(generic(odd, 't'));
  });

  test('the log writes it as its own line, time first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdnote-'));
    try {
      const log = createLogger(dir);
      const note = new RequestNote('GET', `/owa/${'A'.repeat(2000)}`, 'mail.contoso.lab', '10.0.0.1');
      note.decision = 'proxied';
      log.write(note);
      log.write({ kind: 'bug', error: 'after it' });
      await log.close();
      const lines = readFileSync(join(dir, 'frontdoor.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(Object.keys(lines[0]!)).toEqual(['time', 'kind', 'method', 'path', 'host', 'status', 'ms', 'client', 'decision']);
      expect(lines[0]).toMatchObject({ kind: 'request', decision: 'proxied', path: expect.stringMatching(/\(\+1493 chars\)$/) });
      expect(lines[1]).toMatchObject({ kind: 'bug', error: 'after it' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
