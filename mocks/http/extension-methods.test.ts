import { describe, expect, it } from 'vitest';
import { originalMethod, PLACEHOLDER_METHOD, RequestFramer } from './extension-methods.ts';

/** Feed `wire` cut at `cuts` and return what Node's parser would get, plus the carried methods. */
function run(wire: string, cuts: number[]): { out: string; carried: string[] } {
  const carried: string[] = [];
  const f = new RequestFramer((m) => carried.push(m));
  const buf = Buffer.from(wire, 'latin1');
  const parts: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    parts.push(f.feed(buf.subarray(at, c)));
    at = c;
  }
  return { out: Buffer.concat(parts).toString('latin1'), carried };
}

const H = 'Host: cas01\r\n';
const body = 'RPC_OUT_DATA /not-a-request HTTP/1.1\r\n\r\n';
const WIRE =
  `GET /owa/ HTTP/1.1\r\n${H}\r\n` +
  `RPC_IN_DATA /rpc/rpcproxy.dll?cas01:6001 HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}` +
  `POST /EWS/Exchange.asmx HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n` +
  `SOURCE /x HTTP/1.1\r\n${H}\r\n` +
  `\r\nRPC_OUT_DATA /rpc/rpcproxy.dll HTTP/1.1\r\n${H}content-length:0\r\n\r\n`;
const EXPECTED =
  `GET /owa/ HTTP/1.1\r\n${H}\r\n` +
  `SOURCE /rpc/rpcproxy.dll?cas01:6001 HTTP/1.1\r\n${H}Content-Length: ${body.length}\r\n\r\n${body}` +
  `POST /EWS/Exchange.asmx HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\nX-Trailer: 1\r\n\r\n` +
  `SOURCE /x HTTP/1.1\r\n${H}\r\n` +
  `SOURCE /rpc/rpcproxy.dll HTTP/1.1\r\n${H}content-length:0\r\n\r\n`;

describe('RequestFramer', () => {
  it('rewrites extension methods in heads only, never in bodies, and carries the originals in order', () => {
    const { out, carried } = run(WIRE, []);
    expect(out).toBe(EXPECTED);
    expect(carried).toEqual(['RPC_IN_DATA', 'SOURCE', 'RPC_OUT_DATA']);
  });

  it('gives the same bytes whatever the TCP segmentation (every single cut, and byte by byte)', () => {
    for (let cut = 1; cut < WIRE.length; cut++) {
      const { out, carried } = run(WIRE, [cut]);
      expect(out, `cut at ${cut}`).toBe(EXPECTED);
      expect(carried).toHaveLength(3);
    }
    const bytewise = run(WIRE, Array.from({ length: WIRE.length - 1 }, (_, i) => i + 1));
    expect(bytewise.out).toBe(EXPECTED);
  });

  it('leaves known methods, lower-case tokens and garbage for Node to judge', () => {
    const { out, carried } = run(`get / HTTP/1.1\r\n${H}\r\nG\x00T / HTTP/1.1\r\n\r\n`, []);
    expect(out).toBe(`get / HTTP/1.1\r\n${H}\r\nG\x00T / HTTP/1.1\r\n\r\n`);
    expect(carried).toEqual([]);
  });

  it('steps aside after an upgrade or an unframeable head', () => {
    const after = 'RPC_IN_DATA /x HTTP/1.1\r\n\r\n';
    expect(run(`GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n${after}`, []).out).toContain(after);
    expect(run(`POST / HTTP/1.1\r\nContent-Length: 1, 2\r\n\r\n${after}`, []).out).toContain(after);
    expect(run(`POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n${after}`, []).out).toContain(after);
  });

  it('bounds what it holds: a head that never ends is passed on past 64 KiB', () => {
    const long = `GET / HTTP/1.1\r\nX: ${'a'.repeat(70 * 1024)}`;
    const f = new RequestFramer(() => undefined);
    const out = f.feed(Buffer.from(long));
    expect(out.length).toBe(long.length);
  });
});

describe('originalMethod', () => {
  it('keeps real methods, and the placeholder when no framer carried anything on that socket', () => {
    const socket = {};
    expect(originalMethod({ method: 'GET', socket })).toBe('GET');
    expect(originalMethod({ method: PLACEHOLDER_METHOD, socket })).toBe(PLACEHOLDER_METHOD);
  });
});
