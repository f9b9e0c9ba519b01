/**
 * The EAS device against the mock CAS2010 in Site1 directly (no front door). That CAS plays 001's
 * first half: Orange's listed device gets "a 451 response ... notifying the device it needs to use a
 * new namespace, mail-region.contoso.com"; an unlisted one is proxied to CAS2010 in Site2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../lab/lab.ts';
import type { HopEvent, HttpEvent } from '../journal/events.ts';
import { EasDevice, FOLDER_SYNC_REQUEST } from './eas-device.ts';

let lab: Lab;
let agent: Agent;
let site1: string;
const user = (name: string) => lab.topology.users.find((u) => u.name === name)!;

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  agent = lab.agent();
  site1 = lab.origin('cas2010.site1.contoso.lab');
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

function device(name: string, deviceType: string, extra: { followLocation?: boolean; password?: string } = {}): EasDevice {
  const u = user(name);
  return new EasDevice({ dispatcher: agent, baseUrl: site1, user: u.samAccountName, password: extra.password ?? u.password, deviceId: `${name.toUpperCase()}0001`, deviceType, followLocation: extra.followLocation });
}

describe('EasDevice against CAS2010 Site1', () => {
  it('Red: OPTIONS 200 with MS-ASProtocolVersions; FolderSync answers WBXML', async () => {
    const d = device('Red', 'iPhone');
    const r = await d.options();
    expect(r.status).toBe(200);
    expect(String(r.headers['ms-asprotocolversions'])).toContain('14.1');
    expect(r.location451).toBeUndefined();
    const f = await d.folderSync();
    expect(f.status).toBe(200);
    expect([...f.body.slice(0, 4)]).toEqual([0x03, 0x01, 0x6a, 0x00]);
    expect(JSON.stringify(f.transcript)).not.toContain(user('Red').password);
    expect(f.transcript.some((l) => l.line === 'MS-ASProtocolVersion: 14.1')).toBe(true);
  });

  it('Orange with a listed device type (WindowsPhone): 451 + X-MS-Location mail-region, reported when not followed', async () => {
    const since = lab.journal.seq;
    const r = await device('Orange', 'WindowsPhone', { followLocation: false }).options();
    expect(r.status).toBe(451);
    expect(new URL(r.location451!).hostname).toBe('mail-region.contoso.lab');
    expect(new URL(r.location451!).pathname).toBe('/Microsoft-Server-ActiveSync');
    expect(lab.journal.filter({ kind: 'hop' }, since)).toEqual([]);
  });

  it('Orange (WindowsPhone) following X-MS-Location reaches CAS2010 Site2, and stays there', async () => {
    const since = lab.journal.seq;
    const d = device('Orange', 'WindowsPhone');
    const r = await d.folderSync();
    expect(r.status).toBe(200);
    expect(new URL(r.location451!).hostname).toBe('mail-region.contoso.lab');
    expect(new URL(r.url).hostname).toBe('mail-region.contoso.lab');
    expect(new URL(d.baseUrl).hostname).toBe('mail-region.contoso.lab');
    const served = (await lab.journal.waitFor({ kind: 'http', server: 'cas2010.site2.contoso.lab', vdir: 'eas', decision: 'served' }, { timeoutMs: 2000, sinceSeq: since })) as HttpEvent;
    expect(served.host.split(':')[0]).toBe('mail-region.contoso.lab');
    const next = await d.sync();
    expect(next.status).toBe(200);
    expect(next.location451).toBeUndefined();
    expect(new URL(next.url).hostname).toBe('mail-region.contoso.lab');
    expect(d.followed).toHaveLength(1);
  });

  it('Orange with an unlisted device type (SmartPhone) is proxied to CAS2010 Site2', async () => {
    const since = lab.journal.seq;
    const d = device('Orange', 'SmartPhone');
    const r = await d.folderSync();
    expect(r.status).toBe(200);
    expect(r.location451).toBeUndefined();
    expect(new URL(r.url).hostname).toBe('cas2010.site1.contoso.lab');
    const hop = (await lab.journal.waitFor({ kind: 'hop', server: 'cas2010.site1.contoso.lab', targetServer: 'cas2010.site2.contoso.lab', protocol: 'eas' }, { timeoutMs: 2000, sinceSeq: since })) as HopEvent;
    expect(hop.status).toBe(200);
  });

  it('a wrong password is a 401 answer, not an exception', async () => {
    const r = await device('Red', 'iPhone', { password: 'wrong' }).options();
    expect(r.status).toBe(401);
    expect(r.transcript.some((l) => l.dir === 'S' && l.line.startsWith('WWW-Authenticate:'))).toBe(true);
  });

  it('checks its options', () => {
    expect(() => new EasDevice({ dispatcher: agent, baseUrl: 'ftp://x', user: 'a', password: 'b', deviceId: 'D1', deviceType: 'T' })).toThrow(/baseUrl/);
    expect(() => new EasDevice({ dispatcher: agent, baseUrl: site1, user: 'a', password: 'b', deviceId: 'bad id!', deviceType: 'T' })).toThrow(/deviceId/);
    expect(FOLDER_SYNC_REQUEST.byteLength).toBe(13);
  });
});
