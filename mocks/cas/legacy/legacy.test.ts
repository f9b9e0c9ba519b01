/**
 * The seeds reproduced on the legacy tier alone (clients straight to a mock CAS, no front door):
 * 001's first half (a CAS2010 in Site1), 003 (Exchange 2007 proxy and redirect), 000 (the SP2 RU1
 * cookie), 002 (Event 46 and the copied folder) and 004 (Event 42).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../../harness/lab/lab.ts';
import { topologyForProfile, frontDoorMockFqdn } from '../../../harness/frontdoor/profile-topology.ts';
import { OwaBrowser } from '../../../harness/clients/owa-browser.ts';
import { EasDevice } from '../../../harness/clients/eas-device.ts';
import { findItemsForMailboxes, getFolder, getUserAvailability } from '../../../harness/clients/ews-client.ts';
import { ntlmRequest } from '../../../harness/clients/ntlm.ts';
import { labLookup } from '../../../harness/clients/lab-agent.ts';
import type { EventLogEvent, HttpEvent } from '../../../harness/journal/events.ts';
import { loadTopology } from '../../../harness/topology/index.ts';

const user = (lab: Lab, name: string) => lab.topology.users.find((u) => u.name === name || u.samAccountName === name)!;
const httpAt = (lab: Lab, since: number, server: string, who: string) => lab.journal.since(since).filter((e) => e.kind === 'http' && e.server === server && (e as HttpEvent).user === who) as HttpEvent[];
const events = (lab: Lab, since: number, id: number) => lab.journal.since(since).filter((e) => e.kind === 'eventlog' && (e as EventLogEvent).eventId === id) as EventLogEvent[];

async function owa(lab: Lab, server: string, name: string) {
  const u = user(lab, name);
  const b = new OwaBrowser({ dispatcher: lab.agent() });
  const r = await b.login(`${lab.origin(server)}/owa/`, `CONTOSO\\${u.samAccountName}`, u.password);
  return { r, b };
}

describe('001 first half: a CAS2010 in Site1 fronts the organisation', () => {
  let lab: Lab;
  const S1 = 'cas2010.site1.contoso.lab';
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(() => lab?.stop());

  test('OWA: Red served locally, Blue proxied to Site3, Purple silently redirected to legacy, Orange given the manual page', async () => {
    let since = lab.journal.seq;
    const red = await owa(lab, S1, 'Red');
    expect(red.r.body).toContain('data-user="red"');
    expect(lab.journal.since(since).filter((e) => e.kind === 'hop')).toEqual([]);
    since = lab.journal.seq;
    const blue = await owa(lab, S1, 'Blue');
    expect(blue.r.body).toContain('data-user="blue"');
    expect(new URL(blue.r.finalUrl).hostname).toBe(S1);
    expect(lab.journal.since(since).some((e) => e.kind === 'http' && /site3/.test(e.server) && (e as HttpEvent).user === 'blue')).toBe(true);
    const purple = await owa(lab, S1, 'Purple');
    expect(new URL(purple.r.finalUrl).hostname).toBe('legacy.contoso.lab');
    expect(purple.r.silentRedirects).toBe(1);
    expect(purple.r.body).toContain('data-user="purple"');
    since = lab.journal.seq;
    const orange = await owa(lab, S1, 'Orange');
    expect(orange.b.manualRedirectUrl && new URL(orange.b.manualRedirectUrl).hostname).toBe('mail-region.contoso.lab');
    expect(httpAt(lab, since, 'cas2010.site2.contoso.lab', 'orange')).toEqual([]);
  });

  test('EAS: Orange 451 for a listed device, proxied otherwise; Purple and Grey reach the CAS2007 InternalURL host', async () => {
    const o = user(lab, 'Orange');
    const listed = new EasDevice({ dispatcher: lab.agent(), baseUrl: lab.origin(S1), user: 'orange', password: o.password, deviceId: 'ORANGE0001', deviceType: 'WindowsPhone', followLocation: false });
    const r1 = await listed.options();
    expect(r1.status).toBe(451);
    expect(new URL(String(r1.headers['x-ms-location'])).hostname).toBe('mail-region.contoso.lab');
    const since = lab.journal.seq;
    const unlisted = new EasDevice({ dispatcher: lab.agent(), baseUrl: lab.origin(S1), user: 'orange', password: o.password, deviceId: 'ORANGE0002', deviceType: 'SmartPhone', followLocation: false });
    expect((await unlisted.options()).status).toBe(200);
    // The hop is two requests on one connection (NTLM negotiate, then the authenticated one).
    expect(httpAt(lab, since, 'cas2010.site2.contoso.lab', 'orange').filter((e) => e.status === 200).length).toBe(1);
    for (const [name, host] of [['Purple', 'cas2007-int.site1.contoso.lab'], ['Grey', 'cas2007-int.site3.contoso.lab']] as const) {
      const s2 = lab.journal.seq;
      const u = user(lab, name);
      const d = new EasDevice({ dispatcher: lab.agent(), baseUrl: lab.origin(S1), user: u.samAccountName, password: u.password, deviceId: `${name.toUpperCase()}1`, deviceType: 'iPhone', followLocation: false });
      expect((await d.options()).status).toBe(200);
      const seen = lab.journal.since(s2).find((e) => e.kind === 'http' && e.server.startsWith('cas2007.') && (e as HttpEvent).user === u.samAccountName) as HttpEvent;
      expect(seen.host.split(':')[0]).toBe(host);
    }
  });

  test('EWS: Blue proxied to Site3; NTLM wrong password and split handshake are refused', async () => {
    const blue = user(lab, 'Blue');
    const since = lab.journal.seq;
    const r = await getFolder(lab.agent(), `${lab.origin(S1)}/EWS/Exchange.asmx`, 'blue', blue.password);
    expect(r.status).toBe(200);
    expect(lab.journal.since(since).some((e) => e.kind === 'hop' && /site3/.test((e as { targetServer: string }).targetServer))).toBe(true);
    const connect = { ca: lab.trustBundle(), lookup: labLookup(lab.hosts()) };
    const ok = await ntlmRequest(`${lab.origin(S1)}/EWS/Exchange.asmx`, { user: 'red', password: user(lab, 'Red').password, domain: 'CONTOSO', connect });
    expect(ok.status).toBe(200);
    const wrong = await ntlmRequest(`${lab.origin(S1)}/EWS/Exchange.asmx`, { user: 'red', password: 'wrong', domain: 'CONTOSO', connect });
    expect(wrong.status).toBe(401);
    const split = await ntlmRequest(`${lab.origin(S1)}/EWS/Exchange.asmx`, { user: 'red', password: user(lab, 'Red').password, domain: 'CONTOSO', connect, splitHandshake: true });
    expect(split.status).toBe(401);
  });
});

describe('000: the SP2 RU1 user-context cookie', () => {
  let lab: Lab;
  const S1 = 'cas2010.site1.contoso.lab';
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(() => lab?.stop());

  test('RU1 -> SP2 fails with the seed text and Event 4999; RU1 -> RU1 and RU1 -> RU2 work; RU1 redirects Purple', async () => {
    let since = lab.journal.seq;
    const sp2 = await owa(lab, S1, 'v-2010-sp2');
    expect(sp2.r.status).toBe(500);
    expect(sp2.r.body).toContain('Invalid user context cookie found in proxy response');
    const e4999 = events(lab, since, 4999);
    expect(e4999.length).toBe(1);
    expect(e4999[0]!.message).toContain('E12, c-RTL-AMD64, 14.02.0283.003, OWA, M.E.Clients.Owa, M.E.C.O.C.ProxyUtilities.UpdateProxyUserContextIdFromResponse, M.E.C.O.Core.OwaAsyncOperationException, 413, 14.02.0283.003');
    since = lab.journal.seq;
    expect((await owa(lab, S1, 'Blue')).r.body).toContain('data-user="blue"'); // RU1 -> RU1 (Site3)
    expect((await owa(lab, S1, 'v-2010-sp2-ru2')).r.body).toContain('data-user="v-2010-sp2-ru2"'); // RU1 -> RU2 (the fix)
    expect(events(lab, since, 4999)).toEqual([]);
    expect(new URL((await owa(lab, S1, 'Purple')).r.finalUrl).hostname).toBe('legacy.contoso.lab'); // redirection is not affected
  });
});

describe('003: an Exchange 2007 SP3 Internet-facing CAS (the Hub runs SP3 too)', () => {
  let lab: Lab;
  let fd: string;
  beforeAll(async () => {
    lab = await startLab({ topology: topologyForProfile('contoso-2007', { profile: 'exchange2007', build: '2007-sp3' }) });
    fd = frontDoorMockFqdn(lab.topology);
  });
  afterAll(() => lab?.stop());

  test('OWA: User2 gets the manual page (Europe is Internet-facing); User3 is proxied into the Hub and sticks to the first CAS, failing over when it is down', async () => {
    const u2 = await owa(lab, fd, 'User2');
    expect(u2.b.manualRedirectUrl && new URL(u2.b.manualRedirectUrl).hostname).toBe('www.europe.contoso.lab');
    let since = lab.journal.seq;
    const first = await owa(lab, fd, 'User3');
    expect(first.r.body).toContain('data-user="user3"');
    const served = lab.journal.since(since).find((e) => e.kind === 'http' && /hub/.test(e.server) && (e as HttpEvent).user === 'user3')!.server;
    since = lab.journal.seq;
    await owa(lab, fd, 'User3');
    expect(lab.journal.since(since).filter((e) => e.kind === 'http' && /hub/.test(e.server) && (e as HttpEvent).user === 'user3').every((e) => e.server === served)).toBe(true);
    lab.faults.inject({ server: served, endpoint: 'owa', kind: 'status', status: 503 });
    try {
      since = lab.journal.seq;
      const again = await owa(lab, fd, 'User3');
      expect(again.r.body).toContain('data-user="user3"');
      expect(lab.journal.since(since).some((e) => e.kind === 'http' && /hub/.test(e.server) && e.server !== served && (e as HttpEvent).user === 'user3' && (e as HttpEvent).status === 200)).toBe(true);
    } finally {
      lab.faults.clear();
    }
  });

  test('EAS: User2 gets 451; EWS: a mailbox on RTM fails, Availability across sites is proxied, other multi-site requests refused', async () => {
    const u2 = user(lab, 'User2');
    const d = new EasDevice({ dispatcher: lab.agent(), baseUrl: lab.origin(fd), user: 'user2', password: u2.password, deviceId: 'USER20001', deviceType: 'SmartPhone', followLocation: false });
    expect((await d.options()).status).toBe(451);
    const url = `${lab.origin(fd)}/EWS/Exchange.asmx`;
    const onRtm = user(lab, 'mbx-2007-rtm');
    const r1 = await getFolder(lab.agent(), url, onRtm.samAccountName, onRtm.password);
    expect(r1.status).toBeGreaterThanOrEqual(400);
    const u3 = user(lab, 'User3');
    const two = ['user3@contoso.lab', 'user2@contoso.lab'];
    const avail = await getUserAvailability(lab.agent(), url, 'user3', u3.password, two);
    expect(avail.status).toBe(200);
    const find = await findItemsForMailboxes(lab.agent(), url, 'user3', u3.password, two);
    expect(find.responseCodes).toContain('ErrorProxyRequestNotAllowed');
  });
});

describe('002: an Exchange 2007 SP1 Internet-facing CAS', () => {
  let lab: Lab;
  let fd: string;
  beforeAll(async () => {
    lab = await startLab({ topology: topologyForProfile('contoso-2007', { profile: 'exchange2007', build: '2007-sp1' }) });
    fd = frontDoorMockFqdn(lab.topology);
  });
  afterAll(() => lab?.stop());

  test('002: SP1 proxying to RTM logs Event 46 without the RTM folder and works once it is copied; a newer target is refused', async () => {
    let since = lab.journal.seq;
    const rtm = await owa(lab, fd, 'v-2007-rtm');
    expect(rtm.r.status).toBeGreaterThanOrEqual(400);
    const e46 = events(lab, since, 46);
    expect(e46.length).toBe(1);
    expect(e46[0]!.message).toContain('which runs Exchange version "8.0.685.25"');
    lab.mock(fd).ctx.server.vdirs.owa.extraResourceFolders.push('8.0.685.25'); // 002's workaround: copy the highest folder
    lab.mock(fd).handlers.reset();
    since = lab.journal.seq;
    const copied = await owa(lab, fd, 'v-2007-rtm');
    expect(copied.r.body).toContain('data-user="v-2007-rtm"');
    expect(events(lab, since, 46)).toEqual([]);
    const newer = await owa(lab, fd, 'v-2007-sp3');
    expect(newer.r.status).toBeGreaterThanOrEqual(400);
    expect(newer.r.body).not.toContain('data-user=');
  });

});

describe('003: an RTM CAS does not proxy EWS; 003 Basic-only targets are not proxied to', () => {
  test('RTM front door refuses EWS for a Hub mailbox; contoso-basic refuses OWA and EAS for User3', async () => {
    const rtm = await startLab({ topology: topologyForProfile('contoso-2007', { profile: 'exchange2007', build: '2007-rtm' }) });
    try {
      const u3 = user(rtm, 'User3');
      const r = await getFolder(rtm.agent(), `${rtm.origin(frontDoorMockFqdn(rtm.topology))}/EWS/Exchange.asmx`, 'user3', u3.password);
      expect(r.responseCodes).toContain('ErrorProxyRequestNotAllowed');
    } finally {
      await rtm.stop();
    }
    const basic = await startLab({ topology: topologyForProfile('contoso-basic', { profile: 'exchange2007', build: '2007-sp3' }) });
    try {
      const fd = frontDoorMockFqdn(basic.topology);
      const since = basic.journal.seq;
      const o = await owa(basic, fd, 'User3');
      expect(o.r.status).toBeGreaterThanOrEqual(400);
      const u3 = user(basic, 'User3');
      const d = new EasDevice({ dispatcher: basic.agent(), baseUrl: basic.origin(fd), user: 'user3', password: u3.password, deviceId: 'USER30001', deviceType: 'SmartPhone', followLocation: false });
      const e = await d.options();
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(e.status).not.toBe(451);
      expect(basic.journal.since(since).filter((x) => x.kind === 'hop')).toEqual([]);
    } finally {
      await basic.stop();
    }
  });
});

describe('004: Event 42', () => {
  test('an http:// InternalUrl is refused with Event 42 unless AllowProxyingWithoutSsl; a 403 from the target is Event 42 too', async () => {
    const nossl = await startLab({ topology: 'contoso-nossl' });
    try {
      const since = nossl.journal.seq;
      const r = await owa(nossl, 'cas2010.site1.contoso.lab', 'Blue');
      expect(r.r.status).toBeGreaterThanOrEqual(400);
      expect(events(nossl, since, 42).length).toBe(1);
      expect(events(nossl, since, 42)[0]!.message).toContain('has been set to use "http://" (not using SSL) instead of "https://" (using SSL)');
      expect(nossl.journal.since(since).some((e) => e.kind === 'http' && e.server.includes('site3') && (e as HttpEvent).scheme === 'http')).toBe(false);
    } finally {
      await nossl.stop();
    }
    const doc = loadTopology('contoso-nossl');
    doc.organisation.allowProxyingWithoutSsl = true;
    const allowed = await startLab({ topology: doc });
    try {
      const since = allowed.journal.seq;
      const r = await owa(allowed, 'cas2010.site1.contoso.lab', 'Blue');
      expect(r.r.body).toContain('data-user="blue"');
      const hop = allowed.journal.since(since).find((e) => e.kind === 'http' && e.server.includes('site3') && (e as HttpEvent).user === 'blue') as HttpEvent;
      expect(hop.scheme).toBe('http');
      // 403 from the target OWA: Event 42 item 2.
      const { http, HttpResponse } = await import('msw');
      for (const s of ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']) allowed.mock(s).handlers.use(http.all('/owa/*', () => new HttpResponse('Forbidden', { status: 403 })));
      const s2 = allowed.journal.seq;
      allowed.mock('cas2010.site1.contoso.lab').ctx.affinity.clear();
      const f = await owa(allowed, 'cas2010.site1.contoso.lab', 'Blue');
      expect(f.r.status).toBeGreaterThanOrEqual(400);
      expect(events(allowed, s2, 42).length).toBe(1);
    } finally {
      await allowed.stop();
    }
  });
});
