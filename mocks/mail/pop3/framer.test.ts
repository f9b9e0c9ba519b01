import { describe, expect, it } from 'vitest';
import { dotStuff, Pop3Framer, type Pop3Unit } from './framer.ts';

describe('POP3 framing', () => {
  it('splits CRLF and bare LF lines across chunks, and stops at an oversized line', () => {
    const out: Pop3Unit[] = [];
    const f = new Pop3Framer(10, (u) => out.push(u));
    for (const c of ['US', 'ER a\r', '\nPASS b\nNOOP', '\r\n', 'x'.repeat(11), 'STAT\r\n']) f.feed(Buffer.from(c));
    expect(out).toEqual([{ type: 'line', text: 'USER a' }, { type: 'line', text: 'PASS b' }, { type: 'line', text: 'NOOP' }, { type: 'too-long' }]);
  });

  it('dot-stuffs every line that starts with "." and terminates with CRLF.CRLF', () => {
    expect(dotStuff(Buffer.from('.a\r\nb\r\n..c\r\n.\r\n')).toString()).toBe('..a\r\nb\r\n...c\r\n..\r\n.\r\n');
    expect(dotStuff(Buffer.from('no final newline')).toString()).toBe('no final newline\r\n.\r\n');
    expect(dotStuff(Buffer.alloc(0)).toString()).toBe('.\r\n');
  });
});
