/**
 * Bring your own config and composites (issue 12), against a real lab: the template `--print-config`
 * prints, filled by a run, is that run's generated config (so a user's copy with one change is the
 * generated config with that change); the report-facing identity carries the exact text used; an
 * unknown placeholder is a launch error naming it; nginx+dovecot starts both products as one
 * candidate fronting HTTP and mail. Skipped where nginx or Dovecot is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLab, type Lab } from '../../lab/lab.ts';
import { createNginxFrontDoor } from './nginx.ts';
import { resolveLauncher } from '../registry.ts';
import '../adapters.ts';
import type { LaunchOptions } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { easOptionsThrough } from './test-support.ts';
import { hasProxy } from '../../../frontdoors/shared/test-support/launcher-kit.ts';

const HAVE = hasProxy('nginx', 'apt-get install nginx libnginx-mod-mail') && hasProxy('dovecot', 'apt-get install dovecot-imapd dovecot-pop3d');
const O: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} };
/** What differs between two starts of one lab: the auth_http service's port. */
const sameRun = (t: string) => t.replace(/http:\/\/127\.0\.0\.1:\d+\/auth/g, 'AUTH_URL');

describe.skipIf(!HAVE)('bring your own config, composites', () => {
  let lab: Lab;
  let dir: string;

  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
    dir = mkdtempSync(join(tmpdir(), 'byo-config-'));
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the printed template, filled by a run, is the generated config; a change in it is what runs', async () => {
    const template = await createNginxFrontDoor().printConfig!(lab, O);
    expect(template).toContain('listen {{LISTEN_ADDRESS}}:{{HTTPS_PORT}} ssl default_server;');
    expect(template).not.toMatch(/127\.0\.1\.\d+:\d{4,5}/);
    const generated = await createNginxFrontDoor().start(lab, O);
    const genText = generated.config![0]!.text;
    await generated.stop();
    expect(generated.config![0]!.origin).toBe('generated');

    const file = join(dir, 'my-nginx.conf');
    writeFileSync(file, template.replace('keepalive 16;', 'keepalive 2;'));
    const mine = await createNginxFrontDoor({ configTemplate: file }).start(lab, O);
    try {
      const used = mine.config![0]!;
      expect(used.origin).toBe(`template ${file}`);
      const body = (t: string) => sameRun(t.slice(t.indexOf('# nginx as the front door')));
      expect(body(used.text)).toBe(body(genText).replace('keepalive 16;', 'keepalive 2;'));
      expect(mine.configDigest).not.toBe(generated.configDigest);
      expect((await easOptionsThrough(lab, mine, 'Red')).status).toBe(200);
    } finally {
      await mine.stop();
    }
  });

  test('an unknown placeholder is a launch error naming it', async () => {
    const file = join(dir, 'typo.conf');
    writeFileSync(file, 'daemon off;\nlisten {{LISTEN_ADRESS}};\n');
    const err = await createNginxFrontDoor({ configTemplate: file }).start(lab, O).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect((err as Error).message).toMatch(/unknown placeholder \{\{LISTEN_ADRESS\}\} \(known: RUN_DIR, LISTEN_ADDRESS/);
  });

  test('nginx+dovecot: one candidate, HTTP to nginx and mail to Dovecot, both named', async () => {
    const h = await resolveLauncher('nginx+dovecot').start(lab, O);
    try {
      expect(h.name).toBe('nginx+dovecot');
      expect(h.scope).toEqual(['http', 'mail']);
      expect(h.version).toMatch(/^nginx\/\S+ \+ Dovecot /);
      expect(h.components!.map((c) => [c.name, c.scope])).toEqual([['nginx', ['http']], ['dovecot', ['mail']]]);
      expect(h.config!.map((f) => f.name).slice(0, 2)).toEqual(['nginx.conf', 'dovecot.conf']);
      // nginx fronts HTTP only here: no mail block, so the mail ports are Dovecot's.
      expect(h.config![0]!.text).not.toContain('mail {');
      expect((await easOptionsThrough(lab, h, 'Red')).status).toBe(200);
    } finally {
      await h.stop();
    }
  });
});
