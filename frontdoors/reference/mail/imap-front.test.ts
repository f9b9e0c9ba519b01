/** The IMAP command reader of the front door (RFC 3501 strings: atoms, quoted with escapes, literals). */
import { PassThrough } from 'node:stream';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LineReader, LineTooLongError } from './line-reader.ts';
import { readImapCommand } from './imap-front.ts';

function feed(text: string, end = false): { reader: LineReader } {
  const s = new PassThrough();
  const reader = new LineReader(s as unknown as Socket, 64);
  s.write(text);
  if (end) s.end();
  return { reader };
}

describe('readImapCommand', () => {
  it('reads quoted strings with escapes (a DOMAIN\\user logon)', async () => {
    const { reader } = feed('a1 LOGIN "CONTOSO\\\\red" "p\\"w"\r\n');
    expect(await readImapCommand(reader, () => undefined)).toEqual({ tag: 'a1', name: 'LOGIN', args: ['CONTOSO\\red', 'p"w'] });
  });
  it('reads synchronising literals (asking for the rest) and LITERAL+ ones (not asking)', async () => {
    const { reader } = feed('a2 LOGIN {3}\r\nred {4+}\r\npass\r\n');
    const written: string[] = [];
    expect(await readImapCommand(reader, (s) => written.push(s))).toEqual({ tag: 'a2', name: 'LOGIN', args: ['red', 'pass'] });
    expect(written).toEqual(['+ Ready for additional command text.\r\n']);
  });
  it('gives an empty command name for an unclosed quote, and null at the end of input', async () => {
    const { reader } = feed('a3 LOGIN "red\r\n', true);
    expect((await readImapCommand(reader, () => undefined))?.name).toBe('');
    expect(await readImapCommand(reader, () => undefined)).toBeNull();
  });
  it('bounds line length', async () => {
    const { reader } = feed(`${'x'.repeat(100)}\r\n`);
    await expect(readImapCommand(reader, () => undefined)).rejects.toBeInstanceOf(LineTooLongError);
  });
});
