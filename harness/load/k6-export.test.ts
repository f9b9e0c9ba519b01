/**
 * The exported k6 script is valid JavaScript (node --check on a copy with the k6 imports stubbed: k6
 * itself need not be installed), and its checks do what docs/load.md says: run against stubbed k6
 * modules, every operation of the rotation goes out, an answer naming another user counts as cross_user,
 * and teardown counts a journal event at a CAS outside the oracle's list as a misroute.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { topologyForProfile } from '../frontdoor/profile-topology.ts';
import { checkLoadPlan } from './limits.ts';
import { population } from './population.ts';
import { k6Script, writeK6Script } from './k6-export.ts';

const STUBS = `
const __g = globalThis;
class Counter { constructor(n) { this.n = n; __g.__counters[n] = 0; } add(v) { __g.__counters[this.n] += v; } }
const check = (res, checks) => { for (const [k, f] of Object.entries(checks)) __g.__checks.push([k, f(res)]); return true; };
const fail = (m) => { throw new Error(m); };
const encoding = { b64encode: (s) => Buffer.from(s).toString('base64') };
const http = { get: (u, p) => __g.__http('GET', u, null, p), post: (u, b, p) => __g.__http('POST', u, b, p), request: (m, u, b, p) => __g.__http(m, u, b, p) };
`;

function stubbed(script: string): string {
  const lines = script.split('\n');
  const kept = lines.filter((l) => !/^import .* from 'k6(\/[a-z]+)?';$/.test(l));
  expect(lines.length - kept.length).toBe(4);
  return STUBS + kept.join('\n');
}

/** Enough of k6's Selection for the script's formOf(). */
function html(body: string) {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(body);
  const attr = (tag: string, n: string) => new RegExp(`\\b${n}="([^"]*)"`, 'i').exec(tag)?.[1];
  const inputs = form ? [...form[2]!.matchAll(/<input\b([^>]*)>/gi)].map((m) => m[1]!) : [];
  const sel = (list: string[]) => ({
    size: () => list.length,
    each: (fn: (i: number, el: unknown) => void) => list.forEach((t, i) => fn(i, { attributes: () => Object.fromEntries(['name', 'type', 'value'].filter((k) => attr(t, k) !== undefined).map((k) => [k, { value: attr(t, k) }])) })),
  });
  return {
    find: () => ({
      first: () => (form ? {
        size: () => 1,
        attr: (n: string) => attr(form[1]!, n),
        find: (q: string) => sel(q.includes('password') ? inputs.filter((t) => /type="password"/i.test(t)) : inputs),
      } : { size: () => 0 }),
    }),
  };
}

describe('k6 export', () => {
  const t = topologyForProfile('contoso', { profile: 'exchange2013' });
  const plan = checkLoadPlan({ users: '6', seconds: '10' });
  const script = k6Script(t, population(t, plan.users, 'k6', true), plan);

  it('is valid JavaScript once the k6 modules are stubbed (node --check)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-export-'));
    try {
      const file = join(dir, 'load.mjs');
      writeFileSync(file, stubbed(script));
      const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      // and a broken copy is caught, so the check is not vacuous
      writeFileSync(file, stubbed(script).replace('export default function () {', 'export default function ( {'));
      expect(spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is written owner-only (it holds the users\' passwords)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-export-'));
    try {
      writeK6Script(join(dir, 'load.js'), script);
      expect(statSync(join(dir, 'load.js')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every operation of the rotation, counts cross-user answers and journal misroutes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k6-export-'));
    const g = globalThis as Record<string, unknown>;
    try {
      const file = join(dir, 'load.mjs');
      writeFileSync(file, stubbed(script));
      const calls: string[] = [];
      let servedAs = 'red';
      g.__counters = {};
      g.__checks = [];
      g.__ENV = { CAS_CONTROL_URL: 'http://control', CAS_CONTROL_TOKEN: 't' };
      g.__VU = 1;
      g.__http = (method: string, url: string, _body: unknown, params: { headers?: Record<string, string> } = {}) => {
        calls.push(`${method} ${url.replace(/\/\/[^@/]*@/, '//')}`);
        const res = (status: number, body: string, headers: Record<string, string> = {}) => ({ status, body, headers, url, html: () => html(body), json: (k?: string) => (k ? (JSON.parse(body) as Record<string, unknown>)[k] : JSON.parse(body)) });
        if (url.startsWith('http://control/journal?limit=1')) return res(200, JSON.stringify({ seq: 10 }));
        if (url.startsWith('http://control/journal')) {
          const ua = 'ExchangeServicesClient/14.02.0051.000 cas-load/1 (c6c6c6 u01)';
          return res(200, JSON.stringify({ next: 12, more: false, events: [
            { userAgent: ua, user: 'red', vdir: 'ews', server: 'cas2010.site1.contoso.lab' },
            { userAgent: ua, user: 'red', vdir: 'ews', server: 'cas2010.site2.contoso.lab' },
          ] }));
        }
        if (url.endsWith('/owa/') && method === 'GET') return res(200, '<form action="/owa/auth.owa" method="POST"><input name="username"><input type="password" name="password"><input type="hidden" name="destination" value="x"></form>');
        if (url.includes('/owa/')) return res(200, `<div id="mailbox" data-user="${servedAs}">`);
        expect(params.headers?.['User-Agent']).toMatch(/cas-load\/1 \(c6c6c6 u01\)/);
        return res(200, '<Response><ResponseCode>NoError</ResponseCode><Action>settings</Action></Response>', { 'X-Lab-Served-User': servedAs, 'MS-ASProtocolVersions': '14.1' });
      };
      const mod = (await import(pathToFileURL(file).href)) as { default: () => void; setup: () => { since: number | null }; teardown: (d: unknown) => void; options: { scenarios: { mailboxes: { rate: number } } } };
      expect(mod.options.scenarios.mailboxes.rate).toBe(6);
      const data = mod.setup();
      expect(data.since).toBe(10);
      for (let i = 0; i < 12; i++) {
        g.__ITER = i;
        mod.default();
      }
      expect(calls.some((c) => c.includes('/EWS/Exchange.asmx'))).toBe(true);
      expect(calls.some((c) => c.startsWith('OPTIONS') && c.includes('Microsoft-Server-ActiveSync'))).toBe(true);
      expect(calls.some((c) => c.includes('Cmd=Sync'))).toBe(true);
      expect(calls.some((c) => c.includes('/Autodiscover/Autodiscover.xml'))).toBe(true);
      expect(calls.some((c) => c.includes('/owa/auth.owa'))).toBe(true);
      expect((g.__checks as [string, boolean][]).filter(([, ok]) => !ok)).toEqual([]);
      expect((g.__counters as Record<string, number>).cross_user).toBe(0);
      servedAs = 'blue';
      g.__ITER = 1;
      mod.default();
      expect((g.__counters as Record<string, number>).cross_user).toBe(1);
      expect(() => mod.teardown(data)).toThrow(/1 misroute/);
      expect((g.__counters as Record<string, number>).misroutes).toBe(1);
    } finally {
      for (const k of ['__counters', '__checks', '__ENV', '__VU', '__ITER', '__http']) delete g[k];
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
