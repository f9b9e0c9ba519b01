/**
 * HAProxy as a candidate front door (harness/frontdoor/adapters/haproxy.ts) in front of the real lab:
 * EAS reaches cas2010.site1 by FQDN, the per-vdir health checks keep 2007/2010 servers up (and a
 * 2013-style /owa/HealthCheck.htm check would not), a primary answering 503 to checks loses its
 * traffic to the backup, IMAPS is re-encrypted to the primary CAS, a config HAProxy rejects is a
 * FrontDoorLaunchError in HAProxy's words, and stop leaves no process. Skipped without haproxy.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request } from 'undici';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { createHaproxyFrontDoor } from '../../harness/frontdoor/adapters/haproxy.ts';
import type { CandidateHandle, LaunchOptions } from '../../harness/frontdoor/launcher.ts';
import type { HttpEvent, JournalEvent } from '../../harness/journal/events.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import { imapSession } from '../../harness/clients/imap.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { ntlmRequest } from '../../harness/clients/ntlm.ts';
import { basicFor, candidateAgent, candidateHosts, hasProxy, processesWith } from '../shared/test-support/launcher-kit.ts';

const HAVE = hasProxy('haproxy', 'apt-get install haproxy');
const O: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 300, options: {} };
const T = { timeoutMs: 5000 };
const CHECK_UA = 'HAProxy-Exchange-Check';
const isHttp = (server: string, method: string) => (e: JournalEvent): e is HttpEvent => e.kind === 'http' && e.server === server && e.method === method && e.userAgent !== CHECK_UA;
const isCheck = (server: string, vdir: string) => (e: JournalEvent): e is HttpEvent => e.kind === 'http' && e.server === server && e.vdir === vdir && e.userAgent === CHECK_UA;

describe.skipIf(!HAVE)('haproxy front door', () => {
  let lab: Lab;
  let fd: CandidateHandle;
  const options = (sam: string) => request(`https://mail.contoso.lab:${fd.ports.https}/Microsoft-Server-ActiveSync`, { method: 'OPTIONS', dispatcher: candidateAgent(lab, fd), headers: { authorization: basicFor(lab, sam) } });

  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
    fd = await createHaproxyFrontDoor().start(lab, O);
  });
  afterAll(async () => {
    await fd?.stop();
    await lab?.stop();
  });

  test('reports its identity', () => {
    expect(fd.version).toMatch(/^haproxy\/\d+\.\d+/);
    expect(fd.configDigest).toMatch(/^[0-9a-f]{16}$/);
  });

  test("Red's EAS OPTIONS reaches cas2010.site1 by FQDN (Host and SNI)", async () => {
    const since = lab.journal.seq;
    const res = await options('red');
    await res.body.text();
    expect(res.statusCode).toBe(200);
    const e = (await lab.journal.waitFor(isHttp('cas2010.site1.contoso.lab', 'OPTIONS'), { ...T, sinceSeq: since })) as HttpEvent;
    expect(e).toMatchObject({ vdir: 'eas', host: 'cas2010.site1.contoso.lab', sni: 'cas2010.site1.contoso.lab' });
  });

  test('health checks that legacy CAS answer as expected: GET /owa/ -> 302 on 2007 and 2010, EAS -> 401', async () => {
    const since = lab.journal.seq;
    for (const s of ['cas2010.site1.contoso.lab', 'cas2007.site1.contoso.lab']) {
      const owa = (await lab.journal.waitFor(isCheck(s, 'owa'), { ...T, sinceSeq: since })) as HttpEvent;
      expect(owa).toMatchObject({ method: 'GET', path: '/owa/', status: 302, host: s });
      const eas = (await lab.journal.waitFor(isCheck(s, 'eas'), { ...T, sinceSeq: since })) as HttpEvent;
      expect(eas.status).toBe(401);
    }
    // 2013's check path is a 404 on the legacy servers: that config would mark every CAS down.
    const hc = await request(`${lab.origin('cas2010.site1.contoso.lab')}/owa/HealthCheck.htm`, { dispatcher: lab.agent() });
    await hc.body.text();
    expect(hc.statusCode).toBe(404);
  });

  test('checks answered 503 on the primary: EAS goes to the backup CAS, and back once checks pass', async () => {
    const f = lab.faults.inject({ server: 'cas2010.site1.contoso.lab', endpoint: 'eas', kind: 'status', status: 503, userAgent: CHECK_UA });
    try {
      // fall 2: two failed checks, then the server is down; wait for the second 503 check, then one interval more.
      const first = await lab.journal.waitFor((e) => isCheck('cas2010.site1.contoso.lab', 'eas')(e) && (e as HttpEvent).status === 503, T);
      await lab.journal.waitFor((e) => isCheck('cas2010.site1.contoso.lab', 'eas')(e) && (e as HttpEvent).status === 503, { ...T, sinceSeq: first.seq });
      await lab.journal.waitFor(isCheck('cas2010.site1.contoso.lab', 'owa'), { ...T, sinceSeq: lab.journal.seq });
      const since = lab.journal.seq;
      const res = await options('purple');
      await res.body.text();
      await lab.journal.waitFor(isHttp('cas2007.site1.contoso.lab', 'OPTIONS'), { ...T, sinceSeq: since });
      expect(lab.journal.filter(isHttp('cas2010.site1.contoso.lab', 'OPTIONS'), since)).toEqual([]);
    } finally {
      lab.faults.clear(f.id);
    }
    // rise 2: two good checks bring the primary back.
    const good = (e: JournalEvent) => isCheck('cas2010.site1.contoso.lab', 'eas')(e) && (e as HttpEvent).status === 401;
    const g1 = await lab.journal.waitFor(good, { ...T, sinceSeq: lab.journal.seq });
    await lab.journal.waitFor(good, { ...T, sinceSeq: g1.seq });
    await lab.journal.waitFor(isCheck('cas2010.site1.contoso.lab', 'owa'), { ...T, sinceSeq: lab.journal.seq });
    const since = lab.journal.seq;
    const res = await options('red');
    await res.body.text();
    await lab.journal.waitFor(isHttp('cas2010.site1.contoso.lab', 'OPTIONS'), { ...T, sinceSeq: since });
  });

  // HAProxy marks a server connection that carried an NTLM/Negotiate 401 private: never reused for another client.
  test('a connection Purple authenticated by NTLM is not handed to an anonymous client', async () => {
    const pw = lab.topology.users.find((u) => u.samAccountName === 'purple')!.password;
    const r = await ntlmRequest(`https://mail.contoso.lab:${fd.ports.https}/EWS/Exchange.asmx`, { user: 'purple', password: pw, domain: 'CONTOSO', connect: { ca: lab.trustBundle(), lookup: labLookup(candidateHosts(lab, fd)) } });
    expect(r.status).toBe(200);
    const since = lab.journal.seq;
    const res = await request(`https://mail.contoso.lab:${fd.ports.https}/owa/`, { dispatcher: candidateAgent(lab, fd) });
    await res.body.text();
    const e = (await lab.journal.waitFor(isHttp('cas2010.site1.contoso.lab', 'GET'), { ...T, sinceSeq: since })) as HttpEvent;
    expect({ status: res.statusCode, user: e.user, location: res.headers.location }).toEqual({ status: 302, user: null, location: expect.stringMatching(/^\/owa\/auth\/logon\.aspx/) });
  });

  test('IMAPS: Red is re-encrypted to the SSL endpoint of cas2010.site1', async () => {
    const pw = lab.topology.users.find((u) => u.samAccountName === 'red')!.password;
    const since = lab.journal.seq;
    const r = await imapSession({ host: 'mail.contoso.lab', port: fd.ports.imaps, secure: true, starttls: 'never', ca: lab.trustBundle(), user: 'CONTOSO\\red', pass: pw, lookup: labLookup(candidateHosts(lab, fd)), timeoutMs: 10_000 });
    expect(r.ok, r.error).toBe(true);
    const ev = await lab.journal.waitFor((e) => e.kind === 'mail' && e.server === 'cas2010.site1.contoso.lab', { ...T, sinceSeq: since });
    expect(ev).toMatchObject({ method: 'ssl', sni: 'cas2010.site1.contoso.lab', login: 'ok' });
  });
});

describe.skipIf(!HAVE)('haproxy launcher errors and stop', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  test("a config HAProxy rejects is a FrontDoorLaunchError with HAProxy's words", async () => {
    const launcher = createHaproxyFrontDoor({ editConfig: (t) => t.replace('    balance source\n', '    balance source\n    bogus-keyword-xyz on\n') });
    const err = await launcher.start(lab, O).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect((err as Error).message).toMatch(/unknown keyword 'bogus-keyword-xyz'/);
  });

  test('stop leaves no haproxy process behind', async () => {
    const h = await createHaproxyFrontDoor().start(lab, O);
    const marker = `${lab.stateDir}/frontdoor-haproxy/haproxy.cfg`;
    expect(processesWith(marker).length).toBeGreaterThan(0);
    await h.stop();
    expect(processesWith(marker)).toEqual([]);
  });
});
