/**
 * The mock IMAP4 service against imapflow 2.1.2 (the suite's real client) in the three listener
 * kinds, and on the wire for the bytes PROTOCOL-FACTS fixes (capabilities, STARTTLS answer).
 */
import { ImapFlow } from 'imapflow';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MailEvent } from '../../harness/journal/events.ts';
import { Journal } from '../../harness/journal/journal.ts';
import { startMailListener } from './index.ts';
import { makeTestPki, sampleMessages, testLogin, Wire, type TestPki } from './test-support.ts';
import type { MailFaults, MailListener, MailListenerOptions } from './types.ts';

let pki: TestPki;
let journal: Journal;
const open: MailListener[] = [];
beforeAll(() => {
  pki = makeTestPki(['mail.test.lab']);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function imap(kind: MailListenerOptions['kind'], extra: Partial<MailListenerOptions> = {}): Promise<MailListener> {
  journal = new Journal();
  const l = await startMailListener({
    server: 'cas.test.lab', protocol: 'imap4', kind, host: '127.0.0.1', port: 0,
    secureContext: pki.secureContext, loginType: 'SecureLogin', login: testLogin,
    record: (e) => journal.record(e), ...extra,
  });
  open.push(l);
  return l;
}

function client(port: number, o: { secure: boolean; starttls?: boolean; user?: string; pass?: string }): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1', port, secure: o.secure, doSTARTTLS: o.starttls ?? false,
    tls: { ca: pki.ca, servername: 'mail.test.lab' },
    auth: { user: o.user ?? 'red@contoso.lab', pass: o.pass ?? 'Red-P@ss1' },
    logger: false, connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000, disableAutoIdle: true,
  });
  c.on('error', () => {});
  return c;
}

const mailEvent = () => journal.waitFor({ kind: 'mail' }, { timeoutMs: 5000 }) as Promise<MailEvent>;

async function fullSession(c: ImapFlow): Promise<{ names: string[]; exists: number; subjects: string[]; source: string }> {
  await c.connect();
  const names = (await c.list()).map((m) => m.path);
  const box = await c.mailboxOpen('INBOX');
  const subjects: string[] = [];
  for await (const m of c.fetch('1:*', { envelope: true, uid: true, size: true })) subjects.push(m.envelope?.subject ?? '');
  const one = await c.fetchOne('2', { source: true });
  const source = one ? one.source!.toString('utf8') : '';
  await c.logout();
  return { names, exists: box.exists, subjects, source };
}

describe('imapflow against the mock, three listener kinds', () => {
  it('ssl: implicit TLS, list, select, fetch, source; journaled once', async () => {
    const l = await imap('ssl');
    const r = await fullSession(client(l.port, { secure: true }));
    expect(r.names).toEqual(expect.arrayContaining(['INBOX', 'Sent Items']));
    expect(r.exists).toBe(3);
    expect(r.subjects).toEqual(sampleMessages('Red').map((m) => m.subject));
    expect(r.source).toContain('Subject: Migration weekend plan (Red)\r\n');
    expect(r.source).toMatch(/\r\n\r\nHello Red,\r\n\r\nThis is message 2\.\r\n\.\r\n\.\.two dots\r\n/);
    const e = await mailEvent();
    expect(e).toMatchObject({ method: 'ssl', listener: 'ssl', upgraded: false, sni: 'mail.test.lab', login: 'ok', user: 'red@contoso.lab', closeReason: 'logout' });
    expect(e.commands).toEqual(expect.arrayContaining(['CAPABILITY', 'AUTHENTICATE PLAIN', 'SELECT', 'LOGOUT']));
    expect(e.commands.join(' ')).not.toContain('Red-P@ss1');
    expect(journal.filter({ kind: 'mail' })).toHaveLength(1);
    expect(journal.first({ kind: 'tls' })).toMatchObject({ outcome: 'ok', sni: 'mail.test.lab', service: 'imap4' });
  });

  it('tls: STARTTLS required by the client, then login works', async () => {
    const l = await imap('tls');
    const r = await fullSession(client(l.port, { secure: false, starttls: true }));
    expect(r.exists).toBe(3);
    expect(await mailEvent()).toMatchObject({ method: 'tls', listener: 'tls', upgraded: true, sni: 'mail.test.lab', login: 'ok' });
  });

  it('plain with PlainTextLogin: no TLS offered, login in plaintext works', async () => {
    const l = await imap('plain', { loginType: 'PlainTextLogin' });
    const c = client(l.port, { secure: false });
    const r = await fullSession(c);
    expect(r.exists).toBe(3);
    expect(await mailEvent()).toMatchObject({ method: 'plain', listener: 'plain', upgraded: false, sni: null, login: 'ok' });
  });

  it('SecureLogin on a tls listener: a client that will not STARTTLS cannot log in (LOGINDISABLED)', async () => {
    const l = await imap('tls');
    const c = client(l.port, { secure: false, starttls: false });
    await expect(c.connect()).rejects.toThrow(/Login is disabled/);
    c.close();
    const e = await mailEvent();
    expect(e.login).toBe('none');
    expect(e.commands).not.toContain('LOGIN');
  });

  it('PlainTextAuthentication (model): plaintext AUTHENTICATE PLAIN works, plaintext LOGIN does not', async () => {
    const l = await imap('tls', { loginType: 'PlainTextAuthentication' });
    const r = await fullSession(client(l.port, { secure: false, starttls: false }));
    expect(r.exists).toBe(3);
    expect(await mailEvent()).toMatchObject({ method: 'plain', login: 'ok' });
    const w = await Wire.connect(l.port);
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 CAPABILITY\r\n');
    expect(await w.until(/\* CAPABILITY .*\r\n/)).toBe('* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN LOGINDISABLED STARTTLS IDLE NAMESPACE LITERAL+\r\n');
    w.send('a2 LOGIN red@contoso.lab Red-P@ss1\r\n');
    await w.until(/a2 NO LOGIN failed\.\r\n/);
    w.destroy();
  });
});

