/**
 * The client leg's request reader on its own: heads and bodies whole, split at every byte and several in
 * one read (it stops after each head and each request); the fields as Node's IncomingMessage combined
 * them; and every request a strict reader refuses (RULES.md SEC-02, SEC-04), with its status.
 */
import { describe, expect, it } from 'vitest';
import { RequestParseError, RequestParser, type RequestHead } from './request-parser.ts';

interface Read {
  heads: RequestHead[];
  bodies: string[];
  completes: number;
}

/** Feed `parts` as reads, serving requests back to back (as the connection does once each is answered). */
function read(parts: (string | Buffer)[], o: { maxHeadBytes?: number; lenientFraming?: boolean } = {}): Read {
  const out: Read = { heads: [], bodies: [], completes: 0 };
  const p = new RequestParser(
    { onHead: (h) => (out.heads.push(h), out.bodies.push('')), onData: (c) => (out.bodies[out.bodies.length - 1] += c.toString('latin1')), onComplete: () => out.completes++ },
    { maxHeadBytes: o.maxHeadBytes ?? 16 * 1024, lenientFraming: o.lenientFraming ?? false },
  );
  p.start();
  for (const part of parts) {
    const buf = Buffer.isBuffer(part) ? part : Buffer.from(part, 'latin1');
    let i = 0;
    while (i < buf.length) {
      if (p.complete) p.start();
      i = p.execute(buf, i);
    }
  }
  return out;
}

const bytewise = (s: string) => [...Buffer.from(s, 'latin1')].map((b) => Buffer.from([b]));
const status = (parts: string[], o?: { maxHeadBytes?: number; lenientFraming?: boolean }): number | null => {
  try {
    read(parts, o);
    return null;
  } catch (err) {
    if (err instanceof RequestParseError) return err.status;
    throw err;
  }
};

const GET = 'GET /owa/?a=1 HTTP/1.1\r\nHost: mail.contoso.lab\r\nCookie: a=1\r\nCookie: b=2\r\nAuthorization: Basic x\r\nAuthorization: Basic y\r\nAccept: a\r\nAccept: b\r\nSet-Cookie: s=1\r\nSet-Cookie: s=2\r\nX-Pad:  spaced\t \r\n\r\n';
const CHUNKED = 'POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('RequestParser: heads and bodies', () => {
  it('reads a head whole or a byte at a time, its fields combined as Node combined them', () => {
    for (const parts of [[GET], bytewise(GET)]) {
      const r = read(parts);
      expect(r.heads).toHaveLength(1);
      const h = r.heads[0]!;
      expect([h.method, h.url, h.minor, h.keepAlive, h.bodyLength, h.expectContinue]).toEqual(['GET', '/owa/?a=1', 1, true, 0, false]);
      expect(h.headers).toEqual({ host: 'mail.contoso.lab', cookie: 'a=1; b=2', authorization: 'Basic x', accept: 'a, b', 'set-cookie': ['s=1', 's=2'], 'x-pad': 'spaced' });
      expect(h.rawHeaders.slice(0, 2)).toEqual(['Host', 'mail.contoso.lab']);
    }
  });

  it('reads Content-Length and chunked bodies (extensions, trailers), whole or a byte at a time', () => {
    const fixed = 'POST /eas HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello';
    for (const text of [fixed, CHUNKED]) {
      for (const parts of [[text], bytewise(text)]) {
        const r = read(parts);
        expect([r.bodies, r.completes]).toEqual([[text === fixed ? 'hello' : 'hello!'], 1]);
        expect(r.heads[0]!.bodyLength).toBe(text === fixed ? 5 : -1);
      }
    }
  });

  it('keeps a field named __proto__ or constructor out of the headers object (rawHeaders has it)', () => {
    const h = read(['GET / HTTP/1.1\r\nHost: h\r\n__proto__: x\r\nConstructor: y\r\n\r\n']).heads[0]!;
    expect(Object.keys(h.headers)).toEqual(['host']);
    expect(Object.getPrototypeOf(h.headers)).toBe(Object.prototype);
    expect(h.rawHeaders).toEqual(['Host', 'h', '__proto__', 'x', 'Constructor', 'y']);
  });

  it('ignores empty lines before a request line, also when a CR and its LF arrive in different reads', () => {
    expect(read(['\r', '\nGET / HTTP/1.1\r\nHost: h\r\n\r\n']).heads.map((h) => h.url)).toEqual(['/']);
    expect(read(['\r\n\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n']).heads.map((h) => h.url)).toEqual(['/a']);
  });

  it('stops after each request, so pipelined requests in one read come one at a time, in order', () => {
    const r = read([`\r\n${CHUNKED}${GET}POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi`]);
    expect(r.heads.map((h) => `${h.method} ${h.url}`)).toEqual(['POST /EWS/Exchange.asmx', 'GET /owa/?a=1', 'POST /b']);
    expect(r.bodies).toEqual(['hello!', '', 'hi']);
  });

  it('keeps HTTP/1.1 connections unless `close`, HTTP/1.0 ones only with keep-alive; Expect: 100-continue on 1.1 only', () => {
    const head = (first: string, extra = '') => read([`${first}\r\nHost: h\r\n${extra}\r\n`]).heads[0]!;
    expect(head('GET / HTTP/1.1', 'Connection: Keep-Alive, Close\r\n').keepAlive).toBe(false);
    expect(head('GET / HTTP/1.0').keepAlive).toBe(false);
    expect(head('GET / HTTP/1.0', 'Connection: keep-alive\r\n').keepAlive).toBe(true);
    expect(head('GET / HTTP/1.0', 'Connection: close, keep-alive\r\n').keepAlive).toBe(false);
    expect(head('POST / HTTP/1.1', 'Expect: 100-Continue\r\nContent-Length: 0\r\n').expectContinue).toBe(true);
    expect(head('POST / HTTP/1.0', 'Expect: 100-continue\r\nContent-Length: 0\r\n').expectContinue).toBe(false);
    expect(head('RPC_IN_DATA /rpc/rpcproxy.dll?cas:6001 HTTP/1.1', 'Content-Length: 0\r\n').method).toBe('RPC_IN_DATA');
  });
});

