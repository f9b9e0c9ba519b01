/** Pop3Client: STLS, lookup, masking, and every failure path bounded and named. */
import { createServer, type LookupFunction, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal.ts';
import { startMailListener, type MailListener } from '../../mocks/mail/index.ts';
import { makeTestPki, testLogin, type TestPki } from '../../mocks/mail/test-support.ts';
import { Pop3Client } from './pop3.ts';

let pki: TestPki;
let pop: MailListener;
const journal = new Journal();

const lookup: LookupFunction = (host, opts, cb) => {
  if (host !== 'cas.test.lab') return cb(Object.assign(new Error(`ENOTFOUND ${host}`), { code: 'ENOTFOUND' }), '', 4);
  if ((opts as { all?: boolean }).all) return (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  cb(null, '127.0.0.1', 4);
};

/** A scripted fake server: `script(socket, line)` answers each client line. */
async function fake(greeting: string | null, script: (s: Socket, line: string) => void): Promise<Server & { port: number }> {
  const server = createServer((s) => {
    s.on('error', () => {});
    if (greeting !== null) s.write(greeting);
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        script(s, line);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

beforeAll(async () => {
  pki = makeTestPki(['mail.test.lab', 'cas.test.lab']);
  pop = await startMailListener({
    server: 'cas.test.lab', protocol: 'pop3', kind: 'tls', host: '127.0.0.1', port: 0, secureContext: pki.secureContext,
    loginType: 'SecureLogin', login: testLogin, record: (e) => journal.record(e),
  });
});
afterAll(async () => {
  await pop.close();
});

describe('Pop3Client', () => {
  it('resolves lab names through lookup, upgrades with STLS (SNI = host), masks the password', async () => {
    const c = new Pop3Client({ host: 'cas.test.lab', port: pop.port, ca: pki.ca, lookup, timeoutMs: 3000 });
    await c.connect();
    expect(c.secure).toBe(false);
    await c.stls();
    expect(c.tls).toMatchObject({ authorized: true, peerSubject: 'mail.test.lab' });
    await c.login('red@contoso.lab', 'Red-P@ss1');
    expect((await c.uidl()).length).toBe(3);
    expect(await c.noop()).toBe('');
    await c.quit();
    expect(c.transcript.slice(0, 3)).toEqual([
      { dir: 'S', line: '+OK The Microsoft Exchange POP3 service is ready.' },
      { dir: 'C', line: 'STLS' },
      { dir: 'S', line: '+OK Begin TLS negotiation.' },
    ]);
    expect(JSON.stringify(c.transcript)).not.toContain('Red-P@ss1');
    expect(await journal.waitFor({ kind: 'mail' }, { timeoutMs: 3000 })).toMatchObject({ sni: 'cas.test.lab', method: 'tls' });
  });

  it('AUTH PLAIN through the continuation is masked too', async () => {
    const c = new Pop3Client({ host: '127.0.0.1', port: pop.port, servername: 'mail.test.lab', ca: pki.ca, timeoutMs: 3000 });
    await c.connect();
    await c.stls();
    await c.authPlain('red@contoso.lab', 'Red-P@ss1');
    await c.quit();
    expect(c.transcript).toContainEqual({ dir: 'C', line: '****' });
    expect(JSON.stringify(c.transcript)).not.toContain(Buffer.from('\0red@contoso.lab\0Red-P@ss1').toString('base64'));
  });

  it('a certificate for another name fails the handshake with MAIL_CLIENT_TLS', async () => {
    const c = new Pop3Client({ host: '127.0.0.1', port: pop.port, servername: 'wrong.test.lab', ca: pki.ca, timeoutMs: 3000 });
    await c.connect();
    await expect(c.stls()).rejects.toMatchObject({ code: 'MAIL_CLIENT_TLS' });
  });

  it('a silent server times out (bounded); a refused port and an -ERR greeting are named', async () => {
    const silent = await fake(null, () => {});
    const t0 = Date.now();
    await expect(new Pop3Client({ host: '127.0.0.1', port: silent.port, timeoutMs: 200 }).connect()).rejects.toMatchObject({ code: 'MAIL_CLIENT_TIMEOUT' });
    expect(Date.now() - t0).toBeLessThan(2000);
    silent.close();
    const port = silent.port;
    await expect(new Pop3Client({ host: '127.0.0.1', port, timeoutMs: 1000 }).connect()).rejects.toMatchObject({ code: 'MAIL_CLIENT_CONNECT' });
    const busy = await fake('-ERR busy\r\n', () => {});
    await expect(new Pop3Client({ host: '127.0.0.1', port: busy.port, timeoutMs: 1000 }).connect()).rejects.toMatchObject({ code: 'MAIL_CLIENT_NEGATIVE', response: '-ERR busy' });
    busy.close();
  });

  it('refuses plaintext injected after the STLS answer, and answers larger than the bound', async () => {
    const inject = await fake('+OK hi\r\n', (s, line) => {
      if (line === 'STLS') s.write('+OK go\r\n+OK injected\r\n');
      if (line === 'RETR 1') s.write(`+OK\r\n${'x'.repeat(100)}\r\n${'y'.repeat(100)}\r\n.\r\n`);
    });
    const a = new Pop3Client({ host: '127.0.0.1', port: inject.port, timeoutMs: 1000 });
    await a.connect();
    await expect(a.stls()).rejects.toMatchObject({ code: 'MAIL_CLIENT_PROTOCOL' });
    a.close();
    const b = new Pop3Client({ host: '127.0.0.1', port: inject.port, timeoutMs: 1000, maxResponseBytes: 150 });
    await b.connect();
    await expect(b.retr(1)).rejects.toThrow(/larger than 150 bytes/);
    inject.close();
  });
});
