/**
 * No page any mock CAS serves contains a password the mock did not receive in that request (issue 11:
 * the CAS2010 silent-redirect form used to carry the directory's password for users who signed in with
 * NTLM, which a real CAS never sees). Every user signs in to every mock CAS every way a client can (forms,
 * NTLM, Basic) on every vdir; every answer, redirects and the pages after a sign-in included, is searched
 * for every password of the directory. Only a password sent in the very request may appear (the forms
 * sign-in that answers with the silent redirect form posts what the user just typed). Also checks the
 * served-user ground truth (header and body token) on the answers that are a user's data.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dispatcher } from 'undici';
import { startLab, type Lab } from '../../../harness/lab/lab.ts';
import { NtlmSession } from '../../../harness/clients/ntlm.ts';
import { labLookup } from '../../../harness/clients/lab-agent.ts';
import { getFolderBody } from '../../../harness/clients/ews-client.ts';
import { outlookRequestBody } from '../../../harness/clients/autodiscover-client.ts';
import { FOLDER_SYNC_REQUEST } from '../../../harness/clients/eas-device.ts';
import type { HttpEvent } from '../../../harness/journal/events.ts';
import { getBuild } from '../../builds/catalogue.ts';
import { OAB_GUID } from '../../http/vdirs/oab.ts';

interface Seen {
  what: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Passwords the request itself carried (a forms post or a Basic header). */
  sent: string[];
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const flat = (h: Record<string, string | string[] | undefined>) => Object.entries(h).map(([k, v]) => `${k}: ${([] as string[]).concat(v ?? []).join(', ')}`).join('\n');

