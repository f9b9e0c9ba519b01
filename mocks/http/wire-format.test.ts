/** The pieces of the wire form, without sockets: casing, reason phrases, targets, answers, requests. */
import { describe, expect, it } from 'vitest';
import { getResponse, http, HttpResponse } from 'msw';
import { bufferedResponse, toAnswer, BUFFER_DECLARED_MAX } from './answer.ts';
import { headerNamer, titleCase } from './header-case.ts';
import { lightRequest } from './light-request.ts';
import { requestContext } from './request-context.ts';
import { reasonPhrase } from './status-line.ts';
import { parseTarget } from './target.ts';

const wire = headerNamer({ 'x-custom': 'x-CUSTOM' });

describe('header names', () => {
  it('restores Exchange casing, then Title-Case, and lets the listener override', () => {
    expect(wire('x-owa-version')).toBe('X-OWA-Version');
    expect(wire('ms-asprotocolversions')).toBe('MS-ASProtocolVersions');
    expect(wire('www-authenticate')).toBe('WWW-Authenticate');
    expect(wire('content-type')).toBe('Content-Type');
    expect(wire('x-custom')).toBe('x-CUSTOM');
    expect(titleCase('x-forwarded-for')).toBe('X-Forwarded-For');
  });
});

describe('reason phrases', () => {
  it('follows ASP.NET: empty for the Exchange codes, the handler choice when it made one', () => {
    expect(reasonPhrase(451, 'Unavailable For Legal Reasons')).toBe('');
    expect(reasonPhrase(449, '')).toBe('');
    expect(reasonPhrase(302, 'Found')).toBe('Found');
    expect(reasonPhrase(413, 'Payload Too Large')).toBe('Request Entity Too Large');
    expect(reasonPhrase(503, 'Service Unavailable (fault)')).toBe('Service Unavailable (fault)');
    expect(reasonPhrase(new HttpResponse(null, { status: 451 }).status, new HttpResponse(null, { status: 451 }).statusText)).toBe('');
  });
});

describe('request targets', () => {
  const origin = 'https://cas01.site1.contoso.lab:8443';
  it('puts origin-form and absolute-form targets on the listener origin', () => {
    expect(parseTarget('/owa/?a=1', origin)).toEqual({ href: `${origin}/owa/?a=1`, path: '/owa/', query: 'a=1' });
    expect(parseTarget('https://mail.contoso.lab/ews/exchange.asmx', origin).href).toBe(`${origin}/ews/exchange.asmx`);
    // `//x/y` is a path on IIS, not another authority.
    expect(parseTarget('//evil.example/owa/', origin).href).toBe(`${origin}//evil.example/owa/`);
    expect(parseTarget('/owa/a/../b', origin).path).toBe('/owa/b');
    expect(parseTarget('*', origin).path).toBe('/*');
  });
});

describe('answers', () => {
  it('buffers and sets Content-Length when the handler set none (HttpResponse.html)', async () => {
    const a = await toAnswer(HttpResponse.html('<p>x</p>'), wire);
    expect(a.stream).toBeNull();
    expect(a.body?.toString()).toBe('<p>x</p>');
    expect(a.headers).toContainEqual(['Content-Length', '8']);
  });

  it('keeps an explicit small Content-Length and buffers; streams a large one or Transfer-Encoding', async () => {
    const small = await toAnswer(HttpResponse.text('hello'), wire);
    expect(small.stream).toBeNull();
    expect(small.headers.filter(([n]) => n === 'Content-Length')).toEqual([['Content-Length', '5']]);
    const big = await toAnswer(new HttpResponse('x', { headers: { 'Content-Length': String(BUFFER_DECLARED_MAX + 1) } }), wire);
    expect(big.stream).not.toBeNull();
    const te = await toAnswer(new HttpResponse('x', { headers: { 'Transfer-Encoding': 'chunked' } }), wire);
    expect(te.stream).not.toBeNull();
    expect(te.headers.some(([n]) => n === 'Content-Length')).toBe(false);
    await big.stream?.cancel();
    await te.stream?.cancel();
  });

  it('writes a buffered response body as given, with its Content-Length and the handler headers', async () => {
    const page = Buffer.from('<h2>401 - Unauthorized</h2>\r\n', 'latin1');
    const a = await toAnswer(bufferedResponse(page, { status: 401, headers: { 'WWW-Authenticate': 'NTLM' } }), wire);
    expect(a).toMatchObject({ status: 401, stream: null });
    expect(a.body?.equals(page)).toBe(true);
    expect(a.headers).toEqual([['WWW-Authenticate', 'NTLM'], ['Content-Length', String(page.length)]]);
  });

  it('keeps every Set-Cookie apart, adds defaults the handler did not set, no length on 204/304', async () => {
    const h = new Headers({ Server: 'Custom' });
    h.append('Set-Cookie', 'sessionid=1; path=/');
    h.append('Set-Cookie', 'cadata=2; path=/');
    const a = await toAnswer(new HttpResponse(null, { status: 204, headers: h }), wire, [['Server', 'Microsoft-IIS/7.5'], ['X-Powered-By', 'ASP.NET']]);
    expect(a.headers).toEqual([
      ['Server', 'Custom'],
      ['Set-Cookie', 'sessionid=1; path=/'],
      ['Set-Cookie', 'cadata=2; path=/'],
      ['X-Powered-By', 'ASP.NET'],
    ]);
  });
});

describe('light requests and in-process contexts', () => {
  it('behaves as a bodiless Request for msw handlers', async () => {
    const r = lightRequest('https://cas01.site1.contoso.lab/owa/?x=1', 'GET', new Headers([['cookie', 'a=1'], ['host', 'mail.contoso.lab']]));
    expect(r).toBeInstanceOf(Request);
    expect(r.clone()).toBe(r);
    expect(await r.text()).toBe('');
    expect(r.body).toBeNull();
    expect(r.signal.aborted).toBe(false);
    let cookies: Record<string, string> = {};
    const res = await getResponse([http.get('/owa/', (info) => ((cookies = info.cookies), HttpResponse.text(new URL(info.request.url).search)))], r, {
      baseUrl: 'https://cas01.site1.contoso.lab',
    });
    expect(await res?.text()).toBe('?x=1');
    expect(cookies).toEqual({ a: '1' });
  });

  it('gives in-process requests (no listener) a default context, the same for the same request', async () => {
    let seen: unknown[] = [];
    const h = http.get('http://x.test/owa/', ({ request }) => {
      seen = [requestContext(request), requestContext(request)];
      return HttpResponse.text('ok');
    });
    await getResponse([h], new Request('http://x.test/owa/', { headers: { 'x-cas-lab-context': 'not-registered' } }));
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatchObject({ server: 'in-process', host: 'x.test', method: 'GET', sni: null });
  });
});
