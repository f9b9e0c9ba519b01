/**
 * SASL NTLM on the mail listeners (Exchange advertises AUTH=NTLM / SASL NTLM): a real NTLMv2 exchange
 * logs in; a wrong password and a cancelled exchange are refused; the journal records the login.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startMailListener, type MailListener } from './index.ts';
import { makeTestPki, testLogin, Wire, type TestPki } from './test-support.ts';
import { Journal } from '../../harness/journal/journal.ts';
import { NtlmAuthenticator } from '../auth/ntlm/index.ts';
import { createType1, createType3 } from '../auth/ntlm/client-messages.ts';

let pki: TestPki;
let imap: MailListener;
let pop: MailListener;
const journal = new Journal();

beforeAll(async () => {
  pki = makeTestPki();
  const secureContext = pki.secureContext;
  const authenticator = new NtlmAuthenticator({
    netbiosDomain: 'CONTOSO', dnsDomain: 'contoso.lab', computerName: 'CAS01', dnsComputerName: 'cas01.contoso.lab',
    lookup: (user) => (user.toLowerCase() === 'red' ? { samAccountName: 'red', password: 'Red-P@ss1' } : undefined),
  });
  const common = {
    server: 'cas01.contoso.lab', host: '127.0.0.1', port: 0, secureContext, loginType: 'SecureLogin' as const, login: testLogin, record: (e: Parameters<Journal['record']>[0]) => journal.record(e),
    ntlm: { authenticator, passwordOf: (u: string) => (u.toLowerCase() === 'red' ? 'Red-P@ss1' : undefined) },
  };
  imap = await startMailListener({ ...common, protocol: 'imap4', kind: 'ssl' });
  pop = await startMailListener({ ...common, protocol: 'pop3', kind: 'ssl' });
});
afterAll(async () => {
  await imap?.close();
  await pop?.close();
});

const b64 = (b: Buffer) => b.toString('base64');

async function imapNtlm(password: string): Promise<string> {
  const w = await Wire.connect(imap.port, { tls: true, ca: pki.ca });
  await w.until(/\* OK .*\r\n/);
  w.send('a1 AUTHENTICATE NTLM\r\n');
  await w.until(/\+ ?\r\n/);
  w.send(`${b64(createType1())}\r\n`);
  const challenge = (await w.until(/\+ [A-Za-z0-9+/=]{20,}\r\n/)).slice(2).trim();
  w.send(`${b64(createType3(Buffer.from(challenge, 'base64'), { user: 'red', password, domain: 'CONTOSO' }))}\r\n`);
  const done = await w.until(/a1 (OK|NO|BAD)[^\r]*\r\n/);
  w.socket.destroy();
  return done;
}

describe('SASL NTLM', () => {
  test('IMAP AUTHENTICATE NTLM with the right password logs in; a wrong one is refused', async () => {
    expect(await imapNtlm('Red-P@ss1')).toMatch(/^a1 OK/);
    expect(await imapNtlm('wrong')).toMatch(/^a1 NO/);
    expect(journal.filter({ kind: 'mail', protocol: 'imap4' }).map((e) => (e as { login: string }).login)).toContain('ok');
  });

  test('POP3 AUTH NTLM with an initial response logs in; a cancelled exchange is refused', async () => {
    const w = await Wire.connect(pop.port, { tls: true, ca: pki.ca });
    await w.until(/\+OK .*\r\n/);
    w.send(`AUTH NTLM ${b64(createType1())}\r\n`);
    const challenge = (await w.until(/\+ [A-Za-z0-9+/=]{20,}\r\n/)).slice(2).trim();
    w.send(`${b64(createType3(Buffer.from(challenge, 'base64'), { user: 'red', password: 'Red-P@ss1', domain: 'CONTOSO' }))}\r\n`);
    expect(await w.until(/\+OK [^\r]*\r\n(?![\s\S]*\+ )/)).toMatch(/^\+OK/);
    w.socket.destroy();
    const c = await Wire.connect(pop.port, { tls: true, ca: pki.ca });
    await c.until(/\+OK .*\r\n/);
    c.send('AUTH NTLM\r\n');
    await c.until(/\+ ?\r\n/);
    c.send('*\r\n');
    expect(await c.until(/-ERR[^\r]*\r\n/)).toMatch(/^-ERR/);
    c.socket.destroy();
  });
});
