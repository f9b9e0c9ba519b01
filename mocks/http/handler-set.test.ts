import { describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { HandlerSet } from './handler-set.ts';

const ok = () => HttpResponse.text('ok');
const ORIGIN = 'https://cas01.site1.contoso.lab:8443';

describe('HandlerSet', () => {
  it('shortlists by method and path with msw matching (case-insensitive paths, params, wildcards)', () => {
    const owa = http.get('/owa/', ok);
    const folder = http.get('/owa/:folder/*', ok);
    const post = http.post('/owa/auth.owa', ok);
    const all = http.all('/rpc/rpcproxy.dll', ok);
    const set = new HandlerSet([owa, folder, post, all]);
    expect(set.candidates('GET', '/OWA/', ORIGIN)).toEqual([owa]);
    expect(set.candidates('GET', '/owa/14.2.247.5/themes/logon.css', ORIGIN)).toEqual([folder]);
    expect(set.candidates('POST', '/owa/auth.owa', ORIGIN)).toEqual([post]);
    expect(set.candidates('GET', '/owa/auth/logon.aspx', ORIGIN)).toEqual([folder]);
    expect(set.candidates('GET', '/owa/auth.owa', ORIGIN)).toEqual([]);
    expect(set.candidates('RPC_IN_DATA', '/rpc/rpcproxy.dll', ORIGIN)).toEqual([all]);
    expect(set.candidates('HEAD', '/owa/', ORIGIN)).toEqual([]);
  });

  it('keeps predicate handlers, in their place', () => {
    const before = http.get('/ews/exchange.asmx', ok);
    const predicate = http.get(({ request }) => request.headers.has('x-fault'), ok);
    const after = http.get('/ews/*', ok);
    const set = new HandlerSet([before, predicate, after]);
    expect(set.candidates('GET', '/ews/exchange.asmx', ORIGIN)).toEqual([before, predicate, after]);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toEqual([predicate]);
    expect(set.candidates('POST', '/owa/', ORIGIN)).toEqual([]);
  });

  it('gives relative handler paths the same match and params on every origin, and none to a request for another origin', async () => {
    const { matchRequestUrl } = await import('msw');
    const folder = http.get('/owa/:folder/*', ok);
    const set = new HandlerSet([folder]);
    for (const origin of [ORIGIN, 'https://cas02.site2.contoso.lab:9443']) {
      for (const path of ['/owa/14.2.247.5/themes/logon.css', '/OWA/x/y', '/owa/', '/ews/x']) {
        const msw = matchRequestUrl(new URL(path, origin), '/owa/:folder/*', origin);
        expect(set.candidates('GET', path, origin), `${origin}${path}`).toEqual(msw.matches ? [folder] : []);
        if (msw.matches) expect(set.shortlist('GET', path, origin).params[0]).toEqual(msw.params);
      }
    }
    // A protocol-relative target resolves to another origin: msw would not match it, neither does the set.
    expect(set.candidates('GET', '//evil.example/owa/x/y', ORIGIN)).toEqual([]);
  });

  it('matches absolute handler URLs only on their origin', () => {
    const abs = http.get(`${ORIGIN}/owa/`, ok);
    const set = new HandlerSet([abs]);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toEqual([abs]);
    expect(set.candidates('GET', '/owa/', 'https://cas02.site2.contoso.lab:8443')).toEqual([]);
  });

  it('remembers shortlists and forgets them on use() and reset()', () => {
    const owa = http.get('/owa/', ok);
    const set = new HandlerSet([owa]);
    const first = set.candidates('GET', '/owa/', ORIGIN);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toBe(first);
    const v0 = set.version;

    const fault = http.get('/owa/', () => new HttpResponse(null, { status: 503 }));
    set.use(fault);
    expect(set.version).toBe(v0 + 1);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toEqual([fault, owa]);
    expect(set.list()).toEqual([fault, owa]);

    set.reset();
    expect(set.version).toBe(v0 + 2);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toEqual([owa]);
    expect(set.list()).toEqual([owa]);
  });

  it('puts several overrides in front in the given order, like msw server.use', () => {
    const a = http.get('/owa/', ok);
    const b = http.get('/owa/', ok);
    const base = http.get('/owa/', ok);
    const set = new HandlerSet([base]);
    set.use(a, b);
    expect(set.list()).toEqual([a, b, base]);
    const c = http.get('/owa/', ok);
    set.use(c);
    expect(set.list()).toEqual([c, a, b, base]);
  });

  it('reset(...next) replaces the handlers, as msw resetHandlers(...next)', () => {
    const a = http.get('/owa/', ok);
    const b = http.get('/ecp/', ok);
    const set = new HandlerSet([a]);
    set.reset(b);
    expect(set.list()).toEqual([b]);
    expect(set.candidates('GET', '/owa/', ORIGIN)).toEqual([]);
  });

  it('bounds the memo: a scan of many distinct paths does not grow it without end', () => {
    const set = new HandlerSet([http.get('/owa/', ok)]);
    for (let i = 0; i < 10_000; i++) set.candidates('GET', `/scan/${i}`, ORIGIN);
    expect(set.memoSize).toBeLessThanOrEqual(4096);
    // Still answers correctly after the memo was cleared on the way.
    expect(set.candidates('GET', '/owa/', ORIGIN)).toHaveLength(1);
  });
});
