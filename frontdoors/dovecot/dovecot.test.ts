import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { connect } from 'node:net';
import { startLab, type Lab } from '../../harness/lab/lab.ts';
import { createDovecotFrontDoor, type MailOnlyCandidateHandle } from '../../harness/frontdoor/adapters/dovecot.ts';
import { candidateHosts, processesMentioning } from '../../harness/frontdoor/adapters/test-support.ts';
import type { LaunchOptions } from '../../harness/frontdoor/launcher.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import { imapSession } from '../../harness/clients/imap.ts';
import { Pop3Client } from '../../harness/clients/pop3.ts';
import { labLookup } from '../../harness/clients/lab-agent.ts';
import { findUser } from '../../harness/topology/index.ts';
import type { MailEvent } from '../../harness/journal/events.ts';
import { findBinary, type DirUser, type HopTarget } from '../shared/index.ts';
import { mailRoute, renderPassdb } from './dovecot-passdb.ts';

const installed = !!findBinary('dovecot');
if (!installed) console.warn('dovecot tests skipped: dovecot is not installed (apt-get install dovecot-imapd dovecot-pop3d)');

const LAUNCH: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} };

function ep(host: string, method: 'ssl' | 'tls' | 'plain', labPort: number) {
  return { host, port: method === 'ssl' ? 993 : method === 'tls' ? 143 : 1143, method, setting: '', labPort, address: '127.0.3.11' };
}
function cas(fqdn: string, product: number, imap4: ReturnType<typeof ep>[], certificate: 'lab-ca' | 'self-signed' = 'lab-ca'): HopTarget {
  return { fqdn, address: '127.0.3.11', httpsPort: 443, product, build: '', vdirs: [], imap4, pop3: [], server: { certificate } as HopTarget['server'] };
}
const BLUE = { samAccountName: 'blue', logon: 'CONTOSO\\blue', email: 'blue@contoso.lab', mailboxVersion: 2010, site: 'Site3' } as DirUser;

describe('mail routes (seed 001 method order)', () => {
  const site3 = [cas('cas2010a.site3.contoso.lab', 2010, [ep('cas2010a.site3.contoso.lab', 'ssl', 1), ep('cas2010a.site3.contoso.lab', 'tls', 2), ep('cas2010a.site3.contoso.lab', 'plain', 3)]), cas('cas2007.site3.contoso.lab', 2007, [])];
  test('encrypted session: SSL first; plaintext session: plaintext first', () => {
    expect(mailRoute(BLUE, site3, 'imap4', true)?.endpoint.method).toBe('ssl');
    expect(mailRoute(BLUE, site3, 'imap4', false)?.endpoint.method).toBe('plain');
  });
  test('a 2010 mailbox never goes to a CAS2007; no endpoint means no route', () => {
    expect(mailRoute({ ...BLUE, mailboxVersion: 2007 }, site3, 'imap4', true)).toBeNull();
  });
  test('passdb lines: every login name, proxy fields, any-cert only for self-signed CAS', () => {
    const text = renderPassdb([BLUE], () => [cas('cas2010b.site3.contoso.lab', 2010, [ep('cas2010b.site3.contoso.lab', 'tls', 2)], 'self-signed')], 'imap4', true);
    expect(text).toContain('contoso\\\\blue:::::::proxy=y host=cas2010b.site3.contoso.lab hostip=127.0.3.11 port=2 starttls=any-cert nopassword=y');
    expect(text).toContain('blue@contoso.lab:');
    const checked = renderPassdb([BLUE], () => site3, 'imap4', true, { passwords: new Map([['blue', 'a:b c']]) });
    expect(checked).toContain(`blue:{PLAIN.BASE64}${Buffer.from('a:b c').toString('base64')}::::::proxy=y host=cas2010a.site3.contoso.lab`);
    expect(checked).not.toContain('nopassword');
  });
});

