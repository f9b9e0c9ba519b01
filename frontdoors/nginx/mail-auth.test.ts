import { describe, expect, test } from 'vitest';
import { decideMailAuth, mailAuthHeaders, parseMailAuthRequest, STATUS_BAD_LOGIN } from './mail-auth.ts';
import type { DirServer, DirUser, DirVdirs, Product } from '../../harness/topology/directory-contract.ts';

const endpoint = (host: string, port: number, method: 'ssl' | 'tls' | 'plain', labPort: number) => ({ host, port, method, setting: `${host}:${port}${method === 'plain' ? '' : `:${method.toUpperCase()}`}`, labPort });
const server = (fqdn: string, site: string, product: Product, loginType: 'SecureLogin' | 'PlainTextLogin', plainPort?: number): DirServer => ({
  fqdn, site, product, build: String(product), buildNumber: '1', address: '127.0.0.99', aliases: [], namespaces: [], certificate: 'lab-ca', isOutOfService: false,
  ports: { https: 443, http: 80 }, vdirs: {} as DirVdirs, // the mail decision reads no vdir
  imap4: { enabled: true, loginType, internalConnectionSettings: [endpoint(fqdn, 993, 'ssl', 5993), endpoint(fqdn, 143, 'tls', 5143), ...(plainPort ? [endpoint(fqdn, 1143, 'plain', plainPort)] : [])] },
  pop3: { enabled: true, loginType, internalConnectionSettings: [endpoint(fqdn, 995, 'ssl', 5995)] },
});
const servers = [
  server('cas2010.s1.lab', 'S1', 2010, 'SecureLogin', 6143), // plaintext endpoint, but SecureLogin: unusable
  server('cas2010.s3.lab', 'S3', 2010, 'PlainTextLogin', 7143),
  server('cas2007.s3.lab', 'S3', 2007, 'PlainTextLogin', 8143),
];
const hosts = new Map([['cas2010.s3.lab', '127.0.3.11'], ['cas2007.s3.lab', '127.0.3.13']]);
const user = (site: string, v: Product): DirUser => ({ name: 'U', samAccountName: 'u', email: 'u@lab', upn: 'u@lab', logon: 'LAB\\u', mailboxServer: 'mbx', mailboxBuild: 'b', mailboxBuildNumber: '1', mailboxVersion: v, site, devices: [] });
const ask = (o: Record<string, string> = {}) => parseMailAuthRequest({ 'auth-method': 'plain', 'auth-user': 'LAB%5Cu', 'auth-pass': 'p%25w', 'auth-protocol': 'imap', 'auth-login-attempt': '1', ...o })!;

describe('parseMailAuthRequest', () => {
  test("undoes nginx's escaping; null without the required headers", () => {
    expect(ask()).toMatchObject({ user: 'LAB\\u', pass: 'p%w', protocol: 'imap', attempt: 1, ssl: false });
    expect(ask({ 'auth-user': '%E0%A4%A' }).user).toBe('%E0%A4%A');
    expect(parseMailAuthRequest({ 'auth-user': 'u' })).toBeNull();
  });
});

describe('decideMailAuth', () => {
  test('routes to the plaintext endpoint of a CAS of the mailbox site and version', async () => {
    const check = async () => user('S3', 2007);
    const a = await decideMailAuth(ask(), { check, servers, hosts });
    expect(a).toMatchObject({ ok: true, address: '127.0.3.13', port: 8143, server: 'cas2007.s3.lab' });
    expect(mailAuthHeaders(a)).toEqual([['Auth-Status', 'OK'], ['Auth-Server', '127.0.3.13'], ['Auth-Port', '8143']]);
  });
  test('a site whose only plaintext endpoint is under SecureLogin: refused, no wait (credentials never go in cleartext)', async () => {
    const a = await decideMailAuth(ask(), { check: async () => user('S1', 2010), servers, hosts });
    expect(a.ok).toBe(false);
    expect(mailAuthHeaders(a)).toEqual([['Auth-Status', expect.stringMatching(/^Temporary server problem.*no plaintext IMAP4 endpoint/)]]);
  });
  test('POP3 where the site offers only SSL: refused', async () => {
    const a = await decideMailAuth(ask({ 'auth-protocol': 'pop3' }), { check: async () => user('S3', 2010), servers, hosts });
    expect(a).toMatchObject({ ok: false, status: expect.stringMatching(/no plaintext POP3 endpoint/) });
  });
  test('bad credentials: nginx waits a second (Auth-Wait) and lets the client retry', async () => {
    const a = await decideMailAuth(ask(), { check: async () => null, servers, hosts });
    expect(mailAuthHeaders(a)).toEqual([['Auth-Status', STATUS_BAD_LOGIN], ['Auth-Wait', '1']]);
  });
  test('directory down, SMTP, or an unknown method: refused without a crash', async () => {
    const down = await decideMailAuth(ask(), { check: async () => { throw new Error('ECONNREFUSED'); }, servers, hosts });
    expect(down).toMatchObject({ ok: false, note: expect.stringContaining('ECONNREFUSED') });
    expect(await decideMailAuth(ask({ 'auth-protocol': 'smtp' }), { check: async () => user('S3', 2010), servers, hosts })).toMatchObject({ ok: false });
    expect(await decideMailAuth(ask({ 'auth-method': 'cram-md5' }), { check: async () => user('S3', 2010), servers, hosts })).toMatchObject({ ok: false });
  });
});
