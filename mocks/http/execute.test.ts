// execute.ts must answer as msw's getResponse does for the shortlist it is given.
import { describe, expect, test } from 'vitest';
import { getResponse, http, HttpResponse } from 'msw';
import { execute } from './execute.ts';
import { HandlerSet } from './handler-set.ts';

const ORIGIN = 'https://cas.lab.invalid';
const rc = { baseUrl: ORIGIN, quiet: true };

async function both(set: HandlerSet, method: string, path: string): Promise<[string, string]> {
  const req = () => new Request(`${ORIGIN}${path}`, { method });
  const mine = await execute(set.shortlist(method, path, ORIGIN), req(), rc);
  const msw = await getResponse(set.candidates(method, path, ORIGIN), req(), rc);
  return [mine ? `${mine.status} ${await mine.text()}` : 'none', msw ? `${msw.status} ${await msw.text()}` : 'none'];
}

describe('execute', () => {
  const set = new HandlerSet([
    http.get(`${ORIGIN}/skip/*`, () => undefined),
    http.get(`${ORIGIN}/skip/:name`, ({ params }) => HttpResponse.text(`second ${String(params.name)}`)),
    http.get(`${ORIGIN}/owa/:folder/*`, ({ params }) => HttpResponse.text(`folder ${String(params.folder)}`)),
    http.post(`${ORIGIN}/throw`, () => {
      throw HttpResponse.text('thrown', { status: 401 });
    }),
    http.get(({ request }) => new URL(request.url).pathname === '/custom', () => HttpResponse.text('custom')),
    http.get(`${ORIGIN}/once`, () => HttpResponse.text('once'), { once: true }),
  ]);

  test.each([
    ['GET', '/owa/14.2.283.3/themes/logon.css'],
    ['GET', '/skip/x'],
    ['POST', '/throw'],
    ['GET', '/custom'],
    ['GET', '/nothing'],
  ])('%s %s: the same answer as msw', async (method, path) => {
    const [mine, msw] = await both(set, method, path);
    expect(mine).toBe(msw);
    expect(mine).not.toBe('');
  });

  test('params reach the resolver; a handler that answers nothing passes to the next', async () => {
    expect((await both(set, 'GET', '/owa/14.2.283.3/x'))[0]).toBe('200 folder 14.2.283.3');
    expect((await both(set, 'GET', '/skip/x'))[0]).toBe('200 second x');
  });

  test('a once handler stays on msw\'s own path (answers once)', async () => {
    const one = new HandlerSet([http.get(`${ORIGIN}/once`, () => HttpResponse.text('once'), { once: true })]);
    const call = () => execute(one.shortlist('GET', '/once', ORIGIN), new Request(`${ORIGIN}/once`), rc);
    expect((await call())?.status).toBe(200);
    expect(await call()).toBeUndefined();
  });
});
