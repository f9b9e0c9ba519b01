/**
 * Bad input never hurts the listener (preamble: "Bad input never crashes anything"): malformed lines,
 * random bytes, oversized lines and literals, unterminated literals, clients that never read. After
 * all of it a well-behaved imapflow client still logs in and fetches.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailEvent } from '../../harness/journal/events.ts';
import { Journal } from '../../harness/journal/journal.ts';
import { startMailListener } from './index.ts';
import { makeTestPki, testLogin, Wire, type TestPki } from './test-support.ts';
import { prng } from '../../test/support/prng.ts';
import type { MailListener } from './types.ts';

let pki: TestPki;
const journal = new Journal();
let imap: MailListener;
let pop: MailListener;

beforeAll(async () => {
  pki = makeTestPki(['mail.test.lab']);
  const common = {
    server: 'cas.test.lab', host: '127.0.0.1', port: 0, secureContext: pki.secureContext,
    loginType: 'PlainTextLogin' as const, login: testLogin, record: (e: Parameters<Journal['record']>[0]) => journal.record(e),
    limits: { maxLineBytes: 1024, maxLiteralBytes: 4096, idleTimeoutMs: 2000 },
  };
  imap = await startMailListener({ ...common, protocol: 'imap4', kind: 'tls' });
  pop = await startMailListener({ ...common, protocol: 'pop3', kind: 'tls' });
});
afterAll(async () => {
  await imap.close();
  await pop.close();
});

const MALFORMED = [
  '', '   ', '*', '+', 'a', 'a1', 'a1 ', '(x', ')', 'a1 FETCH', 'a1 FETCH 1 (FLAGS', 'a1 LOGIN "unterminated',
  'a1 LOGIN "bad\\escape" x', 'a1 SELECT', 'a1 FETCH 0 FLAGS', 'a1 UID', 'a1 XYZZY', 'a1 LIST ((((((((((x))))))))))',
  'a1 STATUS INBOX', 'a1 SEARCH', 'a1 \x00\x01\x02', '\x7f\x7f', 'a1 CAPABILITY extra', 'a1 LOGIN a b c', 'a1 AUTHENTICATE',
  'a1 AUTHENTICATE FOO', 'a1 IDLE now', 'a1 BODY[', 'a1 FETCH 1:* BODY[HEADER', '{5}x',
];

/** Wait until the journal holds `n` mail events matching `p` (sessions journal when the server side closes). */
async function mailEvents(p: (e: MailEvent) => boolean, n: number, sinceSeq: number): Promise<MailEvent[]> {
  const match = () => (journal.filter({ kind: 'mail' }, sinceSeq) as MailEvent[]).filter(p);
  const deadline = Date.now() + 5000;
  while (match().length < n) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`only ${match().length} of ${n} mail events`);
    await journal.waitFor({ kind: 'mail' }, { timeoutMs: left, sinceSeq: journal.seq }).catch(() => {});
  }
  return match();
}

