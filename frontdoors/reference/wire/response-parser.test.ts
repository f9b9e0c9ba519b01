/**
 * The hop's response reader on its own: each framing, answers split at every byte, and the answers a
 * strict reader refuses (RFC 9112: both framings, differing lengths, folded lines, bytes nobody asked for).
 */
import { describe, expect, it } from 'vitest';
import { MAX_HEAD, ResponseParser, WireProtocolError, type ResponseHead } from './response-parser.ts';

function read(method: string, parts: (string | Buffer)[], close = false) {
  const out = { head: null as ResponseHead | null, body: '', complete: 0 };
  const p = new ResponseParser({ onHead: (h) => (out.head = h), onData: (c) => (out.body += c.toString('latin1')), onComplete: () => out.complete++ });
  p.start(method);
  for (const part of parts) p.execute(Buffer.isBuffer(part) ? part : Buffer.from(part, 'latin1'));
  if (close) p.finish();
  return { ...out, reusable: p.reusable, inProgress: p.inProgress };
}

/** The same bytes fed one byte at a time. */
const bytewise = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => Buffer.from([b]));

const FIXED = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';
const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('ResponseParser: framing', () => {
  it('reads a Content-Length answer, whole or a byte at a time', () => {
    for (const parts of [[FIXED], bytewise(FIXED)]) {
      const r = read('GET', parts);
      expect(r.head).toMatchObject({ status: 200, statusText: 'OK', rawHeaders: ['Content-Type', 'text/plain', 'Content-Length', '5'], keepAlive: true });
      expect([r.body, r.complete, r.reusable]).toEqual(['hello', 1, true]);
    }
  });

  it('reads a chunked answer with extensions and trailers, whole or a byte at a time', () => {
    for (const parts of [[CHUNKED], bytewise(CHUNKED)]) {
      const r = read('GET', parts);
      expect([r.body, r.complete, r.reusable]).toEqual(['hello!', 1, true]);
    }
  });

  it('gives HEAD, 204 and 304 answers no body whatever their length says', () => {
    expect(read('HEAD', ['HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'])).toMatchObject({ body: '', complete: 1, reusable: true });
    expect(read('GET', ['HTTP/1.1 204 No Content\r\n\r\n'])).toMatchObject({ complete: 1, reusable: true });
    expect(read('GET', ['HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'])).toMatchObject({ body: '', complete: 1 });
  });

  it('passes over 100 Continue to the final answer', () => {
    const r = read('POST', ['HTTP/1.1 100 Continue\r\n\r\n', FIXED]);
    expect(r.head?.status).toBe(200);
    expect(r.body).toBe('hello');
  });

  it('reads an answer without a length until the connection closes, and does not reuse the connection', () => {
    const open = read('GET', ['HTTP/1.1 200 OK\r\n\r\nsome', ' more']);
    expect([open.body, open.complete, open.inProgress]).toEqual(['some more', 0, true]);
    const closed = read('GET', ['HTTP/1.1 200 OK\r\n\r\nsome'], true);
    expect([closed.complete, closed.reusable]).toEqual([1, false]);
  });

  it('keeps the connection by HTTP version and Connection, and reads the Keep-Alive hint', () => {
    expect(read('GET', ['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(false);
    expect(read('GET', ['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(false);
    expect(read('GET', ['HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n']).reusable).toBe(true);
    expect(read('GET', ['HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n']).head?.keepAliveMs).toBe(5000);
  });

  it('takes repeated identical Content-Lengths as one', () => {
    expect(read('GET', ['HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok']).body).toBe('ok');
  });

  it('frames by the codings as the request reader does: only SP and HTAB around them, so chunked followed by 0xA0 is another coding', () => {
    expect(read('GET', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip ,\tChunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'])).toMatchObject({ body: 'ok', complete: 1, reusable: true });
    // 0xA0 is obs-text in a latin1 head, part of the value (String.trim took it as a space until the fifteenth session).
    const nbsp = read('GET', ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\xa0\r\n\r\n2\r\nok'], true);
    expect([nbsp.body, nbsp.complete, nbsp.reusable]).toEqual(['2\r\nok', 1, false]);
    expect(() => read('GET', ['HTTP/1.1 200 OK\r\nContent-Length: 2, 2\xa0\r\n\r\nok'])).toThrow(WireProtocolError);
  });
});

describe('ResponseParser: refusals', () => {
  const refused: [string, string][] = [
    ['both framings', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['differing lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n'],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  folded\r\nContent-Length: 0\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n'],
    ['a bare LF inside the head', 'HTTP/1.1 200 OK\r\nX-A: 1\nX-B: 2\r\nContent-Length: 0\r\n\r\n'],
    ['a control character in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n'],
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['an upgrade nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX'],
  ];
  it.each(refused)('refuses %s', (_name, bytes) => {
    expect(() => read('GET', [bytes])).toThrow(WireProtocolError);
  });

  it('refuses a head larger than its bound, fed in pieces', () => {
    const p = new ResponseParser({ onHead: () => undefined, onData: () => undefined, onComplete: () => undefined });
    p.start('GET');
    p.execute(Buffer.from('HTTP/1.1 200 OK\r\n'));
    const line = Buffer.from(`X-Pad: ${'a'.repeat(1000)}\r\n`);
    expect(() => {
      for (let n = 0; n <= MAX_HEAD / line.length + 1; n++) p.execute(line);
    }).toThrow(/exceeds/);
  });

  it('does not reuse a connection that sent bytes after a complete answer', () => {
    const r = read('GET', [`${FIXED}HTTP/1.1 200 OK\r\n`]);
    expect([r.complete, r.reusable]).toEqual([1, false]);
  });

  it('calls a connection closed in the middle of an answer an error', () => {
    expect(() => read('GET', ['HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel'], true)).toThrow(/middle/);
    expect(() => read('GET', [], true)).toThrow(/before an answer/);
  });
});
