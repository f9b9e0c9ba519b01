/**
 * The control API and the directory on real loopback sockets, without mocks: journal pages and their
 * cursor, bounded concurrent reads, and bad input answered 400/404 with the reason (issue 15).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { request } from 'node:http';
import { Journal } from '../journal/journal.ts';
import { FaultTable, MAX_FAULTS } from './faults.ts';
import { ControlClient, JOURNAL_READERS, PAGE_BYTES, startControlApi } from './control-api.ts';
import { startDirectory } from '../directory/directory.ts';
import { loadTopology } from '../topology/index.ts';

const topology = loadTopology('contoso');
const journal = new Journal();
const faults = new FaultTable();
const folderCalls: [string, unknown][] = [];
let ctl: Awaited<ReturnType<typeof startControlApi>>;
let dir: Awaited<ReturnType<typeof startDirectory>>;
const TOKEN = 'test-token';
const fqdn = topology.servers[0]!.fqdn;

beforeAll(async () => {
  for (let i = 0; i < 2500; i++) journal.record({ kind: 'fault', server: 'lab', action: 'inject', description: `e${i}` });
  journal.record({ kind: 'eventlog', server: fqdn, eventId: 42, source: 'MSExchange OWA', category: 'Proxy', level: 'Error', message: 'forty-two' });
  ctl = await startControlApi({ token: TOKEN, journal, topology, faults, reset: () => {}, setOwaFolders: (s, c) => (folderCalls.push([s, c]), ['14.2.247.5']) });
  dir = await startDirectory(topology, (_h, p) => p);
});
afterAll(async () => {
  await ctl?.close();
  await dir?.close();
});

/** A raw request (fetch would normalise a malformed path before sending it). */
function raw(base: string, method: string, path: string, body?: string): Promise<{ status: number; json: { error?: string } & Record<string, unknown>; headers: Record<string, unknown> }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('journal pages', () => {
  test('GET /journal answers at most `limit` events (default 1000) with a cursor; pages add up to the journal', async () => {
    const first = await raw(ctl.url, 'GET', '/journal?since=0');
    expect(first.status).toBe(200);
    expect((first.json.events as unknown[]).length).toBe(1000);
    expect(first.json).toMatchObject({ seq: 2501, next: 1000, more: true, count: 1000 });
    const all = await new ControlClient(ctl.url, TOKEN).journal({ since: 0, limit: 700 });
    expect(all.events.map((e) => e.seq)).toEqual(Array.from({ length: 2501 }, (_, i) => i + 1));
    expect(all.next).toBe(2501);
  });

  test('kind filters, /events pages the event log, limits outside 1..10000 are refused with the reason', async () => {
    const ev = await new ControlClient(ctl.url, TOKEN).journal({ path: '/events' });
    expect(ev.events.map((e) => e.kind)).toEqual(['eventlog']);
    const byKind = await raw(ctl.url, 'GET', '/journal?since=2400&kind=eventlog&limit=10');
    expect((byKind.json.events as { seq: number }[]).map((e) => e.seq)).toEqual([2501]);
    for (const q of ['limit=0', 'limit=10001', 'limit=abc', 'since=-1', 'since=1e3']) {
      const r = await raw(ctl.url, 'GET', `/journal?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.error, q).toMatch(/^query (limit|since) must be an integer/);
    }
  });

  test(`a page stops at ${PAGE_BYTES / 2 ** 20} MiB of JSON; its cursor names the last event written`, async () => {
    const j = new Journal();
    for (let i = 0; i < 3000; i++) j.record({ kind: 'fault', server: 'lab', action: 'inject', description: 'd'.repeat(4000) });
    const api = await startControlApi({ token: TOKEN, journal: j, topology, faults: new FaultTable(), reset: () => {}, setOwaFolders: () => [] });
    try {
      const first = await raw(api.url, 'GET', '/journal?since=0&limit=10000');
      const events = first.json.events as { seq: number }[];
      expect(events.length).toBeLessThan(3000);
      expect(first.json).toMatchObject({ count: events.length, next: events.at(-1)!.seq, more: true });
      const all = await new ControlClient(api.url, TOKEN).journal({ since: 0, limit: 10_000 });
      expect(all.events.map((e) => e.seq)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    } finally {
      await api.close();
    }
  });

  test(`at most ${JOURNAL_READERS} journal reads run at once; the rest get 429 with Retry-After`, async () => {
    for (let i = 0; i < 12_000; i++) journal.record({ kind: 'fault', server: 'lab', action: 'inject', description: 'x'.repeat(200) });
    const answers = await Promise.all(Array.from({ length: 12 }, () => raw(ctl.url, 'GET', '/journal?since=0&limit=10000')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const a of answers.filter((x) => x.status === 429)) expect(a.headers['retry-after']).toBe('1');
    // Slots are given back: a read afterwards is served.
    expect((await raw(ctl.url, 'GET', '/journal?since=0&limit=1')).status).toBe(200);
  });
});

describe('bad input: 400/404 with the reason, never 500', () => {
  test('bad percent-encoding in a path segment (directory and control API)', async () => {
    const u = await raw(dir.url, 'GET', '/users/%zz');
    expect(u.status).toBe(400);
    expect(u.json.error).toMatch(/path segment :login "%zz" has bad percent-encoding/);
    const f = await raw(ctl.url, 'DELETE', '/faults/%zz');
    expect(f.status).toBe(400);
    expect(f.json.error).toMatch(/:id "%zz" has bad percent-encoding/);
    expect((await raw(dir.url, 'GET', '/users/%E0%A4%A')).status).toBe(400);
    expect((await raw(dir.url, 'GET', '/users/nobody%40contoso.lab')).status).toBe(404);
  });

  test('POST /servers/:fqdn/owa-folders validates its body and the server', async () => {
    const cases: [string, string, number, RegExp][] = [
      [fqdn, '{"add":"abc"}', 400, /^add: /],
      [fqdn, '{"add":5}', 400, /^add: /],
      [fqdn, '{"add":["abc"]}', 400, /^add\[0\]: must be a build-numbered folder name/],
      [fqdn, '{"remove":[1]}', 400, /^remove\[0\]: /],
      [fqdn, '{"add":[],"other":1}', 400, /other/],
      [fqdn, '[]', 400, /object/],
      [fqdn, '', 400, /required/],
      ['nope.contoso.lab', '{"add":["14.2.247.5"]}', 404, /^:fqdn: no server "nope.contoso.lab"/],
    ];
    for (const [server, body, status, message] of cases) {
      const r = await raw(ctl.url, 'POST', `/servers/${server}/owa-folders`, body || undefined);
      expect(r.status, body).toBe(status);
      expect(r.json.error, body).toMatch(message);
    }
    expect(folderCalls).toEqual([]);
    const ok = await raw(ctl.url, 'POST', `/servers/${fqdn}/owa-folders`, '{"add":["14.2.247.5"]}');
    expect(ok.status).toBe(200);
    expect(folderCalls).toEqual([[fqdn, { add: ['14.2.247.5'] }]]);
  });

  test('faults: unknown server 404 with the path, a status fault without status 400, the table is bounded', async () => {
    const unknown = await raw(ctl.url, 'POST', '/faults', JSON.stringify({ server: 'nope', endpoint: 'owa', kind: 'delay' }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatch(/^server: no server "nope"/);
    const noStatus = await raw(ctl.url, 'POST', '/faults', JSON.stringify({ server: fqdn, endpoint: 'owa', kind: 'status' }));
    expect(noStatus.status).toBe(400);
    for (let i = 0; i < MAX_FAULTS; i++) faults.inject({ server: fqdn, endpoint: 'owa', kind: 'delay', delayMs: 1 });
    const full = await raw(ctl.url, 'POST', '/faults', JSON.stringify({ server: fqdn, endpoint: 'owa', kind: 'delay' }));
    expect(full.status).toBe(409);
    faults.clear();
  });
});
