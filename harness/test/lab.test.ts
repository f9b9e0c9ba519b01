/**
 * The lab as a whole, on real sockets with real clients: every vdir of every build against
 * PROTOCOL-FACTS.md, forms sign-in per build, faults, the control API, the directory, topology errors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request } from 'undici';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { startLab, type Lab } from '../lab/lab.ts';
import { ControlClient } from '../control/control-api.ts';
import { getBuild } from '../../mocks/builds/catalogue.ts';
import { parseTopology, defaultTopologyDocument } from '../topology/index.ts';
import { TopologyError } from '../errors.ts';
import { checkLab } from '../lab/check.ts';

let lab: Lab;
beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
});
afterAll(async () => {
  await lab?.stop();
});

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('vdirs of every build (PROTOCOL-FACTS.md)', () => {
  test('every server: /owa 302 to logon.aspx with reason=0, X-OWA-Version of its build, logon page title and form path', async () => {
    const agent = lab.agent();
    for (const s of lab.topology.servers) {
      const b = getBuild(s.build);
      const origin = lab.origin(s.fqdn);
      const r = await request(`${origin}/owa/`, { dispatcher: agent });
      await r.body.dump();
      expect(r.statusCode, s.fqdn).toBe(302);
      expect(String(r.headers.location)).toBe(`${origin}/owa/auth/logon.aspx?url=${encodeURIComponent(`${origin}/owa/`).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}&reason=0`);
      expect(r.headers['x-owa-version']).toBe(b.build);
      expect(r.headers['x-ua-compatible']).toBe('IE=EmulateIE7');
      const page = await request(String(r.headers.location), { dispatcher: agent });
      const html = await page.body.text();
      expect(html).toContain(`<title>${b.product === 2010 ? 'Outlook Web App' : 'Microsoft Exchange - Outlook Web Access'}</title>`);
      expect(html).toContain(`action="${b.product === 2010 ? '/owa/auth.owa' : '/owa/auth/owaauth.dll'}"`);
      for (const field of ['destination', 'flags', 'forcedownlevel', 'trusted', 'username', 'password', 'SubmitCreds']) expect(html).toContain(`name="${field}"`);
      expect(html.includes('name="isUtf8"')).toBe(b.product === 2010);
      const css = await request(`${origin}/owa/${b.owa.resourceFolder}/${b.owa.resources[0]}`, { dispatcher: agent });
      await css.body.dump();
      expect(css.statusCode).toBe(200);
    }
    await agent.close();
  });

  test('unauthenticated vdirs answer 401 with NTLM/Negotiate; EAS OPTIONS gives the build protocol headers; EWS the ServerVersionInfo', async () => {
    const agent = lab.agent();
    const s = lab.topology.servers.find((x) => x.fqdn === 'cas2010.site1.contoso.lab')!;
    const origin = lab.origin(s.fqdn);
    for (const [method, path] of [['HEAD', '/EWS'], ['HEAD', '/Microsoft-Server-ActiveSync/default.eas'], ['HEAD', '/OAB'], ['HEAD', '/ecp'], ['HEAD', '/PowerShell'], ['POST', '/Autodiscover/Autodiscover.xml'], ['RPC_IN_DATA', '/rpc/rpcproxy.dll']] as const) {
      const r = await request(origin + path, { method: method as 'HEAD', dispatcher: agent });
      await r.body.dump();
      expect(r.statusCode, path).toBe(401);
      expect(([] as string[]).concat(r.headers['www-authenticate'] ?? []).join(','), path).toMatch(/NTLM/);
    }
    const red = lab.topology.users.find((u) => u.name === 'Red')!;
    const opt = await request(`${origin}/Microsoft-Server-ActiveSync`, { method: 'OPTIONS', headers: { authorization: basic(red.samAccountName, red.password) }, dispatcher: agent });
    await opt.body.dump();
    expect(opt.statusCode).toBe(200);
    expect(opt.headers['ms-asprotocolversions']).toBe('2.0,2.1,2.5,12.0,12.1,14.0,14.1');
    expect(opt.headers.allow).toBe('OPTIONS,POST');
    const ews = await request(`${origin}/EWS/Exchange.asmx`, {
      method: 'POST', dispatcher: agent, headers: { authorization: basic(red.samAccountName, red.password), 'content-type': 'text/xml' },
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetFolder/></s:Body></s:Envelope>',
    });
    expect(await ews.body.text()).toContain('<h:ServerVersionInfo MajorVersion="14" MinorVersion="2" MajorBuildNumber="283" MinorBuildNumber="3" Version="Exchange2010_SP2"');
    await agent.close();
  });

  test('EAS 451 is sent without a reason phrase on the wire (MS-ASHTTP)', async () => {
    const orange = lab.topology.users.find((u) => u.name === 'Orange')!;
    const port = lab.ports.get('cas2010.site1.contoso.lab', 443);
    const raw = await new Promise<string>((resolve, reject) => {
      const s = tlsConnect({ host: '127.0.1.11', port, servername: 'cas2010.site1.contoso.lab', ca: lab.trustBundle() }, () => {
        s.write(`OPTIONS /Microsoft-Server-ActiveSync?User=orange&DeviceId=ORANGE0001&DeviceType=WindowsPhone HTTP/1.1\r\nHost: cas2010.site1.contoso.lab\r\nAuthorization: ${basic('orange', orange.password)}\r\nConnection: close\r\n\r\n`);
      });
      let buf = '';
      s.on('data', (d) => (buf += d.toString('latin1')));
      s.on('end', () => resolve(buf));
      s.on('error', reject);
    });
    // RFC 9112: status-line = HTTP-version SP status-code SP [ reason-phrase ]; the phrase is empty.
    expect(raw.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 451 ?$/);
    expect(raw).toMatch(/\r\nX-MS-Location: https:\/\/mail-region\.contoso\.lab(:\d+)?\/Microsoft-Server-ActiveSync\r\n/);
  });
});

describe('faults and the control API', () => {
  test('the control API refuses a missing or wrong token', async () => {
    for (const auth of [undefined, 'Bearer nope']) {
      const r = await fetch(`${lab.controlUrl}/journal`, { headers: auth ? { authorization: auth } : {} });
      expect(r.status).toBe(401);
    }
    const ok = await new ControlClient(lab.controlUrl, lab.controlToken).call<{ seq: number }>('GET', '/journal?since=0');
    expect(ok.seq).toBeGreaterThan(0);
  });

  test('a 503 fault injected on one vdir is answered, then cleared', async () => {
    const ctl = new ControlClient(lab.controlUrl, lab.controlToken);
    const agent = lab.agent();
    const origin = lab.origin('cas2010.site3.contoso.lab'.replace('site3', 'site2'));
    const f = await ctl.call<{ id: string }>('POST', '/faults', { server: 'cas2010.site2.contoso.lab', endpoint: 'ews', kind: 'status', status: 503 });
    const r1 = await request(`${origin}/EWS/Exchange.asmx`, { dispatcher: agent });
    await r1.body.dump();
    expect(r1.statusCode).toBe(503);
    const owa = await request(`${origin}/owa/`, { dispatcher: agent });
    await owa.body.dump();
    expect(owa.statusCode).toBe(302); // other vdirs unaffected
    await ctl.call('DELETE', `/faults/${f.id}`);
    const r2 = await request(`${origin}/EWS/Exchange.asmx`, { dispatcher: agent });
    await r2.body.dump();
    expect(r2.statusCode).toBe(401);
    await agent.close();
  });

  test('a delay fault: a client that gives up is journaled when it leaves (499, fault-delay-gave-up), one that waits gets the answer', async () => {
    const server = 'cas2010.site2.contoso.lab';
    const origin = lab.origin(server);
    const f = lab.faults.inject({ server, endpoint: 'ews', kind: 'delay', delayMs: 20_000, only: 'probes' });
    const agent = lab.agent();
    try {
      const since = lab.journal.seq;
      const left = performance.now();
      await expect(request(`${origin}/EWS`, { method: 'HEAD', dispatcher: agent, signal: AbortSignal.timeout(300) })).rejects.toThrow();
      // Journaled when the client closed, not when the 20 s hold would have ended.
      const e = await lab.journal.waitFor((x) => x.kind === 'http' && x.server === server && x.vdir === 'ews', { timeoutMs: 5_000, sinceSeq: since, what: 'the given-up check' });
      expect(performance.now() - left).toBeLessThan(5_000);
      expect(e).toMatchObject({ status: 499, decision: 'fault-delay-gave-up' });
      expect((e as { durationMs: number }).durationMs).toBeLessThan(5_000);
    } finally {
      lab.faults.clear(f.id);
    }
    const short = lab.faults.inject({ server, endpoint: 'ews', kind: 'delay', delayMs: 200, only: 'probes' });
    try {
      const r = await request(`${origin}/EWS`, { method: 'HEAD', dispatcher: agent });
      await r.body.dump();
      expect(r.statusCode).toBe(401);
    } finally {
      lab.faults.clear(short.id);
      await agent.close();
    }
  });

  test('a bad fault is refused with the JSON path', async () => {
    await expect(new ControlClient(lab.controlUrl, lab.controlToken).call('POST', '/faults', { server: 'cas2010.site2.contoso.lab', endpoint: 'nope', kind: 'status' })).rejects.toThrow(/endpoint/);
  });

  test('refuse and tls-failure faults on HTTPS, and recovery', async () => {
    const fqdn = 'cas2010.site2.contoso.lab';
    const port = lab.ports.get(fqdn, 443);
    const tryTls = () =>
      new Promise<string>((resolve) => {
        const s = tlsConnect({ host: '127.0.2.11', port, servername: fqdn, ca: lab.trustBundle() }, () => {
          s.destroy();
          resolve('ok');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      });
    lab.faults.inject({ server: fqdn, endpoint: 'https', kind: 'tls-failure' });
    await lab.mock(fqdn).applySocketFaults();
    expect(await tryTls()).not.toBe('ok');
    lab.faults.clear();
    expect(await tryTls()).toBe('ok');
    lab.faults.inject({ server: fqdn, endpoint: 'https', kind: 'refuse' });
    await lab.mock(fqdn).applySocketFaults();
    const refused = await new Promise<string>((resolve) => {
      const s = netConnect(port, '127.0.2.11', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
    });
    expect(refused).toBe('ECONNREFUSED');
    lab.faults.clear();
    await lab.mock(fqdn).applySocketFaults();
    expect(await tryTls()).toBe('ok');
  });

  test('malformed HTTP from a client gets 400 and the mock keeps serving', async () => {
    const port = lab.ports.get('cas2010.site1.contoso.lab', 443);
    const answer = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host: '127.0.1.11', port, servername: 'cas2010.site1.contoso.lab', ca: lab.trustBundle() }, () => s.write('GARBAGE \x00\x01 NOT HTTP\r\n\r\n'));
      let buf = '';
      s.on('data', (d) => (buf += d.toString('latin1')));
      s.on('close', () => resolve(buf));
      s.on('error', () => resolve(buf));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    const agent = lab.agent();
    const ok = await request(`${lab.origin('cas2010.site1.contoso.lab')}/owa/`, { dispatcher: agent });
    await ok.body.dump();
    expect(ok.statusCode).toBe(302);
    await agent.close();
  });
});

describe('directory', () => {
  test('users, servers with real ports, and the credential check', async () => {
    const users = (await (await fetch(`${lab.directoryUrl}/users/CONTOSO%5Cblue`)).json()) as { site: string; mailboxVersion: number };
    expect(users).toMatchObject({ site: 'Site3', mailboxVersion: 2010 });
    const s = (await (await fetch(`${lab.directoryUrl}/servers/cas2007.site3.contoso.lab`)).json()) as { ports: { https: number }; vdirs: { eas: { labInternalUrl: string } } };
    expect(s.ports.https).toBe(lab.ports.get('cas2007.site3.contoso.lab', 443));
    expect(new URL(s.vdirs.eas.labInternalUrl).hostname).toBe('cas2007-int.site3.contoso.lab');
    const red = lab.topology.users.find((u) => u.name === 'Red')!;
    expect((await fetch(`${lab.directoryUrl}/auth`, { method: 'POST', body: JSON.stringify({ user: 'red', password: red.password }) })).status).toBe(200);
    expect((await fetch(`${lab.directoryUrl}/auth`, { method: 'POST', body: JSON.stringify({ user: 'red', password: 'wrong' }) })).status).toBe(401);
  });
});

describe('topology validation', () => {
  test('every problem is reported with its JSON path', () => {
    const doc = defaultTopologyDocument('contoso') as Record<string, unknown> & { servers: Record<string, unknown>[]; users: Record<string, unknown>[] };
    doc.servers[1]!.build = '2007-sp9';
    doc.servers[2]!.isOutOfService = true;
    doc.users[0]!.mailboxServer = 'nowhere.contoso.lab';
    let err: unknown;
    try {
      parseTopology(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopologyError);
    const paths = (err as TopologyError).issues.map((i) => i.path);
    expect(paths).toContain('servers[1].build');
    expect(paths).toContain('users[0].mailboxServer');
  });
});

describe('lab check', () => {
  test('every endpoint of every mock answers as expected with real clients', async () => {
    const results = await checkLab(lab);
    const failed = results.filter((r) => !r.ok);
    expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
    expect(results.filter((r) => r.endpoint.startsWith('imap4')).length).toBeGreaterThan(10);
    expect(results.filter((r) => r.endpoint.startsWith('pop3')).length).toBeGreaterThan(10);
  }, 60_000);
});
