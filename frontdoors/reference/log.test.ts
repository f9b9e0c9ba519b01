/** The front door's log stays bounded: long values cut, the file capped with a line that says so. */
import { describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundRecord, createLogger, cut, MAX_VALUE } from './log.ts';

describe('reference log', () => {
  test('a 97 KB request target is cut to a bounded line that says how much was left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdlog-'));
    try {
      const log = createLogger(dir);
      log.write({ kind: 'request', method: 'GET', path: `/owa/${'A'.repeat(97_000)}`, host: 'h'.repeat(5000), nested: { error: 'e'.repeat(2000) } });
      await log.close();
      const [line] = readFileSync(join(dir, 'frontdoor.log'), 'utf8').trim().split('\n');
      expect(line!.length).toBeLessThan(4 * MAX_VALUE);
      const rec = JSON.parse(line!) as Record<string, string> & { nested: { error: string } };
      expect(rec.path).toMatch(/\.\.\.\(\+96493 chars\)$/);
      expect(rec.nested.error).toMatch(/\(\+1488 chars\)$/);
      expect(cut('short')).toBe('short');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a record within bounds is logged as it is, not copied; one a field too long or nested is a bounded copy', () => {
    const flat = { kind: 'request', method: 'GET', path: '/EWS/Exchange.asmx', status: 200, ms: 1, user: undefined };
    expect(boundRecord(flat)).toBe(flat);
    const long = { kind: 'request', path: 'p'.repeat(MAX_VALUE + 1) };
    expect(boundRecord(long)).not.toBe(long);
    expect((boundRecord(long) as { path: string }).path).toMatch(/\(\+1 chars\)$/);
    const nested = { kind: 'bug', detail: { error: 'e'.repeat(MAX_VALUE + 5) } };
    expect((boundRecord(nested) as { detail: { error: string } }).detail.error).toMatch(/\(\+5 chars\)$/);
    expect(nested.detail.error).toHaveLength(MAX_VALUE + 5);
  });

  test('the file stops at its cap with a log-capped line; the stop line counts what was dropped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fdlog-'));
    try {
      const log = createLogger(dir, { maxBytes: 20_000 });
      for (let i = 0; i < 1000; i++) log.write({ kind: 'request', path: `/owa/${i}`, junk: 'x'.repeat(200) });
      log.write({ kind: 'stop', signal: 'SIGTERM' });
      await log.close();
      const text = readFileSync(join(dir, 'frontdoor.log'), 'utf8');
      expect(text.length).toBeLessThan(20_000 + 1000);
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; droppedLines?: number });
      const capped = lines.findIndex((l) => l.kind === 'log-capped');
      expect(capped).toBeGreaterThan(10);
      expect(lines.at(-1)).toMatchObject({ kind: 'stop' });
      expect(lines.at(-1)!.droppedLines).toBe(1000 - capped);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
