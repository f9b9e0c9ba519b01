/** The journal's memory bounds (issue 15): long values cut, a byte budget, pages by kind without a scan. */
import { describe, expect, test } from 'vitest';
import { boundEvent, Journal, MAX_FIELD } from './journal.ts';

describe('journal bounds', () => {
  test('a hostile 8 KB path and a long header value are cut, saying how much', () => {
    const [e] = boundEvent({ kind: 'http', path: `/owa/${'a'.repeat(8000)}`, headers: { via: 'v'.repeat(5000) }, status: 404 });
    expect((e.path as string).length).toBeLessThan(MAX_FIELD + 30);
    expect(e.path).toMatch(/\.\.\.\(\+3909 chars\)$/);
    expect((e.headers as { via: string }).via).toMatch(/\(\+3976 chars\)$/);
    expect(e.status).toBe(404);
  });

  test('past its byte budget the oldest events go; sequence numbers and pages stay right', () => {
    const j = new Journal(200_000, 1_000_000);
    for (let i = 0; i < 2000; i++) j.record({ kind: 'fault', server: 'lab', action: 'inject', description: 'd'.repeat(2000) });
    const kept = j.all();
    expect(kept.length).toBeLessThan(500);
    expect(kept.at(-1)!.seq).toBe(2000);
    const p = j.page(0, 10_000, { kind: 'fault' });
    expect(p.events.map((e) => e.seq)).toEqual(kept.map((e) => e.seq));
    expect(p).toMatchObject({ next: 2000, more: false });
  });

  test('a page of one kind reads that kind only; its cursor moves past the others', () => {
    const j = new Journal();
    for (let i = 0; i < 100; i++) j.record(i % 10 === 0 ? { kind: 'eventlog', server: 's', eventId: 42, source: 'x', category: 'c', level: 'Error', message: 'm' } : { kind: 'fault', server: 'lab', action: 'clear', description: '' });
    const first = j.page(0, 5, { kind: 'eventlog' });
    expect(first.events.map((e) => e.seq)).toEqual([1, 11, 21, 31, 41]);
    expect(first).toMatchObject({ next: 41, more: true });
    const rest = j.page(first.next, 100, { kind: 'eventlog' });
    expect(rest.events.map((e) => e.seq)).toEqual([51, 61, 71, 81, 91]);
    expect(rest).toMatchObject({ next: 100, more: false });
  });
});
