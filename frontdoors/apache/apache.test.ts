import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { createApacheFrontDoor } from '../../harness/frontdoor/adapters/apache.ts';
import { easOptionsThrough, processesMentioning } from '../../harness/frontdoor/adapters/test-support.ts';
import type { LaunchOptions } from '../../harness/frontdoor/launcher.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import { findBinary, type HopTarget } from '../shared/index.ts';
import { renderApacheConfig } from './apache-config.ts';

const installed = !!(findBinary('apache2') ?? findBinary('httpd'));
if (!installed) console.warn('apache tests skipped: apache2 is not installed (apt-get install apache2)');

const LAUNCH: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} };

function target(fqdn: string, address: string, vdirs: string[]): HopTarget {
  return { fqdn, address, httpsPort: 44481, product: 2010, build: '2010-sp2-ru1', vdirs, imap4: [], pop3: [], server: {} as HopTarget['server'] };
}

describe('renderApacheConfig', () => {
  const base = {
    runDir: '/run/x', listenAddress: '127.0.1.10', httpsPort: 8443, namespaces: ['mail.contoso.lab', 'autodiscover.contoso.lab'],
    certFile: '/c.crt', keyFile: '/c.key', caFile: '/ca.crt', healthIntervalMs: 1000, modulesDir: '/m', runAs: null,
    targets: [target('cas2010.site1.contoso.lab', '127.0.1.11', ['owa', 'eas']), target('cas2007.site1.contoso.lab', '127.0.1.12', ['owa'])],
  };
  test('one balancer per vdir, primary first, the others hot standby, hops by FQDN', () => {
    const text = renderApacheConfig({ ...base, byName: true });
    expect(text).toMatch(/BalancerMember "https:\/\/cas2010\.site1\.contoso\.lab:44481" keepalive=On/);
    expect(text).toMatch(/BalancerMember "https:\/\/cas2007\.site1\.contoso\.lab:44481" status=\+H/);
    expect(text).toContain('ProxyPassMatch "(?i)^(/Microsoft-Server-ActiveSync(?:/.*)?)$" "balancer://eas$1"');
    expect(text).toContain('hcmethod=GET hcuri=/owa/ hcinterval=1000ms');
    expect(text).toContain('ServerAlias autodiscover.contoso.lab');
    expect(text).toContain('# ews: no CAS of the site has it');
    expect(text).not.toMatch(/\{\{/);
  });
  test('falls back to addresses when names cannot resolve', () => {
    expect(renderApacheConfig({ ...base, byName: false })).toMatch(/BalancerMember "https:\/\/127\.0\.1\.11:44481"/);
  });
  test('a site without CAS is an error, not an empty proxy', () => {
    expect(() => renderApacheConfig({ ...base, byName: true, targets: [] })).toThrow(/no CAS/);
  });
});

describe.skipIf(!installed)('apache front door (real httpd)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  test('proxies Red\'s EAS OPTIONS to cas2010.site1 by FQDN and stops without leftovers', async () => {
    const handle = await createApacheFrontDoor().start(lab, LAUNCH);
    const runDir = join(lab.stateDir, 'frontdoor-apache');
    try {
      expect(handle.version).toMatch(/^Apache\/2\./);
      expect(handle.configDigest).toMatch(/^[0-9a-f]{16}$/);
      const since = lab.journal.seq;
      const r = await easOptionsThrough(lab, handle, 'Red');
      expect(r.status).toBe(200);
      const seen = await lab.journal.waitFor((e) => e.kind === 'http' && e.vdir === 'eas' && e.method === 'OPTIONS' && e.user === 'red', { timeoutMs: 5000, sinceSeq: since });
      expect(seen.server).toBe('cas2010.site1.contoso.lab');
      expect(seen.kind === 'http' && seen.sni).toBe('cas2010.site1.contoso.lab');
      expect(seen.kind === 'http' && seen.host.split(':')[0]).toBe('cas2010.site1.contoso.lab');
      expect(processesMentioning(runDir).length).toBeGreaterThan(0);
    } finally {
      await handle.stop();
    }
    expect(processesMentioning(runDir)).toEqual([]);
    expect(handle.output()).toMatch(/caught SIGTERM|AH00491/);
  });

  test('a config httpd rejects is a FrontDoorLaunchError in httpd\'s words', async () => {
    const err = await createApacheFrontDoor({ extraConfig: 'NotAnApacheDirective on' }).start(lab, LAUNCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect(String((err as Error).message)).toMatch(/Invalid command 'NotAnApacheDirective'/);
  });

  test('a taken HTTPS port is named', async () => {
    const s = lab.state();
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(s.frontDoor.ports.https, s.frontDoor.address, () => r()));
    try {
      const err = await createApacheFrontDoor().start(lab, LAUNCH).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FrontDoorLaunchError);
      expect((err as Error).message).toContain(`${s.frontDoor.address}:${s.frontDoor.ports.https} (https) is already in use`);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    expect(readFileSync(join(lab.stateDir, 'frontdoor-apache', 'httpd.conf'), 'utf8')).toContain('SSLProxyEngine on');
  });
});