describe('wire bytes of PROTOCOL-FACTS', () => {
  it('greeting, pre-TLS capabilities, LOGIN refused, STARTTLS answer, post-TLS capabilities, LOGIN accepted', async () => {
    const l = await imap('tls');
    const w = await Wire.connect(l.port);
    expect(await w.until(/^.*\r\n/)).toBe('* OK The Microsoft Exchange IMAP4 service is ready.\r\n');
    w.send('a1 CAPABILITY\r\n');
    expect(await w.until(/\* CAPABILITY .*\r\n/)).toBe('* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI LOGINDISABLED STARTTLS IDLE NAMESPACE LITERAL+\r\n');
    await w.until(/a1 OK CAPABILITY completed\.\r\n/);
    w.send('a2 LOGIN red@contoso.lab Red-P@ss1\r\n');
    await w.until(/a2 NO LOGIN failed\.\r\n/);
    w.send('a3 STARTTLS\r\n');
    await w.until(/a3 OK Begin TLS negotiation now\.\r\n/);
    await w.upgrade(pki.ca);
    w.send('b1 CAPABILITY\r\n');
    expect(await w.until(/\* CAPABILITY .*\r\n/)).toBe('* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI AUTH=PLAIN IDLE NAMESPACE LITERAL+\r\n');
    w.send('b2 LOGIN red@contoso.lab Red-P@ss1\r\n');
    // No [CAPABILITY ...] response code after LOGIN (PROTOCOL-FACTS).
    expect(await w.until(/b2 .*\r\n/)).toBe('b2 OK LOGIN completed.\r\n');
    w.send('b3 LOGOUT\r\n');
    await w.until(/\* BYE .*\r\nb3 OK LOGOUT completed\.\r\n/);
    await w.closed();
    const e = await mailEvent();
    expect(e).toMatchObject({ method: 'tls', upgraded: true, login: 'ok', closeReason: 'logout' });
    expect(e.commands).toEqual(['CAPABILITY', 'LOGIN', 'STARTTLS', 'CAPABILITY', 'LOGIN', 'LOGOUT']);
  });

  it('a plain listener offers neither STARTTLS nor TLS and refuses STARTTLS', async () => {
    const l = await imap('plain');
    const w = await Wire.connect(l.port);
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 CAPABILITY\r\na2 STARTTLS\r\n');
    expect(await w.until(/\* CAPABILITY .*\r\n/)).toBe('* CAPABILITY IMAP4 IMAP4rev1 AUTH=NTLM AUTH=GSSAPI LOGINDISABLED IDLE NAMESPACE LITERAL+\r\n');
    await w.until(/a2 BAD .*\r\n/);
    w.destroy();
  });

  it('literals both ways: synchronizing {n} gets "+", LITERAL+ {n+} does not; FETCH answers with literals', async () => {
    const l = await imap('ssl');
    const w = await Wire.connect(l.port, { tls: true, ca: pki.ca });
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN {15}\r\n');
    await w.until(/\+ Ready for additional command text\.\r\n/);
    w.send('red@contoso.lab {9+}\r\nRed-P@ss1\r\n');
    await w.until(/a1 OK LOGIN completed\.\r\n/);
    expect(w.buffer.match(/^\+ /gm)).toHaveLength(1);
    w.send('a2 SELECT INBOX\r\n');
    const sel = await w.until(/[^]*a2 OK \[READ-WRITE\] SELECT completed\.\r\n/);
    expect(sel).toContain('* 3 EXISTS\r\n');
    expect(sel).toMatch(/\* OK \[UIDVALIDITY \d+\] UIDVALIDITY value\r\n/);
    expect(sel).toContain('* OK [UIDNEXT 4] The next unique identifier value\r\n');
    const size = Buffer.byteLength(sampleMessages('Red')[0]!.body);
    w.send('a3 FETCH 1 (UID BODY.PEEK[TEXT] FLAGS)\r\n');
    const f = await w.until(/\* 1 FETCH [^]*a3 OK FETCH completed\.\r\n/);
    expect(f).toContain(`* 1 FETCH (UID 1 BODY[TEXT] {${size}}\r\nHello Red,`);
    expect(f).toContain('FLAGS ())\r\n');
    w.send('a4 UID FETCH 3:* (BODY.PEEK[HEADER.FIELDS (SUBJECT)] BODY[]<0.10>)\r\n');
    await w.until(/a4 OK UID FETCH completed\.\r\n/);
    expect(w.buffer).toContain('* 3 FETCH (UID 3 BODY[HEADER.FIELDS (SUBJECT)] {35}\r\nSubject: Quarterly report (Red)\r\n\r\n BODY[]<0> {10}\r\nFrom: admi FLAGS (\\Seen))\r\n');
    w.send('a5 SEARCH ALL\r\na6 UID SEARCH UNSEEN\r\na7 STATUS INBOX (MESSAGES UNSEEN UIDNEXT)\r\n');
    await w.until(/a7 OK STATUS completed\.\r\n/);
    expect(w.buffer).toContain('* SEARCH 1 2 3\r\na5 OK SEARCH completed.\r\n');
    expect(w.buffer).toContain('* SEARCH 1 2\r\na6 OK UID SEARCH completed.\r\n');
    expect(w.buffer).toContain('* STATUS INBOX (MESSAGES 3 UNSEEN 2 UIDNEXT 4)\r\n');
    w.send('a8 IDLE\r\n');
    await w.until(/\+ IDLE accepted, awaiting DONE command\.\r\n/);
    w.send('DONE\r\na9 CLOSE\r\nb1 FETCH 1 FLAGS\r\nb2 LOGOUT\r\n');
    await w.until(/b2 OK LOGOUT completed\.\r\n/);
    expect(w.buffer).toContain('a8 OK IDLE completed.\r\na9 OK CLOSE completed.\r\nb1 BAD Command received in Invalid state.\r\n');
  });

  it('EXAMINE is read-only (no \\Seen); INTERNALDATE, RFC822.SIZE, ENVELOPE and BODYSTRUCTURE as RFC 3501 writes them', async () => {
    const l = await imap('ssl');
    const w = await Wire.connect(l.port, { tls: true, ca: pki.ca });
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN red@contoso.lab Red-P@ss1\r\na2 EXAMINE inbox\r\n');
    await w.until(/a2 OK \[READ-ONLY\] EXAMINE completed\.\r\n/);
    const src = sampleMessages('Red')[0];
    w.send('a3 FETCH 1 (INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)\r\na4 FETCH 1 BODY[TEXT]\r\na5 FETCH 1 FLAGS\r\n');
    await w.until(/a5 OK FETCH completed\.\r\n/);
    const body = Buffer.byteLength(src!.body);
    const lines = src!.body.split('\r\n').length - 1;
    expect(w.buffer).toMatch(new RegExp(
      '\\* 1 FETCH \\(INTERNALDATE "10-Mar-2014 09:30:00 \\+0000" RFC822.SIZE \\d+ ' +
      'ENVELOPE \\("Mon, 10 Mar 2014 09:30:00 \\+0000" "Welcome to the lab \\(Red\\)" \\(\\(NIL NIL "admin" "contoso.lab"\\)\\) ' +
      '\\(\\(NIL NIL "admin" "contoso.lab"\\)\\) \\(\\(NIL NIL "admin" "contoso.lab"\\)\\) \\(\\(NIL NIL "red" "contoso.lab"\\)\\) NIL NIL NIL "<[0-9a-f]+@cas.test.lab>"\\) ' +
      `BODYSTRUCTURE \\("TEXT" "PLAIN" \\("CHARSET" "us-ascii"\\) NIL NIL "7BIT" ${body} ${lines} NIL NIL NIL NIL\\)\\)\r\n`,
    ));
    expect(w.buffer).toContain('* 1 FETCH (FLAGS ())\r\na5 OK FETCH completed.\r\n');
    w.destroy();
  });

  it('AUTHENTICATE PLAIN through a continuation, and with SASL-IR', async () => {
    const l = await imap('ssl');
    const w = await Wire.connect(l.port, { tls: true, ca: pki.ca });
    await w.until(/^\* OK .*\r\n/);
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    w.send('a1 AUTHENTICATE PLAIN\r\n');
    await w.until(/\+ \r\n/);
    w.send(`${b64('\0red@contoso.lab\0wrong')}\r\n`);
    await w.until(/a1 NO AUTHENTICATE failed\.\r\n/);
    w.send(`a2 AUTHENTICATE PLAIN ${b64('\0red@contoso.lab\0Red-P@ss1')}\r\n`);
    await w.until(/a2 OK AUTHENTICATE completed\.\r\n/);
    w.destroy();
    expect(await mailEvent()).toMatchObject({ login: 'ok', user: 'red@contoso.lab', commands: ['AUTHENTICATE PLAIN', 'AUTHENTICATE PLAIN'] });
  });
});

