/** imapSession (imapflow wrapper) against the mock IMAP4 listeners of mocks/mail. */
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal.ts';
import { startMailListener, type MailListener, type MailListenerOptions } from '../../mocks/mail/index.ts';
import { makeTestPki, testLogin, type TestPki } from '../../mocks/mail/test-support.ts';
import { imapSession } from './imap.ts';

let pki: TestPki;
const journal = new Journal();
const listeners: Record<string, MailListener> = {};
let delayed = false;

const lookup: LookupFunction = (host, opts, cb) => {
  if (host !== 'cas.test.lab') return cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 4);
  if ((opts as { all?: boolean }).all) return (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  cb(null, '127.0.0.1', 4);
};

beforeAll(async () => {
  pki = makeTestPki(['mail.test.lab', 'cas.test.lab']);
  const start = (kind: MailListenerOptions['kind'], loginType: MailListenerOptions['loginType'] = 'SecureLogin') =>
    startMailListener({
      server: 'cas.test.lab', protocol: 'imap4', kind, host: '127.0.0.1', port: 0, secureContext: pki.secureContext,
      loginType, login: testLogin, record: (e) => journal.record(e), faults: () => (delayed ? { greetingDelayMs: 5000 } : {}),
    });
  listeners.ssl = await start('ssl');
  listeners.tls = await start('tls');
  listeners.plain = await start('plain', 'PlainTextLogin');
});
afterAll(async () => {
  await Promise.all(Object.values(listeners).map((l) => l.close()));
});

const base = () => ({ host: '127.0.0.1', servername: 'mail.test.lab', ca: pki.ca, user: 'red@contoso.lab', pass: 'Red-P@ss1', timeoutMs: 5000 });

describe('imapSession', () => {
  it('implicit TLS: logs in, lists, selects, fetches; transcript without the password', async () => {
    const r = await imapSession({ ...base(), port: listeners.ssl!.port, secure: true, starttls: 'never' });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.secureConnection).toBe(true);
    expect(r.tls).toMatchObject({ authorized: true });
    expect(r.mailboxes).toEqual(expect.arrayContaining(['INBOX', 'Sent Items']));
    expect(r.exists).toBe(3);
    expect(r.messages?.map((m) => m.subject)).toEqual(['Welcome to the lab (Red)', 'Migration weekend plan (Red)', 'Quarterly report (Red)']);
    expect(r.messages?.[0]?.source).toContain('\r\n.A line that starts with a dot.\r\n');
    expect(r.messages?.[0]?.size).toBe(Buffer.byteLength(r.messages![0]!.source!));
    expect(r.transcript[0]).toEqual({ dir: 'S', line: '* OK The Microsoft Exchange IMAP4 service is ready.' });
    expect(r.transcript.some((t) => t.dir === 'C' && /AUTHENTICATE PLAIN/.test(t.line))).toBe(true);
    expect(JSON.stringify(r.transcript)).not.toContain('Red-P@ss1');
    expect(JSON.stringify(r.transcript)).not.toContain(Buffer.from('\0red@contoso.lab\0Red-P@ss1').toString('base64'));
  });

  it('STARTTLS required: upgraded session; `never` against SecureLogin fails with LOGINDISABLED', async () => {
    const up = await imapSession({ ...base(), port: listeners.tls!.port, secure: false, starttls: 'require', actions: ['select'] });
    expect(up.ok).toBe(true);
    expect(up.secureConnection).toBe(true);
    expect(up.transcript.some((t) => t.dir === 'S' && / OK Begin TLS negotiation now\./.test(t.line))).toBe(true);
    const never = await imapSession({ ...base(), port: listeners.tls!.port, secure: false, starttls: 'never' });
    expect(never.ok).toBe(false);
    expect(never.error).toMatch(/Login is disabled/);
    expect(never.secureConnection).toBe(false);
  });

  it('plaintext listener with `auto`: plaintext session, tls null', async () => {
    const r = await imapSession({ ...base(), port: listeners.plain!.port, secure: false, starttls: 'auto', actions: ['list'] });
    expect(r.ok).toBe(true);
    expect(r.secureConnection).toBe(false);
    expect(r.tls).toBeNull();
    expect(r.exists).toBeUndefined();
  });

  it('lab names through `lookup`; the TLS name defaults to the host name', async () => {
    const r = await imapSession({ ...base(), servername: undefined, host: 'cas.test.lab', lookup, port: listeners.ssl!.port, secure: true, starttls: 'never', actions: [] });
    expect(r.ok, r.error).toBe(true);
    const e = await journal.waitFor((x) => x.kind === 'mail' && x.sni === 'cas.test.lab', { timeoutMs: 3000 });
    expect(e).toMatchObject({ login: 'ok' });
  });

  it('bad password: not ok, authenticationFailed, the password is masked everywhere', async () => {
    const r = await imapSession({ ...base(), pass: 'nope-Secret9', port: listeners.ssl!.port, secure: true, starttls: 'never' });
    expect(r.ok).toBe(false);
    expect(r.authenticationFailed).toBe(true);
    expect(JSON.stringify(r)).not.toContain('nope-Secret9');
  });

  it('bounded: a server that never greets ends within timeoutMs; a refused port reports ECONNREFUSED', async () => {
    delayed = true;
    const t0 = Date.now();
    const slow = await imapSession({ ...base(), timeoutMs: 400, port: listeners.plain!.port, secure: false, starttls: 'never' });
    delayed = false;
    expect(slow.ok).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
    await listeners.tls!.disable();
    const refused = await imapSession({ ...base(), port: listeners.tls!.port, secure: false, starttls: 'require' });
    await listeners.tls!.enable();
    expect(refused.ok).toBe(false);
    expect(refused.errorCode).toBe('ECONNREFUSED');
  });
});
