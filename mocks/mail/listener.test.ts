/**
 * Listener lifecycle and bounds: disable/enable (a mail mode switched off), close, maxConnections,
 * idle timeout, option checks, and TLS trouble on both kinds of port.
 */
import { connect } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MailEvent } from '../../harness/journal/events.ts';
import { Journal } from '../../harness/journal/journal.ts';
import { startMailListener } from './index.ts';
import { makeTestPki, testLogin, Wire, type TestPki } from './test-support.ts';
import type { MailListener, MailListenerOptions } from './types.ts';

let pki: TestPki;
let journal: Journal;
const open: MailListener[] = [];
beforeAll(() => {
  pki = makeTestPki(['mail.test.lab']);
  journal = new Journal();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
  journal.clear();
});

async function listener(o: Partial<MailListenerOptions> = {}): Promise<MailListener> {
  const l = await startMailListener({
    server: 'cas.test.lab', protocol: 'imap4', kind: 'plain', host: '127.0.0.1', port: 0,
    secureContext: pki.secureContext, loginType: 'PlainTextLogin', login: testLogin,
    record: (e) => journal.record(e), ...o,
  });
  open.push(l);
  return l;
}

function connectError(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(null);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
  });
}

async function imapflowLogin(port: number): Promise<number> {
  const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user: 'red@contoso.lab', pass: 'Red-P@ss1' }, logger: false, connectionTimeout: 3000, disableAutoIdle: true });
  c.on('error', () => {});
  await c.connect();
  const box = await c.mailboxOpen('INBOX');
  await c.logout();
  return box.exists;
}

describe('disable / enable', () => {
  it('disable refuses new connects (ECONNREFUSED), keeps the open session and the other listeners; enable restores', async () => {
    const a = await listener();
    const b = await listener({ protocol: 'pop3' });
    const w = await Wire.connect(a.port);
    await w.until(/^\* OK .*\r\n/);
    await a.disable();
    expect(await connectError(a.port)).toBe('ECONNREFUSED');
    expect(await connectError(b.port)).toBeNull();
    w.send('a1 NOOP\r\n');
    await w.until(/a1 OK NOOP completed\.\r\n/);
    await a.enable();
    expect(await imapflowLogin(a.port)).toBe(3);
    w.destroy();
  });

  it('close ends every session, each journaled server-close', async () => {
    const a = await listener();
    const ws = await Promise.all([Wire.connect(a.port), Wire.connect(a.port)]);
    await Promise.all(ws.map((w) => w.until(/^\* OK .*\r\n/)));
    await a.close();
    await Promise.all(ws.map((w) => w.closed()));
    const reasons = journal.filter({ kind: 'mail' }).map((e) => (e as MailEvent).closeReason);
    expect(reasons).toEqual(['server-close', 'server-close']);
    expect(await connectError(a.port)).toBe('ECONNREFUSED');
  });
});

describe('bounds', () => {
  it('maxConnections: the extra client gets BYE and a close; a freed slot serves again', async () => {
    const a = await listener({ limits: { maxConnections: 2 } });
    const ws = await Promise.all([Wire.connect(a.port), Wire.connect(a.port)]);
    await Promise.all(ws.map((w) => w.until(/^\* OK .*\r\n/)));
    const extra = await Wire.connect(a.port);
    await extra.until(/^\* BYE Connection refused: too many connections\.\r\n/);
    await extra.closed();
    ws[0]!.destroy();
    await journal.waitFor((e) => e.kind === 'mail' && e.closeReason === 'client-closed', { timeoutMs: 3000 });
    const again = await Wire.connect(a.port);
    await again.until(/^\* OK .*\r\n/);
    again.destroy();
    ws[1]!.destroy();
    expect(journal.filter((e) => e.kind === 'mail' && e.closeReason === 'max-connections')).toHaveLength(1);
  });

  it('idle timeout: a silent client gets BYE and is closed', async () => {
    const a = await listener({ limits: { idleTimeoutMs: 150 } });
    const w = await Wire.connect(a.port);
    await w.until(/^\* OK .*\r\n/);
    await w.until(/\* BYE Connection is closed\. 13\r\n/, 3000);
    await w.closed();
    expect(await journal.waitFor({ kind: 'mail' }, { timeoutMs: 3000 })).toMatchObject({ closeReason: 'idle-timeout' });
  });

  it('a POP3 client that never speaks is closed at the idle timeout without an answer (RFC 1939 autologout)', async () => {
    const a = await listener({ protocol: 'pop3', limits: { idleTimeoutMs: 150 } });
    const w = await Wire.connect(a.port);
    await w.until(/^\+OK .*\r\n/);
    await w.closed();
    expect(w.buffer).toBe('+OK The Microsoft Exchange POP3 service is ready.\r\n');
  });

  it('refuses options that would leave loopback or disable a bound', async () => {
    await expect(listener({ host: '0.0.0.0' })).rejects.toMatchObject({ code: 'MAIL_OPTIONS_ERR' });
    await expect(listener({ host: '10.0.0.1' })).rejects.toThrow(/127\.0\.0\.0\/8/);
    await expect(listener({ limits: { maxLineBytes: 0 } })).rejects.toThrow(/limits.maxLineBytes/);
    const a = await listener();
    await expect(listener({ port: a.port })).rejects.toMatchObject({ code: 'MAIL_LISTEN_ERR' });
  });
});

describe('TLS trouble', () => {
  it('a TLS ClientHello on a plaintext port: BAD and close', async () => {
    const a = await listener({ kind: 'tls' });
    const w = await Wire.connect(a.port);
    await w.until(/^\* OK .*\r\n/);
    w.send(Buffer.from('16030100c4010000c00303', 'hex'));
    await w.until(/\* BAD TLS handshake received on a plaintext connection\.\r\n/);
    await w.closed();
    expect(await journal.waitFor({ kind: 'mail' }, { timeoutMs: 3000 })).toMatchObject({ closeReason: 'protocol-error: tls-on-plaintext-port' });
  });

  it('plaintext on an implicit-TLS port: handshake failure journaled as the session end', async () => {
    const a = await listener({ kind: 'ssl', protocol: 'pop3' });
    const w = await Wire.connect(a.port);
    w.send('USER red\r\n');
    await w.closed();
    const e = (await journal.waitFor({ kind: 'mail' }, { timeoutMs: 3000 })) as MailEvent;
    expect(e.closeReason).toMatch(/^tls-handshake-failed: /);
    expect(e).toMatchObject({ method: 'ssl', login: 'none', bytesIn: 0 });
    expect(journal.first({ kind: 'tls' })).toMatchObject({ service: 'pop3' });
    expect(journal.first({ kind: 'tls' })).not.toMatchObject({ outcome: 'ok' });
  });

  it('a client that rejects the certificate: the server journals the failed handshake', async () => {
    const a = await listener({ kind: 'ssl' });
    const other = makeTestPki(['other.test.lab']);
    await expect(Wire.connect(a.port, { tls: true, ca: other.ca })).rejects.toThrow();
    const e = (await journal.waitFor({ kind: 'mail' }, { timeoutMs: 3000 })) as MailEvent;
    expect(e.closeReason).toMatch(/^tls-handshake-failed: /);
  });
});
