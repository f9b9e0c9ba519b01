import { describe, expect, it } from 'vitest';
import { ImapFramer, type FramerOutput } from './framer.ts';
import { ImapParseError, parseCommand } from './parser.ts';
import { parseSequenceSet, resolveSequenceSet } from './sequence-set.ts';

function frame(input: Buffer | string, o = { maxLineBytes: 100, maxLiteralBytes: 50 }, chunk = Infinity): FramerOutput[] {
  const out: FramerOutput[] = [];
  const f = new ImapFramer(o, (x) => out.push(x));
  const b = Buffer.from(input);
  for (let i = 0; i < b.length; i += Math.min(chunk, b.length)) f.feed(b.subarray(i, i + chunk));
  return out;
}

const commandOf = (o: FramerOutput[]) => o.filter((x) => x.type === 'command').map((x) => parseCommand((x as Extract<FramerOutput, { type: 'command' }>).parts));

describe('framer', () => {
  it('gives the same commands whatever the chunking, with a continuation only for {n}', () => {
    const wire = 'a1 LOGIN {4}\r\nuser {5+}\r\np a"s\r\na2 NOOP\r\n';
    const whole = frame(wire);
    const bytewise = frame(wire, undefined, 1);
    expect(bytewise).toEqual(whole);
    expect(whole.map((x) => x.type)).toEqual(['continue', 'command', 'command']);
    const [login, noop] = commandOf(whole);
    expect(login).toEqual({ tag: 'a1', verb: 'LOGIN', args: [{ type: 'string', value: 'user', literal: true }, { type: 'string', value: 'p a"s', literal: true }] });
    expect(noop!.verb).toBe('NOOP');
  });

  it('refuses an oversized {n} without a continuation and keeps going; an oversized {n+} is fatal', () => {
    expect(frame('a1 LOGIN {51}\r\na2 NOOP\r\n')).toEqual([
      { type: 'too-large', what: 'literal', tag: 'a1', fatal: false },
      { type: 'command', parts: [{ text: 'a2 NOOP' }] },
    ]);
    expect(frame('a1 LOGIN {51+}\r\nxxxx\r\na2 NOOP\r\n')).toEqual([{ type: 'too-large', what: 'literal', tag: 'a1', fatal: true }]);
  });

  it('a line over the limit is fatal and names the tag', () => {
    expect(frame(`t9 ${'x'.repeat(200)}`)).toEqual([{ type: 'too-large', what: 'line', tag: 't9', fatal: true }]);
    expect(frame(`t9 ${'x'.repeat(200)}`, undefined, 7)).toEqual([{ type: 'too-large', what: 'line', tag: 't9', fatal: true }]);
  });
});

describe('parser', () => {
  const p = (line: string) => parseCommand([{ text: line }]);

  it('reads atoms, quoted strings with escapes, nested lists and sections', () => {
    expect(p('x UID fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>)')).toEqual({
      tag: 'x', verb: 'UID',
      args: [
        { type: 'atom', value: 'fetch' },
        { type: 'atom', value: '1:*' },
        { type: 'list', items: [{ type: 'atom', value: 'FLAGS' }, { type: 'atom', value: 'BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>' }] },
      ],
    });
    expect(p('a LOGIN "contoso\\\\red" "p\\"w"').args).toEqual([
      { type: 'string', value: 'contoso\\red', literal: false },
      { type: 'string', value: 'p"w', literal: false },
    ]);
  });

  it('throws ImapParseError with the tag when there is one', () => {
    for (const [line, tag] of [['', null], ['*', null], ['a1', null], ['a1 ', 'a1'], ['a1 LOGIN "x', 'a1'], ['a1 LIST (a', 'a1'], ['a1 X )', 'a1'], ['a1 X "\\q"', 'a1'], ['+ NOOP', null]] as const) {
      let err: unknown;
      try {
        p(line);
      } catch (e) {
        err = e;
      }
      expect(err, line).toBeInstanceOf(ImapParseError);
      expect((err as ImapParseError).tag, line).toBe(tag);
    }
    expect(() => p(`a X ${'('.repeat(20)}`)).toThrow(/nested too deeply/);
  });
});

describe('sequence sets', () => {
  it('resolves *, ranges either way round and lists, bounded by the mailbox', () => {
    const keys = [1, 2, 3, 4, 5];
    expect(resolveSequenceSet(parseSequenceSet('*')!, keys)).toEqual([4]);
    expect(resolveSequenceSet(parseSequenceSet('4:2,5')!, keys)).toEqual([1, 2, 3, 4]);
    expect(resolveSequenceSet(parseSequenceSet('1:4294967295')!, keys)).toHaveLength(5);
    expect(resolveSequenceSet(parseSequenceSet('9:*')!, [3, 7, 9, 12])).toEqual([2, 3]);
    expect(resolveSequenceSet(parseSequenceSet('1:*')!, [])).toEqual([]);
  });

  it('rejects malformed sets', () => {
    for (const s of ['', '0', '1:', ':2', '1,,2', 'a', '-1', '4294967296', '1:2:3']) expect(parseSequenceSet(s), s).toBeNull();
  });
});
