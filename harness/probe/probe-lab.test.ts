/**
 * The probe against mock CAS servers of a running lab (`contoso`, as `lab up` starts it), through
 * the command line: probe, then probe diff against the same build (0 differences) and another
 * build (the version-dependent fields listed), and, from the mocks' journal, that the probe sent
 * only GET, HEAD, OPTIONS and the unauthenticated Autodiscover POST, to the one host given.
 * Starts labs: run under the shared lock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startLab, type Lab } from '../lab/lab.ts';
import { labLookup } from '../clients/lab-agent.ts';
import { main } from '../cli/main.ts';
import type { HttpEvent, JournalEvent } from '../journal/events.ts';
import { runProbe } from './probe.ts';
import { PASSWORD_ENV } from './password.ts';
import { ProbeDoc } from './schema.ts';

let lab: Lab;
let dir: string;
let stateFile: string;
const CAS2007 = 'cas2007.site1.contoso.lab';
const CAS2010 = 'cas2010.site1.contoso.lab';

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  stateFile = join(lab.stateDir, 'state.json');
  dir = mkdtempSync(join(tmpdir(), 'probe-lab-'));
});
afterAll(async () => {
  await lab?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  rmSync(lab?.stateDir ?? '/nonexistent', { recursive: true, force: true });
});

/** Run the CLI in process; returns the exit code and what it printed. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const keep = (...a: unknown[]) => void lines.push(a.map(String).join(' '));
  const log = vi.spyOn(console, 'log').mockImplementation(keep);
  const err = vi.spyOn(console, 'error').mockImplementation(keep);
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return { code: await main(args), out: lines.join('\n') };
  } finally {
    log.mockRestore();
    err.mockRestore();
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

function mailArgs(fqdn: string): string[] {
  const p = lab.mock(fqdn).ports;
  return ['--imap', `${fqdn}:${p['imap4:tls']}:TLS`, '--pop3', `${fqdn}:${p['pop3:ssl']}:SSL`];
}

describe('probe and probe diff against the mocks of a lab (acceptance)', () => {
  it('CAS2007 SP3: probe, then diff against 2007-sp3 (0 differences) and against 2010-sp2-ru1 (version fields listed)', { timeout: 120_000 }, async () => {
    const f = join(dir, 'cas2007.json');
    const probed = await cli(['probe', lab.origin(CAS2007), '--state', stateFile, ...mailArgs(CAS2007), '--out', f]);
    expect(probed.out).toMatch(/X-OWA-Version 8\.3\.83\.6 \(Exchange 2007 SP3\)/);
    expect(probed.code).toBe(0);
    const doc = ProbeDoc.parse(JSON.parse(readFileSync(f, 'utf8')));
    expect(doc.redacted).toBe(true);
    expect(readFileSync(f, 'utf8')).not.toMatch(/contoso|cas2007/i);

    const same = await cli(['probe', 'diff', f, '--build', 'auto']);
    expect(same.out).toMatch(/^0 difference\(s\) in \d+ fields compared$/m);
    expect(same.code).toBe(0);
    // The same server in a lab of the same topology: not even a deployment fact differs.
    const twin = await cli(['probe', 'diff', f, '--build', 'auto', '--topology', 'contoso']);
    expect(twin.out).toMatch(/^0 difference\(s\)/m);
    expect(twin.out).not.toMatch(/deployment facts/);
    const fixture = await cli(['probe', 'diff', f, '--against-fixture']);
    expect(fixture.out).toMatch(/^0 difference\(s\)/m);
    expect(fixture.code).toBe(0);

    const other = await cli(['probe', 'diff', f, '--build', '2010-sp2-ru1']);
    expect(other.code).toBe(1);
    for (const field of ['http.owa.root.headers.x-owa-version', 'http.owa.logon.title', 'http.owa.logon.formAction', 'http.owa.logon.resourceFolders', 'http.presence.ecp']) {
      expect(other.out).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}\\s.*\\sbuild\\s+\\S`, 'm'));
    }
    expect(other.out).toMatch(/x-owa-version\s+8\.3\.83\.6\s+14\.2\.283\.3\s+build\s+OWA-08, OWA-09, VER-01/);
  });

  it('CAS2010 SP2 RU1 with credentials: 0 differences against its build, version fields against 2007-sp3', { timeout: 120_000 }, async () => {
    const f = join(dir, 'cas2010.json');
    const probed = await cli(['probe', lab.origin(CAS2010), '--state', stateFile, ...mailArgs(CAS2010), '--user', 'CONTOSO\\red', '--out', f], { [PASSWORD_ENV]: 'Red-P@ss1' });
    expect(probed.code).toBe(0);
    const text = readFileSync(f, 'utf8');
    expect(text).not.toContain('Red-P@ss1');
    expect(text).not.toMatch(/\bred\b/i);
    const doc = ProbeDoc.parse(JSON.parse(text));
    expect(doc.authenticated?.eas.options).toMatchObject({ status: 200, auth: 'NTLM', headers: { 'ms-asprotocolversions': '2.0,2.1,2.5,12.0,12.1,14.0,14.1' } });

    const same = await cli(['probe', 'diff', f, '--build', 'auto']);
    expect(same.out).toMatch(/^0 difference\(s\)/m);
    expect(same.code).toBe(0);

    const other = await cli(['probe', 'diff', f, '--build', '2007-sp3', '--json']);
    expect(other.code).toBe(1);
    const d = JSON.parse(other.out) as { differences: { path: string; cls: string; rules: string[] }[] };
    const build = d.differences.filter((x) => x.cls === 'build').map((x) => x.path);
    expect(build).toEqual(expect.arrayContaining(['http.owa.root.headers.x-owa-version', 'http.presence.powershell', 'authenticated.eas.options.headers.ms-asprotocolversions']));
  });

  it('bad input: one clear line and exit 2', async () => {
    expect((await cli(['probe', 'http://cas01.probe.lab'])).code).toBe(2);
    const r = await cli(['probe', 'diff', join(dir, 'missing.json'), '--build', 'auto']);
    expect(r.code).toBe(2);
    expect(r.out.split('\n')).toHaveLength(1);
    expect((await cli(['probe', 'diff', join(dir, 'missing.json')])).out).toMatch(/needs --build/);
  });
});

describe('what the probe sends (from the mocks journal)', () => {
  it('only GET, HEAD, OPTIONS and the unauthenticated Autodiscover POST, all to the host given', { timeout: 60_000 }, async () => {
    const since = lab.journal.seq;
    const p = lab.mock(CAS2010).ports;
    const { doc, connections } = await runProbe({
      url: lab.origin(CAS2010),
      tls: { lookup: labLookup(lab.hosts()), ca: lab.trustBundle() },
      credentials: { domain: 'CONTOSO', user: 'red', password: 'Red-P@ss1' },
      imap: { host: CAS2010, port: p['imap4:ssl']!, implicitTls: true },
      pop3: { host: CAS2010, port: p['pop3:tls']!, implicitTls: false },
    });
    expect(doc.errors).toEqual([]);
    // A mail session is journaled when it closes, which may be just after the probe returns.
    for (const protocol of ['imap4', 'pop3']) await lab.journal.waitFor((e) => e.kind === 'mail' && e.protocol === protocol, { sinceSeq: since, timeoutMs: 5000 });
    const events: JournalEvent[] = lab.journal.since(since);
    const http = events.filter((e): e is HttpEvent => e.kind === 'http');
    expect(http.length).toBeGreaterThan(25);
    expect(http.length).toBeLessThan(60);
    // Nothing reached another server, and no mock hopped on the probe's behalf.
    expect(events.filter((e) => e.server !== CAS2010).map((e) => `${e.kind} ${e.server}`)).toEqual([]);
    expect(events.filter((e) => e.kind === 'hop')).toEqual([]);
    const bad = http.filter((e) => !['GET', 'HEAD', 'OPTIONS'].includes(e.method) && !(e.method === 'POST' && e.path === '/Autodiscover/Autodiscover.xml' && e.authScheme === null));
    expect(bad.map((e) => `${e.method} ${e.path} ${e.authScheme}`)).toEqual([]);
    expect(http.filter((e) => e.method === 'POST')).toHaveLength(1);
    // Credentials only on the user's own EAS OPTIONS and EWS GETs; never a sign-in form.
    expect(new Set(http.filter((e) => e.authScheme).map((e) => `${e.method} ${e.path}`))).toEqual(new Set(['OPTIONS /Microsoft-Server-ActiveSync', 'GET /EWS/Exchange.asmx', 'GET /EWS/types.xsd']));
    expect(http.filter((e) => e.formFields.length)).toEqual([]);
    // Mail: banners and capabilities only, no login.
    const mail = events.filter((e) => e.kind === 'mail');
    expect(mail).toHaveLength(2);
    for (const m of mail) {
      expect(m).toMatchObject({ login: 'none', user: null });
      if (m.kind === 'mail') expect(m.commands.filter((c) => /LOGIN|AUTH|USER|PASS/i.test(c))).toEqual([]);
    }
    // The probe's own record of its connections: the target only, nothing refused.
    expect(connections.length).toBeGreaterThan(3);
    expect(connections.filter((c) => c.host !== CAS2010 || c.refused)).toEqual([]);
  });
});
