/**
 * The OWA browser against the lab's mock CAS2010 in Site1 directly (no front door): the first half of
 * seed 001 (Red served locally, Purple silently redirected to legacy, Orange shown a manual redirect,
 * Blue proxied to Site3) is what this CAS does, so each path of the browser runs on real sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../lab/lab.ts';
import type { HttpEvent } from '../journal/events.ts';
import { OwaBrowser } from './owa-browser.ts';
import { HttpClientError } from './transcript.ts';

let lab: Lab;
let agent: Agent;
let owa: string;
const user = (name: string) => lab.topology.users.find((u) => u.name === name)!;
const host = (url: string) => new URL(url).hostname;

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  agent = lab.agent();
  owa = `${lab.origin('cas2010.site1.contoso.lab')}/owa/`;
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('OwaBrowser against CAS2010 Site1', () => {
  it('Red signs in once and sees the mailbox; every versioned resource loads with 200', async () => {
    const b = new OwaBrowser({ dispatcher: agent });
    const r = await b.login(owa, 'CONTOSO\\red', user('Red').password);
    expect(r.status).toBe(200);
    expect(r.title).toBe('Red - Outlook Web App');
    expect(r.credentialsTyped).toBe(1);
    expect(r.silentRedirects).toBe(0);
    expect(r.manualRedirect).toBeUndefined();
    expect(r.hops.map((h) => `${h.method} ${h.status}`)).toEqual(['GET 302', 'GET 200', 'POST 302', 'GET 200']);
    const resources = await b.loadResources();
    expect(resources.length).toBeGreaterThanOrEqual(3);
    expect(resources.every((x) => x.status === 200 && /\/owa\/14\.2\.283\.3\//.test(x.url))).toBe(true);
    // the transcript is evidence: it names cookies and the form, never the password
    const text = JSON.stringify(r.transcript);
    expect(text).not.toContain(user('Red').password);
    expect(text).toContain('password=****');
    expect(text).toContain('Set-Cookie: sessionid');
  });

  it('Purple reaches legacy.contoso.lab through ONE silent redirect, typing credentials once', async () => {
    const b = new OwaBrowser({ dispatcher: agent });
    const r = await b.login(owa, 'CONTOSO\\purple', user('Purple').password);
    expect(host(r.finalUrl)).toBe('legacy.contoso.lab');
    expect(r.status).toBe(200);
    expect(r.title).toBe('Purple - Microsoft Exchange - Outlook Web Access');
    expect(r.silentRedirects).toBe(1);
    expect(r.credentialsTyped).toBe(1);
    expect(r.hops.filter((h) => h.method === 'POST').map((h) => host(h.url))).toEqual(['cas2010.site1.contoso.lab', 'legacy.contoso.lab']);
    // cookies stay with the host that set them (RFC 6265 host-only)
    const hosts = new Set(b.cookies.all().filter((c) => c.name === 'sessionid').map((c) => c.domain));
    expect(hosts).toEqual(new Set(['cas2010.site1.contoso.lab', 'legacy.contoso.lab']));
    expect(JSON.stringify(r.transcript)).not.toContain(user('Purple').password);
  });

  it('Orange gets a manual redirect page naming https://mail-region.contoso.lab.../owa, with no hop there', async () => {
    const b = new OwaBrowser({ dispatcher: agent });
    const r = await b.login(owa, 'CONTOSO\\orange', user('Orange').password);
    expect(r.status).toBe(200);
    expect(r.manualRedirect).toBeDefined();
    const u = new URL(r.manualRedirect!.url);
    expect(u.protocol).toBe('https:');
    expect(u.hostname).toBe('mail-region.contoso.lab');
    expect(u.pathname).toMatch(/^\/owa\/?$/);
    expect(b.manualRedirectUrl).toBe(r.manualRedirect!.url);
    expect(r.hops.every((h) => host(h.url) === 'cas2010.site1.contoso.lab')).toBe(true);
    expect(r.silentRedirects).toBe(0);
  });

  it("Blue sees Blue's mailbox on mail's origin, served via a Site3 CAS", async () => {
    const since = lab.journal.seq;
    const b = new OwaBrowser({ dispatcher: agent });
    const r = await b.login(owa, 'CONTOSO\\blue', user('Blue').password);
    expect(r.title).toBe('Blue - Outlook Web App');
    expect(host(r.finalUrl)).toBe('cas2010.site1.contoso.lab');
    const e = (await lab.journal.waitFor(
      (x) => x.kind === 'http' && x.vdir === 'owa' && /^cas2010[ab]\.site3\.contoso\.lab$/.test(x.server) && x.user === 'blue',
      { timeoutMs: 2000, sinceSeq: since, what: 'an OWA request for Blue on a Site3 CAS2010' },
    )) as HttpEvent;
    expect(e.status).toBe(200);
  });

  it('a wrong password ends on the sign-in page; the browser never types credentials a second time', async () => {
    const b = new OwaBrowser({ dispatcher: agent });
    const r = await b.login(owa, 'CONTOSO\\red', 'not-the-password');
    expect(r.logonPage).toBe(true);
    expect(r.finalUrl).toContain('reason=2');
    expect(r.credentialsTyped).toBe(1);
    const again = await b.signIn('CONTOSO\\red', user('Red').password);
    expect(again.credentialsTyped).toBe(1);
    expect(again.stopped).toMatch(/only once/);
  });

  it('a connection refused is an HttpClientError with the transcript, not a status', async () => {
    const b = new OwaBrowser({ dispatcher: agent, timeoutMs: 2000 });
    // mail.contoso.lab is the front door's address; no front door runs in this test.
    const err = await b.open(`${lab.origin('mail.contoso.lab')}/owa/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpClientError);
    expect((err as HttpClientError).code).toMatch(/^HTTP_CLIENT_(TRANSPORT|TIMEOUT)$/);
    expect((err as HttpClientError).transcript[0]!.line).toBe('GET /owa/ HTTP/1.1');
  });
});
