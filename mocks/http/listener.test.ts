/**
 * The msw bridge on real HTTPS sockets: each pitfall of LIBRARIES.md "msw handlers on real sockets",
 * seen from an undici client or from the raw bytes on the wire. Guards against bad input and body
 * handling: listener-guards.test.ts.
 */
import { connect as netConnect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { request } from 'undici';
import { HandlerSet } from './handler-set.ts';
import { createRequestListener, listenHttp } from './listener.ts';
import { liveContextCount, requestContext, type RequestContext } from './request-context.ts';
import { headLines, startListenerFixture, type ListenerFixture } from './test-support.ts';

const FQDN = 'cas01.site1.contoso.lab';
const handlers = new HandlerSet([
  http.get('/owa/', () => HttpResponse.html('<html><title>Outlook Web App</title></html>', { headers: { 'X-OWA-Version': '14.2.247.5' } })),
  http.get('/owa/auth/logon.aspx', () => {
    const h = new Headers({ 'content-type': 'text/html' });
    h.append('Set-Cookie', 'sessionid=abc; path=/');
    h.append('Set-Cookie', 'cadata=def; path=/; HttpOnly');
    return new HttpResponse('logon', { headers: h });
  }),
  http.post('/Microsoft-Server-ActiveSync', () =>
    new HttpResponse(null, { status: 451, headers: { 'X-MS-Location': 'https://mail.contoso.lab/Microsoft-Server-ActiveSync', 'Cache-Control': 'private' } })),
  http.all('/rpc/rpcproxy.dll', async ({ request }) => {
    if (request.method !== 'RPC_IN_DATA' && request.method !== 'RPC_OUT_DATA') return undefined;
    const body = request.body ? await request.text() : '';
    return new HttpResponse(`${request.method} ${body.length}`, { status: 401, headers: { 'WWW-Authenticate': 'NTLM' } });
  }),
  http.post('/owa/auth.owa', async ({ request }) => {
    const form = await request.formData();
    requestContext(request).note.formFields = [...form.keys()];
    return HttpResponse.text(`user=${String(form.get('username'))}`);
  }),
]);

let fx: ListenerFixture;
const get: ListenerFixture['get'] = (path, opts) => fx.get(path, opts);
const answers = () => fx.answers;

beforeAll(async () => {
  fx = await startListenerFixture({ server: FQDN, handlers, names: ['mail.contoso.lab', 'other.example'] });
});
afterAll(() => fx?.close());
afterEach(() => {
  handlers.reset();
  fx.answers.length = 0;
});

describe('answers as Exchange writes them', () => {
  it('sets Content-Length on HttpResponse.html (never chunked)', async () => {
    const res = await get('/owa/');
    const body = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('answers HEAD with the GET handler: headers and the GET Content-Length, no body', async () => {
    const getLen = (await get('/owa/')).headers['content-length'];
    const res = await get('/owa/', { method: 'HEAD' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(getLen);
    expect(res.headers['x-owa-version']).toBe('14.2.247.5');
    expect(await res.body.text()).toBe('');
    expect(answers().at(-1)?.info.method).toBe('HEAD');
  });

  it('prefers a HEAD handler when one answers', async () => {
    handlers.use(http.head('/owa/', () => new HttpResponse(null, { status: 204 })));
    const res = await get('/owa/', { method: 'HEAD' });
    await res.body.text();
    expect(res.statusCode).toBe(204);
  });

  it('keeps two Set-Cookie headers apart', async () => {
    const res = await get('/owa/auth/logon.aspx');
    await res.body.text();
    expect(res.headers['set-cookie']).toEqual(['sessionid=abc; path=/', 'cadata=def; path=/; HttpOnly']);
  });

  it('writes X-OWA-Version in Exchange casing on the wire', async () => {
    const raw = await fx.raw(`GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n`);
    const { statusLine, headers } = headLines(raw);
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(headers).toContain('X-OWA-Version: 14.2.247.5');
    expect(headers.some((h) => h.startsWith('Content-Type: text/html'))).toBe(true);
  });

  it('writes EAS 451 with no reason phrase (PROTOCOL-FACTS)', async () => {
    const raw = await fx.raw(`POST /Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    const { statusLine, headers } = headLines(raw);
    // RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]; the reason is empty.
    expect(statusLine).toBe('HTTP/1.1 451 ');
    expect(headers).toContain('X-MS-Location: https://mail.contoso.lab/Microsoft-Server-ActiveSync');
    expect(headers).toContain('Content-Length: 0');
  });

  it('answers 404 with an IIS page when no handler answers', async () => {
    const res = await get('/nothing/here');
    const body = await res.body.text();
    expect(res.statusCode).toBe(404);
    expect(body).toContain('404 - File or directory not found.');
    expect(answers().at(-1)?.ctx.note.decision).toBe('no-handler');
  });
});

describe('matching and context', () => {
  it('matches relative handler paths whatever Host the client sends', async () => {
    for (const host of ['mail.contoso.lab', `127.0.0.1:${fx.web.port}`, 'OTHER.example']) {
      const res = await get('/OWA/', { headers: { host } });
      await res.body.text();
      expect(res.statusCode, host).toBe(200);
      expect(answers().at(-1)?.ctx.host).toBe(host);
    }
  });

  it('gives the handler sni, host, addresses and a note that reaches onAnswer', async () => {
    let seen: RequestContext | undefined;
    let url = '';
    handlers.use(
      http.get('/ews/exchange.asmx', ({ request }) => {
        seen = requestContext(request);
        url = request.url;
        seen.note.vdir = 'ews';
        seen.note.decision = 'served';
        return HttpResponse.text('ok');
      }),
    );
    // A client-sent copy of the internal header must neither reach the handler's lookup nor the journal.
    const res = await get('/EWS/Exchange.asmx?x=1', { headers: { host: 'mail.contoso.lab', 'x-cas-lab-context': 'spoof' } });
    await res.body.text();
    expect(res.statusCode).toBe(200);
    // undici sends the Host as SNI, so the two agree here; a front door may send others.
    expect(seen).toMatchObject({ server: FQDN, scheme: 'https', sni: 'mail.contoso.lab', host: 'mail.contoso.lab', remoteAddress: '127.0.0.1', localPort: fx.web.port, method: 'GET' });
    expect(url).toBe(`https://${FQDN}:${fx.web.port}/EWS/Exchange.asmx?x=1`);
    const last = answers().at(-1)!;
    expect(last.ctx).toBe(seen);
    expect(last.ctx.note).toMatchObject({ vdir: 'ews', decision: 'served' });
    expect(last.info).toMatchObject({ method: 'GET', path: '/EWS/Exchange.asmx', query: 'x=1', status: 200 });
    expect(last.info.requestHeaders['x-cas-lab-context']).toBeUndefined();
    expect(last.ctx.rawHeaders.map((h) => h.toLowerCase())).not.toContain('x-cas-lab-context');
    expect(JSON.stringify(last.info.responseHeaders)).not.toContain('x-cas-lab');
    expect(liveContextCount()).toBe(0);
  });

  it('streams a POSTed form into the Fetch Request', async () => {
    const res = await get('/owa/auth.owa', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'destination=x&username=contoso%5Cuser1&password=p&isUtf8=1',
    });
    expect(await res.body.text()).toBe('user=contoso\\user1');
    expect(answers().at(-1)?.ctx.note.formFields).toEqual(['destination', 'username', 'password', 'isUtf8']);
  });

  it('puts use() overrides in front and reset() removes them', async () => {
    handlers.use(http.get('/owa/', () => new HttpResponse('down', { status: 503 })));
    const down = await get('/owa/');
    await down.body.text();
    expect(down.statusCode).toBe(503);
    handlers.reset();
    const up = await get('/owa/');
    await up.body.text();
    expect(up.statusCode).toBe(200);
  });
});

describe('extension methods (Outlook Anywhere)', () => {
  it('serves RPC_IN_DATA, which Node alone answers 400', async () => {
    const res = await request(`https://127.0.0.1:${fx.web.port}/rpc/rpcproxy.dll?cas01:6001`, {
      dispatcher: fx.agent, method: 'RPC_IN_DATA', headers: { host: FQDN, 'user-agent': 'HttpProxy.ClientAccessServer2010Ping' }, body: 'r'.repeat(40_000),
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('NTLM');
    // 40 000 bytes read through the bounded stream (past its 16 KiB high-water mark: pause and resume).
    expect(await res.body.text()).toBe('RPC_IN_DATA 40000');
    expect(answers().at(-1)?.info).toMatchObject({ method: 'RPC_IN_DATA', path: '/rpc/rpcproxy.dll', query: 'cas01:6001' });
  });

  it('keeps framing on a keep-alive connection mixing GET, RPC bodies and chunked bodies', async () => {
    // The chunked body holds a fake request line: it must stay body, never become a request.
    const fake = 'RPC_OUT_DATA /x HTTP/1.1\r\n\r\n';
    const wire =
      `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\n\r\n` +
      `RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 5\r\n\r\nhello` +
      `RPC_OUT_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nTransfer-Encoding: chunked\r\n\r\n${fake.length.toString(16)}\r\n${fake}\r\n0\r\n\r\n` +
      `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n`;
    const raw = (await fx.raw(wire)).toString('latin1');
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401', 'HTTP/1.1 401', 'HTTP/1.1 200']);
    expect(raw).toContain('RPC_IN_DATA 5');
    expect(raw).toContain(`RPC_OUT_DATA ${fake.length}`);
    // Node runs pipelined requests side by side (answers still leave in order): compare as a multiset.
    expect(answers().slice(-4).map((a) => a.info.method).sort()).toEqual(['GET', 'GET', 'RPC_IN_DATA', 'RPC_OUT_DATA']);
  });
});

describe('plain HTTP and options', () => {
  it('serves plain HTTP too (scheme http, no SNI), extension methods included', async () => {
    const seen: RequestContext[] = [];
    const plain = await listenHttp({ host: '127.0.0.1', port: 0, server: FQDN, handlers, onAnswer: (ctx) => seen.push(ctx) });
    try {
      const wire =
        `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\n\r\n` +
        `RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`;
      const raw = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const s = netConnect(plain.port, '127.0.0.1', () => s.write(wire));
        s.on('data', (d: Buffer) => chunks.push(d));
        s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        s.on('error', reject);
        s.setTimeout(5_000, () => s.destroy());
      });
      expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401']);
      expect(raw).toContain('RPC_IN_DATA 2');
      expect(seen.map((c) => [c.scheme, c.sni, c.method])).toEqual([['http', null, 'GET'], ['http', null, 'RPC_IN_DATA']]);
    } finally {
      await plain.close();
    }
  });

  it('refuses to bind anything but loopback, and names the option', async () => {
    await expect(listenHttp({ host: '0.0.0.0', port: 0, server: FQDN, handlers, onAnswer: () => undefined })).rejects.toMatchObject({
      code: 'HTTP_LISTENER_OPTION_ERR', message: expect.stringContaining('host must be a loopback address'),
    });
    expect(() => createRequestListener({ server: 'bad name', handlers, onAnswer: () => undefined })).toThrow(/server must be a host name/);
  });

  it('reports a port in use as HttpListenError', async () => {
    await expect(listenHttp({ host: '127.0.0.1', port: fx.web.port, server: FQDN, handlers, onAnswer: () => undefined })).rejects.toMatchObject({ code: 'HTTP_LISTEN_ERR' });
  });
});
