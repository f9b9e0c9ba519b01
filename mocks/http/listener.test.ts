/**
 * The msw bridge on real HTTPS sockets: each pitfall of LIBRARIES.md "msw handlers on real sockets"
 * and each guard against bad input, seen from an undici client or from the raw bytes on the wire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { request, type Agent } from 'undici';
import { HandlerSet } from './handler-set.ts';
import { listenHttp, type AnswerInfo, type RunningHttp } from './listener.ts';
import { liveContextCount, requestContext, type RequestContext } from './request-context.ts';
import { headLines, rawTlsExchange, selfSignedCert, trustingAgent, type TestCert } from './test-support.ts';

const FQDN = 'cas01.site1.contoso.lab';
const answers: { ctx: RequestContext; info: AnswerInfo }[] = [];
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

let cert: TestCert;
let web: RunningHttp;
let agent: Agent;
const clientErrors: string[] = [];
const tlsErrors: string[] = [];
const base = () => `https://${FQDN}:${web.port}`;
/** undici with a lookup-free origin: connect to 127.0.0.1, SNI and Host carry the name. */
const get = (path: string, opts: { method?: 'GET' | 'HEAD' | 'POST'; headers?: Record<string, string>; body?: string } = {}) =>
  request(`https://127.0.0.1:${web.port}${path}`, { dispatcher: agent, method: opts.method ?? 'GET', headers: { host: FQDN, ...opts.headers }, body: opts.body });

