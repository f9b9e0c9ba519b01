/** The one-expression check of a head's field lines says what the check of each line says. */
import { describe, expect, test } from 'vitest';
import { NOT_FIELD_VALUE, TOKEN, fieldLinesOk } from './grammar.ts';

/** The check line by line, as both readers wrote it before fieldLinesOk. */
function eachLineOk(head: string, from: number): boolean {
  if (from >= head.length) return true;
  return head
    .slice(from)
    .split('\r\n')
    .every((line) => {
      const colon = line.indexOf(':');
      return !NOT_FIELD_VALUE.test(line) && TOKEN.test(colon > 0 ? line.slice(0, colon) : '');
    });
}

describe('fieldLinesOk', () => {
  test('agrees with the check of each line on 20 000 random heads and on the usual cases', () => {
    const cases = [
      'HTTP/1.1 200 OK',
      'HTTP/1.1 200 OK\r\nContent-Length: 5',
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A:\r\nServer: Microsoft-IIS/7.5 \t',
      'HTTP/1.1 200 OK\r\n Folded: x',
      'HTTP/1.1 200 OK\r\nBad Name: x',
      'HTTP/1.1 200 OK\r\n: empty name',
      'HTTP/1.1 200 OK\r\nA: b\rC: d',
      'HTTP/1.1 200 OK\r\nA: b\nC: d',
      'HTTP/1.1 200 OK\r\nA: b\r\n\r\nC: d',
      'HTTP/1.1 200 OK\r\nA: caf\u00e9 \u00a0',
      'HTTP/1.1 200 OK\r\nA: \u0000',
      'HTTP/1.1 200 OK\r\nA: \u007f',
      'HTTP/1.1 200 OK\r\nNoColon',
    ];
    for (const head of cases) {
      const from = head.indexOf('\r\n') < 0 ? head.length + 2 : head.indexOf('\r\n') + 2;
      expect(fieldLinesOk(head, from), JSON.stringify(head)).toBe(eachLineOk(head, from));
    }
    const alphabet = ['a', 'Z', '0', '-', '!', ':', ':', ' ', '\t', '\r\n', '\r\n', '\r', '\n', '\u0000', '\u007f', '\u00a0', '\u00ff', '"', '(', ','];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let head = 'X';
      const n = rand(24);
      for (let j = 0; j < n; j++) head += alphabet[rand(alphabet.length)];
      const ok = fieldLinesOk(head, 1);
      expect(ok, JSON.stringify(head)).toBe(eachLineOk(head, 1));
      if (ok) accepted++;
    }
    // Both answers occur: the random heads are not all refused.
    expect(accepted).toBeGreaterThan(50);
  });
});
