/**
 * The listener's client connections read into buffers of their own (wire/own-reads.ts `adoptOwnReads`):
 * each read overwrites the one before it, so whatever the connection keeps past a read must be a copy.
 * Real TLS on loopback, written by a real TLS client: every client write is a TLS record of its own, and
 * each record reaches the connection as a read of its own into the same buffer, whether or not TCP
 * delivered them together. The first three tests fail when the request reader keeps a split head as
 * read, when the connection hands on body pieces that are not copies, or when it holds the bytes of the
 * next requests as read; the last fails when a socket is given its own reads over bytes it holds unread.
 */
import tls from 'node:tls';
import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { adoptOwnReads, readInto } from '../wire/own-reads.ts';
import { listenerFixture, testLimits } from '../test-support/listener.ts';
import type { FrontRequest, FrontResponse } from './front-types.ts';

const listener = listenerFixture();
const start = (handler: (req: FrontRequest, res: FrontResponse) => void) => listener.start(handler, testLimits({ headersTimeoutMs: 5_000 }));

function answer(res: FrontResponse, body: string): void {
  res.writeHead(200, 'OK', ['Content-Type', 'text/plain', 'Content-Length', String(Buffer.byteLength(body))]);
  res.end(body);
}

/** Connect, write each of `records` as its own TLS record, and collect what comes back until the server closes. */
function exchange(port: number, records: (string | Buffer)[]): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'front-door-test.invalid' });
    s.setNoDelay(true);
    // One write at a time: writes queued behind one in flight would leave together, as one record.
    const next = (i: number) => {
      if (i < records.length) s.write(records[i]!, () => next(i + 1));
    };
    s.on('secureConnect', () => next(0));
    s.on('data', (d: Buffer) => (text += d.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(text));
  });
}

/** `n` bytes that say whose they are: a connection's tag, repeated. */
const pattern = (tag: string, n: number) => Buffer.from(tag.repeat(Math.ceil(n / tag.length)).slice(0, n), 'latin1');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('client connections reading into their own buffers', () => {
  it('reads a head that arrives in several records whole (the pieces held are copies)', async () => {
    const port = await start((req, res) => answer(res, `tag=${String(req.headers['x-tag'])} url=${req.url}`));
    const text = await exchange(port, ['GET /split-head HTTP/1.1\r\nHost: h\r\nX-Tag: ', 'first-piece-', 'second-piece-', 'last\r\nConnection: close\r\n\r\n']);
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(text).toContain('tag=first-piece-second-piece-last url=/split-head');
  });

  it('hands on copies: the bodies of eight connections, read side by side and kept as given until their ends, are intact', async () => {
    const SIZE = 300_000;
    const port = await start((req, res) => {
      const kept: Buffer[] = [];
      req.on('data', (c: Buffer) => kept.push(c)); // kept as given, looked at only at the end
      req.on('end', () => answer(res, `sha=${sha(Buffer.concat(kept))}`));
    });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => {
        const body = pattern(`<${n}>`, SIZE);
        // In pieces: many records per body, interleaved on the wire with the other connections'.
        const pieces: Buffer[] = [];
        for (let at = 0; at < SIZE; at += 7_001) pieces.push(body.subarray(at, at + 7_001));
        const head = `POST /body-${n} HTTP/1.1\r\nHost: h\r\nContent-Length: ${SIZE}\r\nConnection: close\r\n\r\n`;
        return exchange(port, [head, ...pieces]).then((text) => ({ text, want: sha(body) }));
      }),
    );
    for (const r of results) expect(r.text).toContain(`sha=${r.want}`);
  });

  it('keeps copies of the requests pipelined behind an answer that is not given yet', async () => {
    let release: () => void = () => undefined;
    const port = await start((req, res) => {
      if (req.url === '/release') {
        release();
        return answer(res, 'released');
      }
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => {
        const reply = () => answer(res, `served ${req.url} body=${n}`);
        // /first is answered only when another connection asks: by then the records behind it were read.
        if (req.url === '/first') release = reply;
        else reply();
      });
    });
    const held = exchange(port, [
      'POST /first HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello',
      'GET /second HTTP/1.1\r\nHost: h\r\n\r\nGET /th',
      'ird HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n',
    ]);
    // Each of those records is its own read into the connection's one buffer, well before this
    // connection's handshake is done; what the first connection held from the second record had to be a copy.
    expect(await exchange(port, ['GET /release HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'])).toContain('released');
    expect((await held).match(/served \S+ body=\d+/g)).toEqual(['served /first body=5', 'served /second body=0', 'served /third body=0']);
  });

  it('adopts an accepted TLS socket on this Node, and readInto then gets its reads lent', async () => {
    const lent: boolean[] = [];
    let adopted: boolean | undefined;
    let bytesRead = 0;
    const server = tls.createServer(listener.creds, (socket: Socket) => {
      adopted = adoptOwnReads(socket);
      readInto(socket, (bytes, isLent) => {
        lent.push(isLent);
        // The listener's idle sweep (client-idle.ts) watches this counter: it still counts.
        if (bytes.includes('\n')) {
          bytesRead = socket.bytesRead;
          socket.end('bye\n');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const text = await exchange(port, ['one', 'two', 'three\n']);
      expect(text).toBe('bye\n');
      expect(adopted).toBe(true);
      expect(lent.length).toBeGreaterThan(0);
      expect(lent.every(Boolean)).toBe(true);
      expect(bytesRead).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('leaves a socket that holds unread bytes as it is, so nothing it read before comes after what it reads next', async () => {
    let adopted: boolean | undefined;
    let got = '';
    const server = tls.createServer(listener.creds, (socket: Socket) => {
      const onReadable = () => {
        socket.off('readable', onReadable);
        adopted = adoptOwnReads(socket);
        readInto(socket, (bytes, lent) => {
          expect(lent).toBe(false);
          got += bytes.toString('latin1');
          if (got.endsWith('\n')) socket.end('bye\n');
        });
      };
      socket.on('readable', onReadable);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      expect(await exchange(port, ['one', 'two', 'three\n'])).toBe('bye\n');
      expect(adopted).toBe(false);
      expect(got).toBe('onetwothree\n');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
