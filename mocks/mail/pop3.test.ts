/**
 * The mock POP3 service against the suite's own POP3 client (harness/clients/pop3.ts) in the three
 * listener kinds, and on the wire for the bytes PROTOCOL-FACTS fixes (greeting, CAPA lists).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Client } from '../../harness/clients/pop3.ts';
import type { MailEvent } from '../../harness/journal/events.ts';
import { Journal } from '../../harness/journal/journal.ts';
import { startMailListener } from './index.ts';
import { makeTestPki, sampleMessages, testLogin, Wire, type TestPki } from './test-support.ts';
import type { MailListener, MailListenerOptions } from './types.ts';

let pki: TestPki;
let journal: Journal;
const open: MailListener[] = [];
beforeAll(() => {
  pki = makeTestPki(['mail.test.lab']);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function pop(kind: MailListenerOptions['kind'], extra: Partial<MailListenerOptions> = {}): Promise<MailListener> {
  journal = new Journal();
  const l = await startMailListener({
    server: 'cas.test.lab', protocol: 'pop3', kind, host: '127.0.0.1', port: 0,
    secureContext: pki.secureContext, loginType: 'SecureLogin', login: testLogin,
    record: (e) => journal.record(e), ...extra,
  });
  open.push(l);
  return l;
}

const client = (port: number, secure = false) =>
  new Pop3Client({ host: '127.0.0.1', port, secure, servername: 'mail.test.lab', ca: pki.ca, timeoutMs: 3000 });
const mailEvent = () => journal.waitFor({ kind: 'mail' }, { timeoutMs: 5000 }) as Promise<MailEvent>;

describe('POP3 client against the mock, three listener kinds', () => {
  it('ssl: CAPA after TLS, USER/PASS, STAT, LIST, UIDL, RETR round-trips a dot line, TOP, QUIT', async () => {
    const l = await pop('ssl');
    const c = client(l.port, true);
    expect(await c.connect()).toBe('The Microsoft Exchange POP3 service is ready.');
    expect(await c.capa()).toEqual(['TOP', 'UIDL', 'SASL NTLM GSSAPI PLAIN', 'USER']);
    await c.login('red@contoso.lab', 'Red-P@ss1');
    const msgs = sampleMessages('Red');
    const st = await c.stat();
    expect(st.count).toBe(3);
    const list = await c.list();
    expect(list.map((x) => x.n)).toEqual([1, 2, 3]);
    expect(list.reduce((a, x) => a + x.size, 0)).toBe(st.size);
    const ids = await c.uidl();
    expect(new Set(ids.map((x) => x.id)).size).toBe(3);
    const raw = (await c.retr(1)).toString('utf8');
    expect(raw.length).toBe(list[0]!.size);
    expect(raw.endsWith(`\r\n\r\n${msgs[0]!.body}`)).toBe(true);
    expect(raw).toContain('\r\n.\r\n..two dots\r\n.A line that starts with a dot.\r\n');
    const top = (await c.top(2, 1)).toString('utf8');
    expect(top).toMatch(/Subject: Migration weekend plan \(Red\)\r\n[^]*\r\n\r\nHello Red,\r\n$/);
    await c.quit();
    const e = await mailEvent();
    expect(e).toMatchObject({ protocol: 'pop3', method: 'ssl', sni: 'mail.test.lab', login: 'ok', user: 'red@contoso.lab', closeReason: 'quit' });
    expect(e.commands).toEqual(['CAPA', 'USER', 'PASS', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'QUIT']);
    expect(c.transcript).toContainEqual({ dir: 'C', line: 'PASS ****' });
    expect(JSON.stringify(c.transcript)).not.toContain('Red-P@ss1');
    // The wire carries the stuffed form: the server doubled the leading dots.
    expect(c.transcript).toContainEqual({ dir: 'S', line: '...two dots' });
  });

  it('tls: CAPA before TLS offers only STLS; after STLS the full list; AUTH PLAIN works', async () => {
    const l = await pop('tls');
    const c = client(l.port);
    await c.connect();
    expect(await c.capa()).toEqual(['TOP', 'UIDL', 'STLS']);
    await expect(c.user('red@contoso.lab')).rejects.toThrow(/-ERR/);
    await c.stls();
    expect(c.secure).toBe(true);
    expect(c.tls?.authorized).toBe(true);
    expect(await c.capa()).toEqual(['TOP', 'UIDL', 'SASL NTLM GSSAPI PLAIN', 'USER']);
    await c.authPlain('red@contoso.lab', 'Red-P@ss1');
    expect((await c.stat()).count).toBe(3);
    await c.quit();
    const e = await mailEvent();
    expect(e).toMatchObject({ method: 'tls', upgraded: true, login: 'ok', sni: 'mail.test.lab' });
    expect(e.commands).toEqual(['CAPA', 'USER', 'STLS', 'CAPA', 'AUTH PLAIN', 'STAT', 'QUIT']);
  });

  it('plain with PlainTextLogin: login in plaintext works, no STLS offered', async () => {
    const l = await pop('plain', { loginType: 'PlainTextLogin' });
    const c = client(l.port);
    await c.connect();
    expect(await c.capa()).toEqual(['TOP', 'UIDL', 'SASL NTLM GSSAPI PLAIN', 'USER']);
    await c.authPlain('red@contoso.lab', 'Red-P@ss1', { initialResponse: true });
    expect((await c.stat()).count).toBe(3);
    await c.quit();
    expect(await mailEvent()).toMatchObject({ method: 'plain', listener: 'plain', login: 'ok' });
  });

  it('SecureLogin in plaintext: USER refused before any password, journaled disabled', async () => {
    const l = await pop('tls');
    const c = client(l.port);
    await c.connect();
    await expect(c.user('red@contoso.lab')).rejects.toMatchObject({ code: 'MAIL_CLIENT_NEGATIVE' });
    await expect(c.authPlain('red@contoso.lab', 'Red-P@ss1', { initialResponse: true })).rejects.toThrow(/Logon failure/);
    await c.quit();
    expect(await mailEvent()).toMatchObject({ login: 'disabled', user: 'red@contoso.lab' });
  });
});

describe('POP3 semantics', () => {
  it('DELE hides a message, RSET restores, deletions reach commitDeletes only at QUIT', async () => {
    const commits: [string, number[]][] = [];
    const l = await pop('ssl', { commitDeletes: (u, ix) => commits.push([u, ix]) });
    const c = client(l.port, true);
    await c.connect();
    await c.login('red@contoso.lab', 'Red-P@ss1');
    await c.dele(2);
    expect((await c.stat()).count).toBe(2);
    await expect(c.retr(2)).rejects.toThrow(/deleted/);
    await c.rset();
    expect((await c.list()).length).toBe(3);
    await c.dele(1);
    await c.dele(3);
    expect(commits).toEqual([]);
    await c.quit();
    expect(commits).toEqual([['red@contoso.lab', [0, 2]]]);
    // A session that drops without QUIT deletes nothing.
    const d = client(l.port, true);
    await d.connect();
    await d.login('red@contoso.lab', 'Red-P@ss1');
    await d.dele(1);
    d.close();
    await journal.waitFor((e) => e.kind === 'mail' && e.closeReason !== 'quit', { timeoutMs: 3000 });
    expect(commits).toHaveLength(1);
  });

  it('wrong site and bad password are refused with -ERR and journaled', async () => {
    const l = await pop('ssl');
    const c = client(l.port, true);
    await c.connect();
    await c.user('contoso\\grey');
    await expect(c.pass('Grey-P@ss1')).rejects.toThrow(/-ERR Logon failure/);
    await c.quit();
    expect(await mailEvent()).toMatchObject({ login: 'wrong-site', user: 'contoso\\grey' });
  });

  it('commands in the wrong state and unknown commands get -ERR; the session goes on', async () => {
    const l = await pop('plain', { loginType: 'PlainTextLogin' });
    const w = await Wire.connect(l.port);
    await w.until(/^\+OK .*\r\n/);
    w.send('STAT\r\nXYZZY\r\nPASS x\r\n\r\nNOOP\r\nUSER red@contoso.lab\r\nPASS Red-P@ss1\r\nRETR 9\r\nTOP 1 x\r\nSTLS\r\nQUIT\r\n');
    await w.until(/signing off\.\r\n/);
    expect(w.buffer.split('\r\n').slice(1, -1)).toEqual([
      '-ERR Command is not valid in this state.',
      '-ERR Protocol error. 14',
      '-ERR Command is not valid in this state.',
      '-ERR Protocol error. 14',
      '-ERR Command is not valid in this state.',
      '+OK',
      '+OK User successfully logged on.',
      '-ERR The specified message is out of range.',
      '-ERR Protocol error. 14',
      '-ERR Command is not valid in this state.',
      '+OK Microsoft Exchange Server POP3 server signing off.',
    ]);
    await w.closed();
  });
});