describe('faults and refusals', () => {
  const withFaults = (f: MailFaults) => ({ faults: () => f });

  it('greetingDelayMs delays the greeting', async () => {
    const l = await imap('plain', withFaults({ greetingDelayMs: 300 }));
    const t0 = Date.now();
    const w = await Wire.connect(l.port);
    await w.until(/^\* OK .*\r\n/);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    w.destroy();
  });

  it('dropAfterGreeting: greeting then close, journaled', async () => {
    const l = await imap('ssl', withFaults({ dropAfterGreeting: true }));
    const w = await Wire.connect(l.port, { tls: true, ca: pki.ca });
    await w.until(/^\* OK .*\r\n/);
    await w.closed();
    expect(await mailEvent()).toMatchObject({ closeReason: 'fault: drop-after-greeting', login: 'none' });
  });

  it('refuseLogin: imapflow sees an authentication failure; journal login=refused', async () => {
    const l = await imap('ssl', withFaults({ refuseLogin: true }));
    const c = client(l.port, { secure: true });
    await expect(c.connect()).rejects.toMatchObject({ authenticationFailed: true });
    c.close();
    expect(await mailEvent()).toMatchObject({ login: 'refused', user: 'red@contoso.lab' });
  });

  it('a user whose mailbox is in another site is refused and journaled wrong-site', async () => {
    const l = await imap('ssl');
    const c = client(l.port, { secure: true, user: 'contoso\\grey', pass: 'Grey-P@ss1' });
    await expect(c.connect()).rejects.toThrow();
    c.close();
    expect(await mailEvent()).toMatchObject({ login: 'wrong-site', user: 'contoso\\grey' });
  });

  it('wrong password is refused with NO LOGIN failed.', async () => {
    const l = await imap('ssl');
    const w = await Wire.connect(l.port, { tls: true, ca: pki.ca });
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN red@contoso.lab nope\r\n');
    await w.until(/a1 NO LOGIN failed\.\r\n/);
    w.destroy();
    expect(await mailEvent()).toMatchObject({ login: 'refused' });
  });
});
