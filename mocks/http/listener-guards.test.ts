/**
 * Bodies and bad input on a real HTTPS listener: bounded bodies (413), drained bodies, streamed
 * answers, aborts, handler failures, garbage bytes and TLS garbage. The server keeps serving.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { HandlerSet } from './handler-set.ts';
import { liveContextCount, requestContext } from './request-context.ts';
import { headLines, startListenerFixture, type ListenerFixture } from './test-support.ts';

const FQDN = 'cas01.site1.contoso.lab';
const handlers = new HandlerSet([
  http.get('/owa/', () => HttpResponse.html('<html><title>Outlook Web App</title></html>')),
  http.post('/owa/auth.owa', async ({ request }) => HttpResponse.text(`got ${(await request.text()).length}`)),
]);

let fx: ListenerFixture;
const get: ListenerFixture['get'] = (path, opts) => fx.get(path, opts);
const answers = () => fx.answers;
const ok = async () => {
  const res = await get('/owa/');
  await res.body.text();
  expect(res.statusCode).toBe(200);
};

beforeAll(async () => {
  fx = await startListenerFixture({ server: FQDN, handlers, maxBodyBytes: 64 * 1024 });
});
afterAll(() => fx?.close());
afterEach(() => {
  handlers.reset();
  fx.answers.length = 0;
});

describe('bodies', () => {
  it('drains a body the handler did not read, so the keep-alive connection goes on', async () => {
    handlers.use(http.post('/ews/exchange.asmx', () => new HttpResponse(null, { status: 401, headers: { 'WWW-Authenticate': 'Negotiate' } })));
    const soap = 'x'.repeat(30_000);
    const wire =
      `POST /ews/exchange.asmx HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Type: text/xml\r\nContent-Length: ${soap.length}\r\n\r\n${soap}` +
      `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n`;
    const raw = (await fx.raw(wire)).toString('latin1');
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 401', 'HTTP/1.1 200']);
  });

  it('streams an answer whose handler set Transfer-Encoding', async () => {
    handlers.use(
      http.get('/owa/stream', () => {
        const enc = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(enc.encode('part1;'));
            c.enqueue(enc.encode('part2'));
            c.close();
          },
        });
        return new HttpResponse(body, { headers: { 'Transfer-Encoding': 'chunked', 'Content-Type': 'text/plain' } });
      }),
    );
    const res = await get('/owa/stream');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(await res.body.text()).toBe('part1;part2');
  });

  it('aborts the request signal when the client goes away (EAS Ping holds its answer)', async () => {
    let aborted: () => void = () => undefined;
    const sawAbort = new Promise<void>((r) => (aborted = r));
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    handlers.use(
      http.post('/Microsoft-Server-ActiveSync', async ({ request }) => {
        started();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 10_000);
          request.signal.addEventListener('abort', () => (clearTimeout(timer), aborted(), resolve()));
        });
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const s = tlsConnect({ host: '127.0.0.1', port: fx.web.port, ca: fx.cert.cert, servername: FQDN }, () =>
      s.write(`POST /Microsoft-Server-ActiveSync?Cmd=Ping HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 4\r\n\r\nping`));
    s.on('error', () => undefined);
    await running;
    s.destroy();
    await expect(Promise.race([sawAbort.then(() => 'aborted'), new Promise((r) => setTimeout(() => r('timeout'), 3_000))])).resolves.toBe('aborted');
  });
});

describe('bad input never stops the server', () => {
  it('keeps serving after a handler destroys its own socket (injected reset)', async () => {
    handlers.use(http.get('/owa/reset', ({ request }) => {
      requestContext(request).socket.destroy();
      return new HttpResponse(null, { status: 500 });
    }));
    await expect(get('/owa/reset')).rejects.toThrow();
    await ok();
    expect(liveContextCount()).toBe(0);
  });

  it('answers 500 when a handler throws, journals handler-error, and serves the next request', async () => {
    handlers.use(http.get('/owa/boom', () => { throw new Error('kaboom'); }));
    const res = await get('/owa/boom');
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toContain('500 - Internal server error.');
    expect(answers().at(-1)?.ctx.note).toMatchObject({ decision: 'handler-error', error: 'Error: kaboom' });
    await ok();
  });

  it('answers 400 to garbage bytes, closes, reports, and keeps serving', async () => {
    const raw = await fx.raw('G\x00ET /\x01 HTTP/9\r\n\r\n');
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(fx.clientErrors.length).toBeGreaterThan(0);
    await ok();
  });

  it('reports a TLS handshake of garbage and keeps serving', async () => {
    const before = fx.tlsErrors.length;
    await new Promise<void>((resolve) => {
      const s = netConnect(fx.web.port, '127.0.0.1', () => s.write(Buffer.from('this is not a ClientHello\r\n\r\n')));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
    await expect.poll(() => fx.tlsErrors.length, { timeout: 2_000 }).toBeGreaterThan(before);
    await ok();
  });

  it('answers 413 to a declared body over maxBodyBytes', async () => {
    const raw = await fx.raw(`RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 1073741824\r\n\r\n`);
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 413 Request Entity Too Large');
    expect(answers().at(-1)?.ctx.note.decision).toBe('too-large');
  });

  it('answers 413 to a chunked body that grows past maxBodyBytes', async () => {
    const chunk = 'a'.repeat(16 * 1024);
    const body = Array.from({ length: 6 }, () => `${(chunk.length).toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
    const raw = await fx.raw(`POST /owa/auth.owa HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 413 Request Entity Too Large');
    await ok();
  });
});
