/**
 * The hop's own client against a real TLS server on loopback that writes exactly the bytes each case
 * needs: keep-alive reuse, request bodies (Buffer, stream with a length, stream without), timeouts, a
 * connection the CAS closed while idle, an abort in the middle of an answer, a malformed answer, close().
 */
import tls from 'node:tls';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCa, newKeyPair } from '../../../harness/pki/certs.ts';
import { buildConnector } from '../net/undici.ts';
import { sniOf, WireAgent, WireClient } from './agent.ts';
import { bufferedRequest } from './buffered.ts';
import { ownReads } from './own-reads.ts';
import type { WireHandler, WireRequest } from './exchange.ts';

let creds: { key: string; cert: string };
const cleanup: (() => unknown)[] = [];

beforeAll(async () => {
  const { issued } = buildCa('wire-test.invalid', await newKeyPair());
  creds = { key: issued.keyPem, cert: issued.certPem };
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Seen {
  /** Each request's head and body as the server read them. */
  requests: { head: string; body: string; conn: number }[];
  connections: number;
  /** The SNI name of each connection (false: none). */
  sni: (string | false | null)[];
}

/**
 * A TLS server that reads each request (head, then a Content-Length or chunked body) and lets `answer`
 * write whatever it likes on the socket.
 */
async function server(answer: (req: { head: string; body: string; conn: number; n: number }, socket: tls.TLSSocket) => void): Promise<{ origin: string; seen: Seen }> {
  const seen: Seen = { requests: [], connections: 0, sni: [] };
  const srv = tls.createServer(creds, (socket) => {
    const conn = ++seen.connections;
    seen.sni.push(socket.servername);
    let buf = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end);
        const cl = /content-length: (\d+)/i.exec(head);
        let body: string;
        let rest: string;
        if (cl) {
          if (buf.length < end + 4 + Number(cl[1])) return;
          body = buf.slice(end + 4, end + 4 + Number(cl[1]));
          rest = buf.slice(end + 4 + Number(cl[1]));
        } else if (/transfer-encoding: chunked/i.test(head)) {
          const stop = buf.indexOf('0\r\n\r\n', end + 4);
          if (stop < 0) return;
          body = buf.slice(end + 4, stop + 5);
          rest = buf.slice(stop + 5);
        } else {
          body = '';
          rest = buf.slice(end + 4);
        }
        buf = rest;
        const req = { head, body, conn, n: seen.requests.length };
        seen.requests.push(req);
        answer(req, socket);
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => srv.close(r)));
  const live = new Set<tls.TLSSocket>();
  srv.on('secureConnection', (s) => (live.add(s), s.once('close', () => live.delete(s))));
  cleanup.push(() => live.forEach((s) => s.destroy()));
  return { origin: `https://127.0.0.1:${(srv.address() as { port: number }).port}`, seen };
}

function agent(): WireAgent {
  const a = new WireAgent(buildConnector({ rejectUnauthorized: false }), { connections: 4, keepAliveTimeout: 30_000 });
  cleanup.push(() => a.close());
  return a;
}

interface Outcome {
  status?: number;
  headers?: string[];
  body: string;
  error?: Error & { code?: string };
}

/** Dispatch and collect the answer (or the error). */
function send(a: WireAgent, req: Partial<WireRequest> & { origin: string }, hooks: { onHeaders?: (abort: (e?: Error) => void) => void } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { body: '' };
    let abort: (e?: Error) => void = () => undefined;
    const handler: WireHandler = {
      onConnect: (a) => (abort = a),
      onHeaders(status, raw) {
        out.status = status;
        out.headers = raw.map(String);
        hooks.onHeaders?.(abort);
        return true;
      },
      onData: (c) => ((out.body += c.toString('latin1')), true),
      onComplete: () => resolve(out),
      onError: (err) => resolve({ ...out, error: err }),
    };
    a.dispatch({ method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000, ...req }, handler);
  });
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe('WireAgent', () => {
  it('keeps one connection for requests one after another', async () => {
    const { origin, seen } = await server((req, s) => s.write(ok(`answer ${req.n}`)));
    const a = agent();
    for (let i = 0; i < 3; i++) expect(await send(a, { origin })).toMatchObject({ status: 200, body: `answer ${i}` });
    expect(seen.connections).toBe(1);
    expect(seen.requests[0]!.head).toBe('GET / HTTP/1.1\r\nhost: cas.wire-test.invalid');
  });

  it('sends a Buffer body with its length, a stream with the given length, a stream without one chunked', async () => {
    const { origin, seen } = await server((req, s) => s.write(ok(req.body)));
    const a = agent();
    expect((await send(a, { origin, method: 'POST', body: Buffer.from('abc') })).body).toBe('abc');
    expect((await send(a, { origin, method: 'POST', headers: ['host', 'x', 'Content-Length', '6'], body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) })).body).toBe('abcdef');
    const chunked = await send(a, { origin, method: 'POST', body: Readable.from([Buffer.from('hello')]) });
    expect(chunked.body).toBe('5\r\nhello\r\n0\r\n\r\n');
    expect(seen.requests.map((r) => /content-length: \d+|transfer-encoding: chunked/.exec(r.head)?.[0])).toEqual(['content-length: 3', 'content-length: 6', 'transfer-encoding: chunked']);
    expect((await send(a, { origin, method: 'POST' })).status).toBe(200);
    expect(seen.requests[3]!.head).toContain('content-length: 0');
  });

  it('refuses a header value that would split the head, and a body its Content-Length contradicts', async () => {
    const { origin, seen } = await server((_req, s) => s.write(ok('')));
    const a = agent();
    expect((await send(a, { origin, headers: ['host', 'x', 'X-Evil', 'a\r\nInjected: 1'] })).error?.code).toBe('HOP_BAD_REQUEST');
    expect((await send(a, { origin, method: 'POST', headers: ['host', 'x', 'Content-Length', '9'], body: Buffer.from('abc') })).error?.code).toBe('HOP_BAD_REQUEST');
    const short = await send(a, { origin, method: 'POST', headers: ['host', 'x', 'Content-Length', '9'], body: Readable.from([Buffer.from('abc')]) });
    expect(short.error?.message).toMatch(/ended after 3 of 9/);
    expect(seen.requests.every((r) => !r.head.includes('Injected'))).toBe(true);
  });

  it('times out a CAS that never answers, and one whose answer stalls', async () => {
    const { origin } = await server((req, s) => req.n === 1 && s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal'));
    const a = agent();
    expect((await send(a, { origin, headersTimeout: 300 })).error?.code).toBe('HOP_HEADERS_TIMEOUT');
    const stalled = await send(a, { origin, bodyTimeout: 300 });
    expect([stalled.status, stalled.body, stalled.error?.code]).toEqual([200, 'hal', 'HOP_BODY_TIMEOUT']);
  });

  it('sends a GET again on a fresh connection when the CAS closed the idle one as it went out', async () => {
    const { origin, seen } = await server((req, s) => (req.n === 1 ? s.destroy() : s.write(ok(`answer ${req.n}`))));
    const a = agent();
    expect((await send(a, { origin })).body).toBe('answer 0');
    expect(await send(a, { origin })).toMatchObject({ status: 200, body: 'answer 2' });
    expect(seen.connections).toBe(2);
  });

  it('does not send a POST twice: its lost answer is an error', async () => {
    const { origin, seen } = await server((req, s) => (req.n === 1 ? s.destroy() : s.write(ok('x'))));
    const a = agent();
    await send(a, { origin });
    expect((await send(a, { origin, method: 'POST', body: Buffer.from('once') })).error?.code).toBe('HOP_CLOSED');
    expect(seen.requests.filter((r) => r.body === 'once')).toHaveLength(1);
  });

  it('ends a connection aborted in the middle of an answer, and one that answered with a malformed head', async () => {
    const { origin, seen } = await server((req, s) => s.write(req.n === 2 ? 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n' : ok('0123456789')));
    const a = agent();
    const aborted = await send(a, { origin }, { onHeaders: (abort) => abort(new Error('dropped')) });
    expect(aborted.error?.message).toBe('dropped');
    expect((await send(a, { origin })).body).toBe('0123456789');
    expect((await send(a, { origin })).error?.code).toBe('HOP_BAD_RESPONSE');
    expect((await send(a, { origin })).status).toBe(200);
    expect(seen.connections).toBe(3);
  });

  it('reads an answer delimited by the connection closing, and a chunked one', async () => {
    const { origin } = await server((req, s) => (req.n === 0 ? s.end('HTTP/1.1 200 OK\r\n\r\nuntil close') : s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n')));
    const a = agent();
    expect((await send(a, { origin })).body).toBe('until close');
    expect((await send(a, { origin })).body).toBe('abc');
  });

  it('waits for a connection when all are busy, and fails what waits at close()', async () => {
    const held: tls.TLSSocket[] = [];
    const { origin, seen } = await server((_req, s) => held.push(s));
    const a = agent();
    const five = Array.from({ length: 5 }, () => send(a, { origin, headersTimeout: 10_000 }));
    await expect.poll(() => seen.requests.length).toBe(4);
    held[0]!.write(ok('first'));
    await expect.poll(() => seen.requests.length).toBe(5);
    expect(seen.connections).toBe(4);
    await a.close();
    const all = await Promise.all(five);
    expect(all.filter((o) => o.body === 'first')).toHaveLength(1);
    expect(all.filter((o) => o.error)).toHaveLength(4);
  });

  it('stops reading while the caller is full and goes on at resume', async () => {
    const big = 'x'.repeat(1 << 20);
    const { origin } = await server((_req, s) => s.write(ok(big)));
    const a = agent();
    const got = await new Promise<number>((resolve, reject) => {
      let n = 0;
      let resume: () => void = () => undefined;
      const sink = new PassThrough({ highWaterMark: 1024 });
      a.dispatch({ origin, method: 'GET', path: '/', headers: ['host', 'x'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 }, {
        onConnect: () => undefined,
        onHeaders: (_s, _r, r) => ((resume = r), true),
        onData(c) {
          n += c.length;
          if (sink.write(c)) return true;
          setImmediate(() => (sink.resume(), resume()));
          return false;
        },
        onComplete: () => resolve(n),
        onError: reject,
      });
    });
    expect(got).toBe(big.length);
  });

  it('names the Host header\'s name in SNI, on a connection per name', async () => {
    const { origin, seen } = await server((_req, s) => s.write(ok('')));
    const a = agent();
    const named = (hostHeader: string) => send(a, { origin, headers: ['host', hostHeader] });
    await named('cas.wire-test.invalid');
    await named('cas.wire-test.invalid:8443');
    await named('mail.wire-test.invalid');
    expect(seen.connections).toBe(2);
    expect(seen.requests.map((r) => /^host: (.*)$/m.exec(r.head)?.[1])).toEqual(['cas.wire-test.invalid', 'cas.wire-test.invalid:8443', 'mail.wire-test.invalid']);
    expect(seen.sni).toEqual(['cas.wire-test.invalid', 'mail.wire-test.invalid']);
  });
});

describe('WireClient', () => {
  it('keeps one connection; after the CAS closes it the next request opens another, and `current` says which', async () => {
    const { origin, seen } = await server((req, s) => (req.n === 1 ? s.end(ok('bye', 'Connection: close\r\n')) : s.write(ok(`answer ${req.n}`))));
    const c = new WireClient(origin, buildConnector({ rejectUnauthorized: false }), { keepAliveTimeout: 30_000 });
    cleanup.push(() => c.destroy());
    const req = { origin, method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 };
    expect((await bufferedRequest(c, req, 1024)).body.toString()).toBe('answer 0');
    const first = c.current;
    expect(first).not.toBeNull();
    expect((await bufferedRequest(c, req, 1024)).body.toString()).toBe('bye');
    expect((await bufferedRequest(c, req, 1024)).body.toString()).toBe('answer 2');
    expect(c.current).not.toBeNull();
    expect(c.current).not.toBe(first);
    expect(seen.connections).toBe(2);
    expect(seen.requests.map((r) => r.conn)).toEqual([1, 1, 2]);
  });

  it('sends two requests given at once one after the other on its one connection', async () => {
    const { origin, seen } = await server((req, s) => s.write(ok(`answer ${req.n}`)));
    const c = new WireClient(origin, buildConnector({ rejectUnauthorized: false }), { keepAliveTimeout: 30_000 });
    cleanup.push(() => c.destroy());
    const req = { origin, method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 };
    const [a, b] = await Promise.all([bufferedRequest(c, req, 1024), bufferedRequest(c, req, 1024)]);
    expect([a.body.toString(), b.body.toString()]).toEqual(['answer 0', 'answer 1']);
    expect(seen.connections).toBe(1);
  });
  it('notices the CAS closing an idle connection that the last answer left paused', async () => {
    let first: tls.TLSSocket | undefined;
    const { origin } = await server((req, s) => {
      if (req.n === 0) first = s;
      s.write(ok(req.n === 0 ? 'last' : 'fresh'));
    });
    // Reading into its own buffer, as the front door's hop does: a paused socket then stops reading at
    // once (one reading 'data' events reads on and sees the close anyway), so only the resume at idle
    // (connection.ts idle()) lets it see a close that comes after the answer.
    const c = new WireClient(origin, buildConnector({ rejectUnauthorized: false, onread: ownReads } as Parameters<typeof buildConnector>[0]), { keepAliveTimeout: 30_000 });
    cleanup.push(() => c.destroy());
    const req = { origin, method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 };
    await new Promise<void>((resolve, reject) =>
      c.dispatch(req, { onConnect: () => undefined, onHeaders: () => true, onData: () => false /* full, and never resumed */, onComplete: () => resolve(), onError: reject }),
    );
    // The connection is idle in the pool now; the CAS closes it.
    first!.end();
    await expect.poll(() => c.current, { timeout: 5_000 }).toBeNull();
    expect((await bufferedRequest(c, { ...req, method: 'POST', body: Buffer.from('once') }, 64)).body.toString()).toBe('fresh');
  });
});

describe('bufferedRequest', () => {
  it('gives lower-case headers, a repeated one as an array, and the body up to its limit (the rest read and dropped)', async () => {
    const { origin, seen } = await server((req, s) => s.write(req.n === 0 ? `HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: NTLM\r\nContent-Length: 10\r\n\r\n0123456789` : ok('next')));
    const a = agent();
    const req = { origin, method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 };
    const first = await bufferedRequest(a, req, 4);
    expect(first).toMatchObject({ status: 401, headers: { 'www-authenticate': ['Negotiate', 'NTLM'], 'content-length': '10' } });
    expect(first.body.toString()).toBe('0123');
    expect((await bufferedRequest(a, req, 64)).body.toString()).toBe('next');
    expect(seen.connections).toBe(1);
  });
});

describe('WireAgent on sockets that read into their own buffers (own-reads.ts, as the front door opens them)', () => {
  function ownReadAgent(): WireAgent {
    const a = new WireAgent(buildConnector({ rejectUnauthorized: false, onread: ownReads } as Parameters<typeof buildConnector>[0]), { connections: 8, keepAliveTimeout: 30_000 });
    cleanup.push(() => a.close());
    return a;
  }

  /** A body of `n` bytes that says which answer each byte belongs to. */
  const pattern = (tag: string, n: number) => Buffer.from(tag.repeat(Math.ceil(n / tag.length)).slice(0, n), 'latin1');

  it('hands on copies: every piece of eight large answers read side by side and kept until the end is intact', async () => {
    const { origin, seen } = await server((req, s) => {
      const body = pattern(`<${req.n}>`, 300_000);
      // Written in pieces, so each answer arrives in many reads, interleaved with the others'.
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let at = 0; at < body.length; at += 7_001) s.write(body.subarray(at, at + 7_001));
    });
    const a = ownReadAgent();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        new Promise<Buffer[]>((resolve, reject) => {
          const kept: Buffer[] = [];
          a.dispatch({ origin, method: 'GET', path: '/', headers: ['host', 'cas.wire-test.invalid'], body: null, headersTimeout: 5_000, bodyTimeout: 5_000 }, {
            onConnect: () => undefined,
            onHeaders: () => true,
            onData: (c) => (kept.push(c), true), // kept as given, read only at the end
            onComplete: () => resolve(kept),
            onError: reject,
          });
        }),
      ),
    );
    expect(seen.connections).toBeGreaterThan(1);
    const bodies = answers.map((k) => Buffer.concat(k));
    const tags = bodies.map((b) => b.toString('latin1', 0, 3)).sort();
    expect(tags).toEqual(Array.from({ length: 8 }, (_, i) => `<${i}>`).sort());
    for (const b of bodies) expect(b.equals(pattern(b.toString('latin1', 0, 3), 300_000))).toBe(true);
  });

  it('keeps its connection between answers, reads a chunked one split across reads, and ends a connection that talks unasked', async () => {
    let closedUnasked!: () => void;
    const unaskedClosed = new Promise<void>((r) => (closedUnasked = r));
    const { origin, seen } = await server((req, s) => {
      if (req.n === 0) s.write(ok('first'));
      else if (req.n === 1) {
        s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nab');
        setTimeout(() => s.write('c\r\n2\r\nde\r\n0\r\n\r\n'), 20);
      } else {
        s.write(ok('third'));
        s.once('close', () => closedUnasked());
        setTimeout(() => s.write('unasked'), 20);
      }
    });
    const a = ownReadAgent();
    expect(await send(a, { origin })).toMatchObject({ status: 200, body: 'first' });
    expect(await send(a, { origin })).toMatchObject({ status: 200, body: 'abcde' });
    expect(await send(a, { origin })).toMatchObject({ status: 200, body: 'third' });
    expect(seen.connections).toBe(1);
    await unaskedClosed; // the front door ended that connection
    expect(await send(a, { origin })).toMatchObject({ status: 200 });
    expect(seen.connections).toBe(2);
  });

  it('reads an answer delimited by the connection closing, in pieces, to its end', async () => {
    const { origin } = await server((_req, s) => {
      s.write('HTTP/1.1 200 OK\r\n\r\nuntil ');
      setImmediate(() => s.end('close'));
    });
    expect((await send(ownReadAgent(), { origin })).body).toBe('until close');
  });
});

describe('sniOf', () => {
  it('takes the name of the Host header, without port or brackets, and none for an address', () => {
    expect(sniOf(['Host', 'CAS.Example.lab:443', 'x', 'y'])).toBe('cas.example.lab');
    expect(sniOf(['x', 'y', 'host', 'cas.example.lab'])).toBe('cas.example.lab');
    expect(sniOf(['host', '127.0.0.1:8443'])).toBeNull();
    expect(sniOf(['host', '[::1]:8443'])).toBeNull();
    expect(sniOf(['x-host', 'a.lab'])).toBeNull();
  });
});
