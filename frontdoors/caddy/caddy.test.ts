import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { createCaddyFrontDoor } from '../../harness/frontdoor/adapters/caddy.ts';
import { easOptionsThrough, processesMentioning } from '../../harness/frontdoor/adapters/test-support.ts';
import type { LaunchOptions } from '../../harness/frontdoor/launcher.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import { findBinary, type HopTarget } from '../shared/index.ts';
import { renderCaddyConfig } from './caddy-config.ts';

const installed = !!findBinary('caddy');
if (!installed) console.warn('caddy tests skipped: caddy is not installed (apt-get install caddy)');

const LAUNCH: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} };

function target(fqdn: string, address: string, vdirs: string[]): HopTarget {
  return { fqdn, address, httpsPort: 44481, product: 2010, build: '2010-sp2-ru1', vdirs, imap4: [], pop3: [], server: {} as HopTarget['server'] };
}

describe('renderCaddyConfig', () => {
  const base = {
    runDir: '/run/x', listenAddress: '127.0.1.10', httpsPort: 8443, namespaces: ['mail.contoso.lab', 'autodiscover.contoso.lab'],
    certFile: '/c.crt', keyFile: '/c.key', caFile: '/ca.crt', healthIntervalMs: 1000,
    targets: [target('cas2010.site1.contoso.lab', '127.0.1.11', ['owa', 'eas']), target('cas2007.site1.contoso.lab', '127.0.1.12', ['owa'])],
  };
  test('one reverse_proxy per vdir: primary then backups, 302 means a healthy OWA, Host is the CAS', () => {
    const text = renderCaddyConfig({ ...base, byName: true });
    expect(text).toContain('https://mail.contoso.lab:8443, https://autodiscover.contoso.lab:8443 {');
    expect(text).toContain('to https://cas2010.site1.contoso.lab:44481 https://cas2007.site1.contoso.lab:44481');
    expect(text).toContain('@eas path_regexp eas (?i)^(/Microsoft-Server-ActiveSync)(/|$)');
    expect(text).toMatch(/health_uri \/owa\/\n\t+health_status 2xx\n\t+health_interval 1000ms/);
    expect(text).toContain('header_up Host {upstream_hostport}');
    expect(text).toContain('# ews: no CAS of the site has it');
    expect(text).not.toMatch(/\{\{/);
  });
  test('falls back to addresses when names cannot resolve', () => {
    expect(renderCaddyConfig({ ...base, byName: false })).toContain('to https://127.0.1.11:44481 https://127.0.1.12:44481');
  });
});

describe.skipIf(!installed)('caddy front door (real caddy)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  test('proxies Red\'s EAS OPTIONS to cas2010.site1 by FQDN and stops without leftovers', async () => {
    const handle = await createCaddyFrontDoor().start(lab, LAUNCH);
    const runDir = join(lab.stateDir, 'frontdoor-caddy');
    try {
      expect(handle.version).toMatch(/^Caddy 2\./);
      expect(handle.configDigest).toMatch(/^[0-9a-f]{16}$/);
      const since = lab.journal.seq;
      const r = await easOptionsThrough(lab, handle, 'Red');
      expect(r.status).toBe(200);
      const seen = await lab.journal.waitFor((e) => e.kind === 'http' && e.vdir === 'eas' && e.method === 'OPTIONS' && e.user === 'red', { timeoutMs: 5000, sinceSeq: since });
      expect(seen.server).toBe('cas2010.site1.contoso.lab');
      expect(seen.kind === 'http' && seen.sni).toBe('cas2010.site1.contoso.lab');
      expect(seen.kind === 'http' && seen.host.split(':')[0]).toBe('cas2010.site1.contoso.lab');
      // Active health checks run at the fast interval with the 2013 probe's User-Agent.
      const probe = await lab.journal.waitFor((e) => e.kind === 'http' && e.userAgent === 'HttpProxy.ClientAccessServer2010Ping' && e.vdir === 'owa', { timeoutMs: 5000, sinceSeq: since });
      expect(probe.server).toMatch(/\.site1\.contoso\.lab$/);
    } finally {
      await handle.stop();
    }
    expect(processesMentioning(runDir)).toEqual([]);
    expect(handle.output()).toMatch(/shutdown complete|exiting/);
  });

  test('a config caddy rejects is a FrontDoorLaunchError in caddy\'s words', async () => {
    const err = await createCaddyFrontDoor({ extraConfig: '\tnot_a_caddy_directive on' }).start(lab, LAUNCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect((err as Error).message).toMatch(/unrecognized directive: not_a_caddy_directive/);
  });
});