beforeAll(async () => {
  cert = selfSignedCert([FQDN, 'mail.contoso.lab', 'other.example']);
  web = await listenHttp({
    host: '127.0.0.1', port: 0, server: FQDN, tls: cert, handlers, maxBodyBytes: 64 * 1024,
    onAnswer: (ctx, info) => answers.push({ ctx, info }),
    onClientError: (i) => clientErrors.push(i.error),
    onTlsError: (i) => tlsErrors.push(i.error),
  });
  agent = trustingAgent(cert.cert, FQDN);
});
afterAll(async () => {
  await agent?.close();
  await web?.close();
});
afterEach(() => {
  handlers.reset();
  answers.length = 0;
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
    expect(answers.at(-1)?.info.method).toBe('HEAD');
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
    const raw = await rawTlsExchange({ port: web.port, cert: cert.cert, servername: FQDN, request: `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n` });
    const { statusLine, headers } = headLines(raw);
    expect(statusLine).toBe('HTTP/1.1 200 OK');
    expect(headers).toContain('X-OWA-Version: 14.2.247.5');
    expect(headers.some((h) => h.startsWith('Content-Type: text/html'))).toBe(true);
  });

  it('writes EAS 451 with no reason phrase (PROTOCOL-FACTS)', async () => {
    const raw = await rawTlsExchange({
      port: web.port, cert: cert.cert, servername: FQDN,
      request: `POST /Microsoft-Server-ActiveSync?Cmd=Sync HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    });
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
    expect(answers.at(-1)?.ctx.note.decision).toBe('no-handler');
  });
});

describe('matching and context', () => {
  it('matches relative handler paths whatever Host the client sends', async () => {
    for (const host of ['mail.contoso.lab', `127.0.0.1:${web.port}`, 'OTHER.example']) {
      const res = await get('/OWA/', { headers: { host } });
      await res.body.text();
      expect(res.statusCode, host).toBe(200);
      expect(answers.at(-1)?.ctx.host).toBe(host);
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
    expect(seen).toMatchObject({ server: FQDN, scheme: 'https', sni: 'mail.contoso.lab', host: 'mail.contoso.lab', remoteAddress: '127.0.0.1', localPort: web.port, method: 'GET' });
    expect(url).toBe(`${base()}/EWS/Exchange.asmx?x=1`);
    const last = answers.at(-1)!;
    expect(last.ctx).toBe(seen);
    expect(last.ctx.note).toMatchObject({ vdir: 'ews', decision: 'served' });
    expect(last.info).toMatchObject({ method: 'GET', path: '/EWS/Exchange.asmx', query: 'x=1', status: 200 });
    expect(last.info.requestHeaders['x-cas-lab-context']).toBe('spoof');
    expect(JSON.stringify(last.info.responseHeaders)).not.toContain('x-cas-lab');
    expect(liveContextCount()).toBe(0);
  });

  it('streams a POSTed form into the Fetch Request', async () => {
    const res = await get('/owa/auth.owa', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'destination=x&username=contoso%5Cuser1&password=p&isUtf8=1',
    });
    expect(await res.body.text()).toBe('user=contoso\\user1');
    expect(answers.at(-1)?.ctx.note.formFields).toEqual(['destination', 'username', 'password', 'isUtf8']);
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
    const res = await request(`https://127.0.0.1:${web.port}/rpc/rpcproxy.dll?cas01:6001`, {
      dispatcher: agent, method: 'RPC_IN_DATA', headers: { host: FQDN, 'user-agent': 'HttpProxy.ClientAccessServer2010Ping' }, body: 'abc',
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('NTLM');
    expect(await res.body.text()).toBe('RPC_IN_DATA 3');
    expect(answers.at(-1)?.info).toMatchObject({ method: 'RPC_IN_DATA', path: '/rpc/rpcproxy.dll', query: 'cas01:6001' });
  });

  it('keeps framing on a keep-alive connection mixing GET, RPC bodies and chunked bodies', async () => {
    // The chunked body holds a fake request line: it must stay body, never become a request.
    const fake = 'RPC_OUT_DATA /x HTTP/1.1\r\n\r\n';
    const wire =
      `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\n\r\n` +
      `RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 5\r\n\r\nhello` +
      `RPC_OUT_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nTransfer-Encoding: chunked\r\n\r\n${fake.length.toString(16)}\r\n${fake}\r\n0\r\n\r\n` +
      `GET /owa/ HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n`;
    const raw = (await rawTlsExchange({ port: web.port, cert: cert.cert, servername: FQDN, request: wire })).toString('latin1');
    expect(raw.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 401', 'HTTP/1.1 401', 'HTTP/1.1 200']);
    expect(raw).toContain('RPC_IN_DATA 5');
    expect(raw).toContain(`RPC_OUT_DATA ${fake.length}`);
    // Node runs pipelined requests side by side (answers still leave in order): compare as a multiset.
    expect(answers.slice(-4).map((a) => a.info.method).sort()).toEqual(['GET', 'GET', 'RPC_IN_DATA', 'RPC_OUT_DATA']);
  });
});

describe('bad input never stops the server', () => {
  it('answers 500 when a handler throws, journals handler-error, and serves the next request', async () => {
    handlers.use(http.get('/owa/boom', () => { throw new Error('kaboom'); }));
    const res = await get('/owa/boom');
    expect(res.statusCode).toBe(500);
    expect(await res.body.text()).toContain('500 - Internal server error.');
    expect(answers.at(-1)?.ctx.note).toMatchObject({ decision: 'handler-error', error: 'Error: kaboom' });
    const next = await get('/owa/');
    await next.body.text();
    expect(next.statusCode).toBe(200);
  });

  it('answers 400 to garbage bytes, closes, reports, and keeps serving', async () => {
    const raw = await rawTlsExchange({ port: web.port, cert: cert.cert, servername: FQDN, request: 'G\x00ET /\x01 HTTP/9\r\n\r\n' });
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(clientErrors.length).toBeGreaterThan(0);
    const res = await get('/owa/');
    await res.body.text();
    expect(res.statusCode).toBe(200);
  });

  it('reports a TLS handshake of garbage and keeps serving', async () => {
    const { connect } = await import('node:net');
    const before = tlsErrors.length;
    await new Promise<void>((resolve) => {
      const s = connect(web.port, '127.0.0.1', () => s.write(Buffer.from('this is not a ClientHello\r\n\r\n')));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
    await expect.poll(() => tlsErrors.length, { timeout: 2_000 }).toBeGreaterThan(before);
    const res = await get('/owa/');
    await res.body.text();
    expect(res.statusCode).toBe(200);
  });

  it('answers 413 to a declared body over maxBodyBytes', async () => {
    const raw = await rawTlsExchange({
      port: web.port, cert: cert.cert, servername: FQDN,
      request: `RPC_IN_DATA /rpc/rpcproxy.dll HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Length: 1073741824\r\n\r\n`,
    });
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 413 Request Entity Too Large');
    expect(answers.at(-1)?.ctx.note.decision).toBe('too-large');
  });

  it('answers 413 to a chunked body that grows past maxBodyBytes', async () => {
    const chunk = 'a'.repeat(16 * 1024);
    const body = Array.from({ length: 6 }, () => `${(chunk.length).toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
    const raw = await rawTlsExchange({
      port: web.port, cert: cert.cert, servername: FQDN,
      request: `POST /owa/auth.owa HTTP/1.1\r\nHost: ${FQDN}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
    });
    expect(headLines(raw).statusLine).toBe('HTTP/1.1 413 Request Entity Too Large');
    const res = await get('/owa/');
    await res.body.text();
    expect(res.statusCode).toBe(200);
  });
});
