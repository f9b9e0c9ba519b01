import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, hopRequestHeaders, rewriteLocation } from './headers.ts';

describe('hopRequestHeaders', () => {
  it('strips hop-by-hop and Connection-named headers, the client Authorization and Cookie, and appends X-Forwarded-For', () => {
    const out = hopRequestHeaders(
      ['Host', 'mail.contoso.lab', 'Connection', 'keep-alive, X-Secret', 'X-Secret', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Authorization', 'Basic abc',
        'Cookie', 'a=b', 'X-Forwarded-For', '10.0.0.1', 'User-Agent', 'Apple-iPhone', 'Proxy-Authorization', 'x', 'Transfer-Encoding', 'chunked'],
      { host: 'cas2010.site1.contoso.lab', authorization: 'NTLM xyz', cookie: 'sessionid=1', clientIp: '127.0.0.1' },
    );
    const pairs: [string, string][] = [];
    for (let i = 0; i < out.length; i += 2) pairs.push([out[i]!.toLowerCase(), out[i + 1]!]);
    const names = pairs.map(([n]) => n);
    for (const n of ['connection', 'x-secret', 'keep-alive', 'te', 'proxy-authorization', 'transfer-encoding']) expect(names).not.toContain(n);
    expect(pairs).toContainEqual(['host', 'cas2010.site1.contoso.lab']);
    expect(pairs).toContainEqual(['authorization', 'NTLM xyz']);
    expect(pairs).toContainEqual(['cookie', 'sessionid=1']);
    expect(pairs).toContainEqual(['x-forwarded-for', '10.0.0.1, 127.0.0.1']);
    expect(pairs).toContainEqual(['user-agent', 'Apple-iPhone']);
  });
});

describe('hopRequestHeaders: framing and the keep-hop-headers defect', () => {
  const pairsOf = (out: string[]) => {
    const pairs: [string, string][] = [];
    for (let i = 0; i < out.length; i += 2) pairs.push([out[i]!.toLowerCase(), out[i + 1]!]);
    return pairs;
  };
  const client = ['Host', 'mail.contoso.lab', 'Connection', 'keep-alive, Via, X-Sec-Hop', 'Via', '1.1 marker', 'X-Sec-Hop', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers',
    'Proxy-Authorization', 'x', 'X-Forwarded-For', '192.0.2.7', 'Content-Length', '40', 'Transfer-Encoding', 'chunked'];
  const base = { host: 'cas2010a.site3.contoso.lab', authorization: null, cookie: null, clientIp: '127.0.0.9' };

  it('never sends Content-Length with a Transfer-Encoding the client sent (RFC 9112 6.1)', () => {
    const names = pairsOf(hopRequestHeaders(client, base)).map(([n]) => n);
    expect(names).not.toContain('content-length');
    expect(names).not.toContain('transfer-encoding');
    expect(pairsOf(hopRequestHeaders(['Content-Length', '5'], base))).toContainEqual(['content-length', '5']);
  });
  it('under keep-hop-headers forwards Connection-named and hop-by-hop headers undici can carry, and replaces X-Forwarded-For', () => {
    const pairs = pairsOf(hopRequestHeaders(client, { ...base, keepHopByHop: true }));
    expect(pairs).toContainEqual(['via', '1.1 marker']);
    expect(pairs).toContainEqual(['x-sec-hop', '1']);
    expect(pairs).toContainEqual(['te', 'trailers']);
    expect(pairs).toContainEqual(['proxy-authorization', 'x']);
    expect(pairs.filter(([n]) => n === 'x-forwarded-for')).toEqual([['x-forwarded-for', '127.0.0.9']]);
    // What undici refuses or keeps for itself still stays behind.
    for (const n of ['connection', 'keep-alive', 'transfer-encoding']) expect(pairs.map(([k]) => k)).not.toContain(n);
  });
});

describe('Connection values: the usual ones and lists', () => {
  const names = (out: string[]) => out.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  const base = { host: 'cas2010.site1.contoso.lab', authorization: null, cookie: null, clientIp: '127.0.0.1' };
  // connectionTokens answers `keep-alive` and `close` without a Set; a list naming more must still drop the rest.
  it.each([
    { connection: 'keep-alive', dropped: ['connection'], kept: ['x-a'] },
    { connection: 'Close', dropped: ['connection'], kept: ['x-a'] },
    { connection: 'keep-alive, X-A', dropped: ['connection', 'x-a'], kept: [] },
    { connection: 'close,x-a', dropped: ['connection', 'x-a'], kept: [] },
  ])('Connection: $connection', ({ connection, dropped, kept }) => {
    const request = names(hopRequestHeaders(['Connection', connection, 'X-A', '1'], base));
    const answer = names(clientResponseHeaders(['Connection', connection, 'X-A', '1'].map((x) => Buffer.from(x)), { targetOrigin: 'https://x', clientOrigin: 'https://y', backend: 'x' }));
    for (const out of [request, answer]) {
      for (const n of dropped) expect(out).not.toContain(n);
      for (const n of kept) expect(out).toContain(n);
    }
  });
});

describe('clientResponseHeaders', () => {
  const raw = (pairs: string[]) => pairs.map((s) => Buffer.from(s));
  it('keeps every Set-Cookie apart and unchanged (COOK-01), rewrites Location to the front door', () => {
    const out = clientResponseHeaders(
      raw(['Set-Cookie', 'sessionid=1; path=/', 'Set-Cookie', 'cadata=2; path=/; HttpOnly', 'Location', 'https://cas2010.site1.contoso.lab:20443/owa/', 'Connection', 'close', 'Transfer-Encoding', 'chunked']),
      { targetOrigin: 'https://cas2010.site1.contoso.lab:20443', clientOrigin: 'https://mail.contoso.lab', backend: 'cas2010.site1.contoso.lab' },
    );
    expect(out.filter((_, i) => i % 2 === 0 && /set-cookie/i.test(out[i]!)).length).toBe(2);
    expect(out).toContain('sessionid=1; path=/');
    expect(out).toContain('cadata=2; path=/; HttpOnly');
    expect(out[out.indexOf('Location') + 1]).toBe('https://mail.contoso.lab/owa/');
    expect(out.map((s) => s.toLowerCase())).not.toContain('connection');
    expect(out.map((s) => s.toLowerCase())).not.toContain('transfer-encoding');
  });
  it('the cookie-rewrite defect merges and widens', () => {
    const out = clientResponseHeaders(raw(['Set-Cookie', 'a=1; path=/', 'Set-Cookie', 'b=2']), { targetOrigin: 'https://x', clientOrigin: 'https://y', backend: 'x', cookieRewriteDomain: '.contoso.lab' });
    expect(out.filter((s) => /^set-cookie$/i.test(s))).toHaveLength(1);
    expect(out[out.indexOf('Set-Cookie') + 1]).toContain('Domain=.contoso.lab');
  });
  it('leaves foreign locations alone', () => {
    expect(rewriteLocation('https://legacy.contoso.lab/owa', 'https://cas2010.site1.contoso.lab:1', 'https://mail')).toBe('https://legacy.contoso.lab/owa');
    expect(rewriteLocation('https://cas:1?x', 'https://cas:1', 'https://mail')).toBe('https://mail?x');
  });
});