describe('RequestParser: refusals', () => {
  it.each([
    ['Content-Length with Transfer-Encoding', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n'],
    ['Content-Length twice', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n'],
    ['a Content-Length list', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n'],
    ['a signed Content-Length', 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n'],
    ['a final coding other than chunked', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n'],
    ['chunked twice', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n'],
    ['a control character in a value', 'GET / HTTP/1.1\r\nHost: h\r\nX-Bad: a\x01b\r\n\r\n'],
    ['a bare LF in the head', 'GET / HTTP/1.1\r\nHost: h\nX-Smuggle: 1\r\n\r\n'],
    ['a space before the colon', 'GET / HTTP/1.1\r\nHost : h\r\n\r\n'],
    ['a folded line', 'GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n'],
    ['a line without a colon', 'GET / HTTP/1.1\r\nHost h\r\n\r\n'],
    ['an unknown method', 'BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a lower-case method', 'get / HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: h\r\n\r\n'],
    ['garbage for a request line', '\x16\x03\x01garbage\r\n\r\n'],
    ['HTTP/1.2', 'GET / HTTP/1.2\r\nHost: h\r\n\r\n'],
    ['HTTP/1.1 without Host', 'GET / HTTP/1.1\r\nAccept: */*\r\n\r\n'],
    ['Host twice', 'GET / HTTP/1.1\r\nHost: mail.contoso.lab\r\nHost: outside.invalid\r\n\r\n'],
    ['HTTP/2.0', 'GET / HTTP/2.0\r\nHost: h\r\n\r\n'],
    ['a chunk size that is not hex', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a chunk without its CRLF', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'],
    // 0xA0 is no whitespace in HTTP: a size a lenient reader takes for 1 another may refuse or read otherwise.
    ['a chunk size followed by 0xA0', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1\xa0\r\na\r\n0\r\n\r\n'],
    ['a final coding followed by 0xA0', 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\xa0\r\n\r\n0\r\n\r\n'],
  ])('400 for %s', (_name, text) => {
    expect(status([text])).toBe(400);
  });

  it('417 for an expectation other than 100-continue', () => {
    expect(status(['POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 0\r\n\r\n'])).toBe(417);
  });

  it('431 for a head over the limit, whole or in pieces that never end it', () => {
    const big = `GET / HTTP/1.1\r\nHost: h\r\nX-Big: ${'a'.repeat(2_000)}\r\n\r\n`;
    expect(status([big], { maxHeadBytes: 1_024 })).toBe(431);
    expect(status(Array.from({ length: 40 }, () => 'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n').map((l, i) => (i === 0 ? `GET / HTTP/1.1\r\n${l}` : l)), { maxHeadBytes: 1_024 })).toBe(431);
    expect(status([`GET /${'a'.repeat(2_000)} HTTP/1.1\r\n`], { maxHeadBytes: 1_024 })).toBe(431);
  });

  it('under lenient-framing (a defect) frames Content-Length with Transfer-Encoding by the Transfer-Encoding', () => {
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n';
    const r = read([`POST /eas HTTP/1.1\r\nHost: h\r\nContent-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`], { lenientFraming: true });
    expect(r.heads.map((h) => h.url)).toEqual(['/eas', '/smuggled']);
    // Two different lengths stay refused, lenient or not.
    expect(status(['POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'], { lenientFraming: true })).toBe(400);
  });
});

describe('RequestParser: mutated requests', () => {
  // Malformed bytes must never break the reader itself: every refusal is a RequestParseError (the
  // connection answers it), never another exception, which would escape the socket's 'data' handler.
  it('refuses or reads 20 000 mutated requests fed in random pieces, and throws nothing but RequestParseError', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const templates = [GET, CHUNKED, 'POST /eas HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello', 'RPC_IN_DATA /rpc/rpcproxy.dll?cas:6001 HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'];
    const alphabet = ['\r', '\n', '\r\n', ':', ' ', '\t', '\x00', '\x7f', '\xff', ',', ';', '0', 'f', 'chunked', 'Content-Length: 9', 'Transfer-Encoding: chunked', 'HTTP/1.1', '\r\n\r\n'];
    let refused = 0;
    let read = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = templates[rnd(templates.length)]!;
      for (let m = 1 + rnd(4); m > 0; m--) {
        const at = rnd(text.length + 1);
        const op = rnd(3);
        const piece = alphabet[rnd(alphabet.length)]!;
        text = op === 0 ? text.slice(0, at) + piece + text.slice(at) : op === 1 ? text.slice(0, at) + text.slice(at + 1 + rnd(4)) : text.slice(0, at) + piece + text.slice(at + piece.length);
      }
      const bytes = Buffer.from(text, 'latin1');
      const parts: Buffer[] = [];
      for (let i = 0; i < bytes.length; ) {
        const len = 1 + rnd(24);
        parts.push(bytes.subarray(i, i + len));
        i += len;
      }
      try {
        read += read_(parts);
      } catch (err) {
        if (!(err instanceof RequestParseError)) throw new Error(`${(err as Error).message} on ${JSON.stringify(text)}`);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1_000);
    expect(read).toBeGreaterThan(1_000);
  });
});

/** Heads read from `parts` (a small head limit, so oversized ones are refused too). */
function read_(parts: Buffer[]): number {
  return read(parts, { maxHeadBytes: 512 }).heads.length;
}