describe('hostile input', () => {
  it('10,000 malformed IMAP lines over 4 connections: one BAD each, sessions stay usable', async () => {
    const perConn = 2500;
    const since = journal.seq;
    const conns = await Promise.all([0, 1, 2, 3].map(() => Wire.connect(imap.port)));
    await Promise.all(conns.map((w) => w.until(/^\* OK .*\r\n/)));
    await Promise.all(
      conns.map(async (w, c) => {
        const lines = Array.from({ length: perConn }, (_, i) => MALFORMED[(i + c) % MALFORMED.length]!);
        w.send(lines.map((l) => `${l}\r\n`).join(''));
        w.send('z1 NOOP\r\n');
        await w.until(/z1 OK NOOP completed\.\r\n/, 15_000);
        const answers = w.buffer.split('\r\n').filter((l) => /^\S+ BAD /.test(l));
        expect(answers).toHaveLength(perConn);
        w.send('z2 LOGOUT\r\n');
        await w.closed();
      }),
    );
    const events = await mailEvents((e) => e.closeReason === 'logout', 4, since);
    expect(events).toHaveLength(4);
    // The journal keeps verbs, bounded: 200 and a count of the rest.
    for (const e of events) expect(e.commands.length).toBeLessThanOrEqual(201);
  }, 30_000);

  it('random bytes on IMAP and POP3 connections: answered or closed, never a crash', async () => {
    const rnd = prng(42);
    const since = journal.seq;
    const targets = [imap.port, imap.port, pop.port, pop.port];
    await Promise.all(
      targets.map(async (port) => {
        const w = await Wire.connect(port);
        await w.until(/^[*+]\s?OK .*\r\n/);
        const bytes = Buffer.alloc(32 * 1024);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rnd() * 256);
        w.send(bytes);
        // Either the server answers some error or it closes (line too long / literal too large).
        await w.until(/(BAD|-ERR)/, 5000).catch(() => w.closed(1000));
        w.destroy();
      }),
    );
    expect(await mailEvents(() => true, 4, since)).toHaveLength(4);
  });

  it('oversized line: BAD then close', async () => {
    const w = await Wire.connect(imap.port);
    await w.until(/^\* OK .*\r\n/);
    w.send(`a1 LOGIN ${'x'.repeat(2000)}`);
    await w.until(/a1 BAD Command line too long\.\r\n/);
    await w.closed();
  });

  it('synchronizing literal over the limit: BAD without "+", the session goes on', async () => {
    const w = await Wire.connect(imap.port);
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN {999999}\r\n');
    await w.until(/a1 BAD Literal too large\.\r\n/);
    expect(w.buffer).not.toContain('+ Ready');
    w.send('a2 NOOP\r\n');
    await w.until(/a2 OK NOOP completed\.\r\n/);
    w.destroy();
  });

  it('non-synchronizing literal over the limit: BAD and close (cannot be skipped safely)', async () => {
    const w = await Wire.connect(imap.port);
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN {999999+}\r\nxxxx');
    await w.until(/a1 BAD Literal too large\.\r\n/);
    await w.closed();
  });

  it('unterminated literal: the idle timeout ends the session', async () => {
    const since = journal.seq;
    const w = await Wire.connect(imap.port);
    await w.until(/^\* OK .*\r\n/);
    w.send('a1 LOGIN {100+}\r\nabc');
    await w.closed(5000);
    const sent = Buffer.byteLength('a1 LOGIN {100+}\r\nabc');
    const [e] = await mailEvents((x) => x.bytesIn === sent, 1, since);
    expect(e!.closeReason).toBe('idle-timeout');
  });

  it('a client pipelining 20,000 NOOPs without reading: every answer arrives, in order', async () => {
    const w = await Wire.connect(imap.port);
    await w.until(/^\* OK .*\r\n/);
    w.socket.pause();
    const n = 20_000;
    w.send(Array.from({ length: n }, (_, i) => `n${i} NOOP\r\n`).join(''));
    w.socket.resume();
    await w.until(new RegExp(`n${n - 1} OK NOOP completed\\.\\r\\n`), 20_000);
    const tags = w.buffer.split('\r\n').filter((l) => l.startsWith('n')).map((l) => Number(l.slice(1, l.indexOf(' '))));
    expect(tags).toHaveLength(n);
    expect(tags.every((t, i) => t === i)).toBe(true);
    w.destroy();
  }, 30_000);

  it('10,000 malformed POP3 lines: one -ERR each', async () => {
    const w = await Wire.connect(pop.port);
    await w.until(/^\+OK .*\r\n/);
    const n = 10_000;
    w.send(Array.from({ length: n }, (_, i) => `${['', 'X', 'RETR', 'LIST 1', '\x01\x02', 'TOP a b c'][i % 6]}\r\n`).join(''));
    w.send('QUIT\r\n');
    await w.until(/signing off\.\r\n/, 15_000);
    expect((w.buffer.match(/^-ERR /gm) ?? []).length).toBe(n);
  }, 30_000);

  it('afterwards a good imapflow client still logs in, lists, selects and fetches', async () => {
    const c = new ImapFlow({
      host: '127.0.0.1', port: imap.port, secure: false, doSTARTTLS: true, tls: { ca: pki.ca, servername: 'mail.test.lab' },
      auth: { user: 'red@contoso.lab', pass: 'Red-P@ss1' }, logger: false, connectionTimeout: 5000, disableAutoIdle: true,
    });
    c.on('error', () => {});
    await c.connect();
    expect((await c.list()).map((m) => m.path)).toContain('INBOX');
    expect((await c.mailboxOpen('INBOX')).exists).toBe(3);
    const m = await c.fetchOne('*', { source: true, envelope: true });
    expect(m && m.envelope?.subject).toBe('Quarterly report (Red)');
    await c.logout();
  });
});
