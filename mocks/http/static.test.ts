/**
 * staticResponse snapshots on a real HTTPS listener: the first answer is kept and replayed byte for
 * byte (Date aside), the handler runs once, and any change of the handler set drops the snapshot.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { HandlerSet } from './handler-set.ts';
import { requestContext } from './request-context.ts';
import { staticResponse } from './static.ts';
import { headLines, startListenerFixture, type ListenerFixture } from './test-support.ts';

const FQDN = 'cas02.site2.contoso.lab';
const CSS = '/owa/14.2.247.5/themes/resources/logon.css';
let calls = 0;
const resource = staticResponse(
  http.get('/owa/:folder/themes/*', ({ request }) => {
    calls++;
    const rc = requestContext(request);
    rc.note.vdir = 'owa';
    rc.note.decision = 'resource';
    const h = new Headers({ 'Content-Type': 'text/css', 'X-OWA-Version': '14.2.247.5' });
    h.append('Set-Cookie', 'a=1; path=/');
    h.append('Set-Cookie', 'b=2; path=/');
    return new HttpResponse(`/* ${new URL(request.url).pathname} */`, { headers: h });
  }),
);
const handlers = new HandlerSet([resource]);
let fx: ListenerFixture;
const get = (path: string, method: 'GET' | 'HEAD' = 'GET') => fx.get(path, { method });
const raw = (path: string) => fx.raw(`GET ${path} HTTP/1.1\r\nHost: ${FQDN}\r\nConnection: close\r\n\r\n`);
const withoutDate = (b: Buffer) => b.toString('latin1').replace(/\r\nDate: [^\r]*/, '');

beforeAll(async () => {
  fx = await startListenerFixture({ server: FQDN, handlers });
});
afterAll(() => fx?.close());
afterEach(() => {
  handlers.reset();
  calls = 0;
  fx.answers.length = 0;
});

it('replays the first answer byte for byte and runs the handler once', async () => {
  const first = await raw(CSS);
  const second = await raw(CSS);
  const third = await raw(CSS);
  expect(calls).toBe(1);
  expect(withoutDate(second)).toBe(withoutDate(first));
  expect(withoutDate(third)).toBe(withoutDate(first));
  const { statusLine, headers } = headLines(second);
  expect(statusLine).toBe('HTTP/1.1 200 OK');
  expect(headers).toContain('X-OWA-Version: 14.2.247.5');
  expect(headers.filter((h) => h.startsWith('Set-Cookie: '))).toEqual(['Set-Cookie: a=1; path=/', 'Set-Cookie: b=2; path=/']);
  // The journal still sees every request, with the handler's note.
  expect(fx.answers).toHaveLength(3);
  expect(fx.answers[2]!.ctx.note).toMatchObject({ vdir: 'owa', decision: 'resource' });
  expect(fx.answers[2]!.info).toMatchObject({ method: 'GET', path: CSS, status: 200 });
});

it('keeps one snapshot per URL', async () => {
  const a = await (await get(CSS)).body.text();
  const b = await (await get('/owa/14.2.247.5/themes/base/warn.png')).body.text();
  const a2 = await (await get(CSS)).body.text();
  expect(a).toBe(`/* ${CSS} */`);
  expect(b).toBe('/* /owa/14.2.247.5/themes/base/warn.png */');
  expect(a2).toBe(a);
  expect(calls).toBe(2);
});

it('answers HEAD from the snapshot with the GET Content-Length', async () => {
  const g = await get(CSS);
  const body = await g.body.text();
  const h = await get(CSS, 'HEAD');
  expect(await h.body.text()).toBe('');
  expect(h.headers['content-length']).toBe(String(body.length));
  expect(calls).toBe(1);
  expect(fx.answers.at(-1)?.info.method).toBe('HEAD');
});

it('drops snapshots when the handlers change (a fault put in front must be seen)', async () => {
  await (await get(CSS)).body.text();
  handlers.use(http.get(CSS, () => new HttpResponse('down', { status: 503 })));
  const down = await get(CSS);
  expect(down.statusCode).toBe(503);
  await down.body.text();
  handlers.reset();
  const up = await get(CSS);
  expect(up.statusCode).toBe(200);
  await up.body.text();
  expect(calls).toBe(2);
});

it('does not snapshot when another handler comes first for the path', async () => {
  // A predicate handler in front may answer some requests and not others: no shortcut past it.
  handlers.use(http.get(({ request }) => request.headers.has('x-fault'), () => new HttpResponse(null, { status: 500 })));
  for (let i = 0; i < 3; i++) await (await get(CSS)).body.text();
  expect(calls).toBe(3);
});