describe('no mock page carries a password it did not receive in that request', () => {
  let lab: Lab;
  let agent: Dispatcher;
  const seen: Seen[] = [];
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
    agent = lab.agent();
  });
  afterAll(async () => {
    await (agent as { close?: () => Promise<void> })?.close?.();
    await lab?.stop();
  });

  async function send(what: string, url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }, sent: string[]): Promise<Seen> {
    const res = await agent.request({ origin: new URL(url).origin, path: new URL(url).pathname + new URL(url).search, method: (init.method ?? 'GET') as Dispatcher.HttpMethod, headers: init.headers ?? {}, body: init.body ?? null });
    const s: Seen = { what, status: res.statusCode, headers: res.headers, body: await res.body.text(), sent };
    seen.push(s);
    return s;
  }

  test('forms, NTLM and Basic sign-ins on every vdir of every mock CAS, for every seed user', { timeout: 120_000 }, async () => {
    const connect = { ca: lab.trustBundle(), lookup: labLookup(lab.hosts()) };
    const servers = lab.topology.servers.filter((s) => !s.fqdn.includes('.site4.'));
    const users = lab.topology.users.filter((u) => ['Red', 'Purple', 'Blue', 'Orange', 'Grey'].includes(u.name));
    for (const s of servers) {
      const origin = lab.origin(s.fqdn);
      const forms = getBuild(s.build).owa.formsPostPath;
      for (const u of users) {
        const login = `CONTOSO\\${u.samAccountName}`;
        // Forms sign-in, then the page the sign-in leads to, with the session's cookies.
        const form = new URLSearchParams({ destination: `${origin}/owa/`, flags: '4', forcedownlevel: '0', trusted: '4', username: login, password: u.password, isUtf8: '1' }).toString();
        const posted = await send(`${u.name} forms sign-in at ${s.fqdn}`, `${origin}${forms}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form }, [u.password]);
        const cookies = ([] as string[]).concat(posted.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
        if (cookies) await send(`${u.name} /owa/ with a forms session at ${s.fqdn}`, `${origin}/owa/`, { headers: { cookie: cookies } }, []);
        // Basic on OWA and EAS (the request carries the password), NTLM on every Integrated vdir (it never does).
        await send(`${u.name} /owa/ Basic at ${s.fqdn}`, `${origin}/owa/`, { headers: { authorization: basic(login, u.password) } }, [u.password]);
        await send(`${u.name} EAS FolderSync Basic at ${s.fqdn}`, `${origin}/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=${u.samAccountName}&DeviceId=PW${u.samAccountName.replace(/[^A-Za-z0-9]/g, '')}&DeviceType=SmartPhone`, {
          method: 'POST', headers: { authorization: basic(u.samAccountName, u.password), 'content-type': 'application/vnd.ms-sync.wbxml', 'ms-asprotocolversion': '14.1' }, body: FOLDER_SYNC_REQUEST,
        }, [u.password]);
        const ntlm: [string, string, string, Record<string, string>, string | undefined][] = [
          ['OWA', 'GET', '/owa/', {}, undefined],
          ['EWS', 'POST', '/EWS/Exchange.asmx', { 'content-type': 'text/xml; charset=utf-8' }, getFolderBody()],
          ['Autodiscover', 'POST', '/Autodiscover/Autodiscover.xml', { 'content-type': 'text/xml; charset=utf-8' }, outlookRequestBody(u.email)],
          ['OAB', 'GET', `/OAB/${OAB_GUID}/oab.xml`, {}, undefined],
        ];
        for (const [label, method, path, headers, body] of ntlm) {
          const session = new NtlmSession(origin, { connect: { ...connect, servername: s.fqdn } });
          try {
            const r = await session.authenticate(path, { user: u.samAccountName, password: u.password, domain: 'CONTOSO', method, headers, ...(body ? { body } : {}) });
            seen.push({ what: `${u.name} ${label} NTLM at ${s.fqdn}`, status: r.status, headers: r.headers, body: r.body, sent: [] });
            // The same connection, no Authorization: IIS serves it as the connection's user.
            const again = await session.request(path, { method, headers, ...(body ? { body } : {}) });
            seen.push({ what: `${u.name} ${label} again on the NTLM connection at ${s.fqdn}`, status: again.status, headers: again.headers, body: again.body, sent: [] });
          } finally {
            await session.close();
          }
        }
      }
    }
    const passwords = lab.topology.users.map((u) => ({ name: u.name, password: u.password }));
    const leaks = seen.flatMap((s) => passwords.filter((p) => !s.sent.includes(p.password) && (s.body.includes(p.password) || flat(s.headers).includes(p.password))).map((p) => `${s.what} (${s.status}): ${p.name}'s password`));
    expect(seen.length).toBeGreaterThan(200);
    expect(leaks).toEqual([]);
    // The silent redirect still reaches the legacy namespace: after a forms sign-in it posts what was typed;
    // after NTLM it opens the target without credentials.
    const purpleForms = seen.find((s) => s.what === 'Purple forms sign-in at cas2010.site1.contoso.lab')!;
    expect(purpleForms.status).toBe(200);
    expect(purpleForms.body).toContain('name="password"');
    const purpleNtlm = seen.find((s) => s.what === 'Purple OWA NTLM at cas2010.site1.contoso.lab')!;
    expect(purpleNtlm.status).toBe(200);
    expect(purpleNtlm.body).toContain('method="GET"');
    expect(purpleNtlm.body).not.toContain('name="password"');
  });

  test('answers for a user name that user: X-Lab-Served-User, the body token, and the upstream connection in the journal', async () => {
    const served = seen.filter((s) => s.status === 200 && s.headers['x-lab-served-user'] !== undefined);
    expect(served.length).toBeGreaterThan(50);
    const userData = (s: Seen) => /FolderSync/.test(s.what) || s.body.includes('ResponseClass="Success"') || s.body.includes('<DisplayName>') || s.body.includes('id="mailbox"') || s.body.includes('redirectForm');
    let tokens = 0;
    for (const s of served) {
      const name = s.what.split(' ')[0]!;
      const sam = lab.topology.users.find((u) => u.name === name)!.samAccountName;
      expect(s.headers['x-lab-served-user'], s.what).toBe(sam);
      if (userData(s)) {
        tokens++;
        expect(s.body, s.what).toContain(`lab-served-user=${sam}`);
      }
    }
    expect(tokens).toBeGreaterThan(20);
    // Answers nobody was authenticated for carry no served user.
    expect(seen.filter((s) => s.status === 401 && s.headers['x-lab-served-user'] !== undefined).map((s) => s.what)).toEqual([]);
    const events = lab.journal.all().filter((e): e is HttpEvent => e.kind === 'http');
    expect(events.every((e) => typeof e.connection === 'number' && e.connection > 0)).toBe(true);
    // An NTLM handshake and the request after it share one connection of the mock.
    const reused = events.filter((e) => e.authScheme === 'NTLM (connection)');
    expect(reused.length).toBeGreaterThan(0);
    for (const e of reused.slice(0, 10)) {
      expect(events.some((x) => x.server === e.server && x.connection === e.connection && x.seq < e.seq && x.authScheme === 'NTLM' && x.user === e.user)).toBe(true);
    }
  });
});