describe.skipIf(!installed)('dovecot front door (real dovecot)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ topology: 'contoso' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  function clientTo(handle: MailOnlyCandidateHandle) {
    const host = lab.topology.frontDoor.namespaces[0]!;
    return { host, servername: host, ca: lab.trustBundle(), lookup: labLookup(candidateHosts(lab, handle)) };
  }

  test('routes IMAPS and plaintext POP3 to a CAS of the mailbox\'s site, no HTTPS, stops clean', async () => {
    const handle = (await createDovecotFrontDoor().start(lab, LAUNCH)) as MailOnlyCandidateHandle;
    const runDir = join(lab.stateDir, 'frontdoor-dovecot');
    try {
      expect(handle.version).toMatch(/^Dovecot 2\./);
      expect(handle.httpUnsupported).toBe('Dovecot is a mail proxy only');
      const red = findUser(lab.topology, 'red')!;
      let since = lab.journal.seq;
      const r = await imapSession({ ...clientTo(handle), port: handle.ports.imaps, secure: true, starttls: 'never', user: red.samAccountName, pass: red.password, timeoutMs: 10_000, actions: ['list'] });
      expect(r.error ?? '').toBe('');
      expect(r.mailboxes).toContain('INBOX');
      const redAt = (await lab.journal.waitFor((e) => e.kind === 'mail' && e.user === 'red' && e.login === 'ok', { timeoutMs: 5000, sinceSeq: since })) as MailEvent;
      expect(redAt.server).toBe('cas2010.site1.contoso.lab');
      expect(redAt.method).toBe('ssl'); // 001: SSL first for an encrypted session
      // Blue (Site3): plaintext POP3 goes to the plaintext endpoint cas2010a.site3 offers (MAIL-04).
      const blue = findUser(lab.topology, 'blue')!;
      since = lab.journal.seq;
      const pop = new Pop3Client({ ...clientTo(handle), port: handle.ports.pop3, timeoutMs: 10_000 });
      try {
        await pop.connect();
        await pop.login(blue.samAccountName, blue.password);
        expect((await pop.stat()).count).toBeGreaterThanOrEqual(0);
        await pop.quit();
      } finally {
        pop.close();
      }
      const blueAt = (await lab.journal.waitFor((e) => e.kind === 'mail' && e.user === 'blue' && e.login === 'ok', { timeoutMs: 5000, sinceSeq: since })) as MailEvent;
      expect(blueAt.server).toBe('cas2010a.site3.contoso.lab');
      expect(blueAt.method).toBe('plain');
      // No HTTPS listener: the HTTPS port refuses connections.
      const refused = await new Promise<string>((res) => {
        const s = connect({ host: handle.address, port: handle.ports.https });
        s.once('connect', () => (s.destroy(), res('connected')));
        s.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      await handle.stop();
    }
    expect(processesMentioning(runDir)).toEqual([]);
    expect(handle.output()).toMatch(/starting up/);
  });

  test('wrong password: refused; with verifyPasswords no CAS sees the login (AUTH-01)', async () => {
    const handle = (await createDovecotFrontDoor({ verifyPasswords: true }).start(lab, LAUNCH)) as MailOnlyCandidateHandle;
    try {
      const since = lab.journal.seq;
      const r = await imapSession({ ...clientTo(handle), port: handle.ports.imaps, secure: true, starttls: 'never', user: 'red', pass: 'wrong', timeoutMs: 10_000, actions: [] });
      expect(r.ok).toBe(false);
      expect(r.authenticationFailed).toBe(true);
      expect(lab.journal.filter((e) => e.kind === 'mail' && e.user === 'red', since)).toEqual([]);
      const red = findUser(lab.topology, 'red')!;
      const ok = await imapSession({ ...clientTo(handle), port: handle.ports.imaps, secure: true, starttls: 'never', user: 'CONTOSO\\red', pass: red.password, timeoutMs: 10_000, actions: [] });
      expect(ok.error ?? '').toBe('');
    } finally {
      await handle.stop();
    }
  });

  test('a config dovecot rejects is a FrontDoorLaunchError in doveconf\'s words', async () => {
    const err = await createDovecotFrontDoor({ extraConfig: 'not_a_dovecot_setting = 1' }).start(lab, LAUNCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FrontDoorLaunchError);
    expect((err as Error).message).toMatch(/Unknown setting: not_a_dovecot_setting/);
  });
});
