/**
 * The prober's own transport against real TLS listeners: the status line is read and the connection
 * closed; a CA-verified name is verified (a certificate for another name fails the probe), a name the
 * front door trusts blindly is not; refused, silent and aborted probes are failures with a reason; TLS
 * sessions are resumed per name.
 */
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildCa, buildLeaf, newKeyPair } from '../../../harness/pki/certs.ts';
import { HostsTable } from '../net/hosts.ts';
import { rawTransport, type ProbeRequest } from './probe-transport.ts';

const NAME = 'cas2010.site1.contoso.lab';
let ca = '';
let https: HttpsServer;
let silent: TcpServer;
const held: Socket[] = [];
const seen: { method: string; url: string; headers: Record<string, unknown>; resumed: boolean }[] = [];
const port = (s: HttpsServer | TcpServer) => (s.address() as { port: number }).port;

beforeAll(async () => {
  const caKeys = await newKeyPair();
  const root = buildCa('Probe Test CA', caKeys);
  ca = root.issued.certPem;
  const leaf = buildLeaf({ id: NAME, kind: 'server', key: NAME, commonName: NAME, names: [NAME], address: '127.0.0.1', selfSigned: false }, await newKeyPair(), root.issuer);
  https = createHttps({ key: leaf.keyPem, cert: leaf.certPem }, (req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers, resumed: (req.socket as unknown as { isSessionReused(): boolean }).isSessionReused() });
    res.writeHead(req.url === '/owa' ? 302 : 401, { location: '/owa/auth/logon.aspx' });
    res.end(req.method === 'HEAD' ? undefined : 'moved');
  });
  https.listen(0, '127.0.0.1');
  silent = createTcp((s) => void held.push(s.on('error', () => {})));
  silent.listen(0, '127.0.0.1');
  await Promise.all([once(https, 'listening'), once(silent, 'listening')]);
});
afterAll(async () => {
  for (const s of held) s.destroy();
  https.closeAllConnections();
  await Promise.all([new Promise((r) => https.close(r)), new Promise((r) => silent.close(r))]);
});

const hosts = new HostsTable([{ name: NAME, address: '127.0.0.1' }, { name: 'other.contoso.lab', address: '127.0.0.1' }]);
const req = (p: Partial<ProbeRequest> & { port: number }): ProbeRequest => ({
  fqdn: NAME, method: 'HEAD', path: '/EWS', headers: { 'User-Agent': 'HttpProxy.ClientAccessServer2010Ping' }, timeoutMs: 3_000, signal: new AbortController().signal, ...p,
});

describe('rawTransport', () => {
  test('the status line of HEAD, GET and extension-method probes; Host is the FQDN, Connection: close, no credentials; sessions resumed', async () => {
    const probe = rawTransport({ hosts, ca, trustOf: () => 'verify' });
    seen.length = 0;
    expect(await probe(req({ port: port(https) }))).toEqual({ status: 401 });
    expect(await probe(req({ port: port(https), method: 'GET', path: '/owa' }))).toEqual({ status: 302 });
    // Node's own parser refuses a method it does not know (400, before any handler); a mock CAS takes it (mocks/http/extension-methods.ts).
    expect(await probe(req({ port: port(https), method: 'RPC_IN_DATA', path: '/rpc/rpcproxy.dll' }))).toEqual({ status: 400 });
    expect(await probe(req({ port: port(https), method: 'HEAD', path: '/OAB' }))).toEqual({ status: 401 });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['HEAD /EWS', 'GET /owa', 'HEAD /OAB']);
    for (const s of seen) expect(s.headers).toMatchObject({ host: NAME, connection: 'close', 'user-agent': 'HttpProxy.ClientAccessServer2010Ping' });
    expect(seen.some((s) => 'authorization' in s.headers)).toBe(false);
    expect(seen.slice(1).some((s) => s.resumed)).toBe(true);
  });

  test('a verified name must match the certificate; a name trusted blindly need not', async () => {
    const verifying = rawTransport({ hosts, ca, trustOf: () => 'verify' });
    const r = await verifying(req({ port: port(https), fqdn: 'other.contoso.lab' }));
    expect(r.status).toBeNull();
    expect(r.error).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|altnames/i);
    const blind = rawTransport({ hosts, ca: undefined, trustOf: () => 'any' });
    expect(await blind(req({ port: port(https), fqdn: 'other.contoso.lab' }))).toEqual({ status: 401 });
  });

  test('refused, unanswered (timeout), aborted and unknown names are failures with a reason', async () => {
    const probe = rawTransport({ hosts, ca, trustOf: () => 'any' });
    const closed = createTcp();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const refusedPort = port(closed);
    await new Promise((r) => closed.close(r));
    expect((await probe(req({ port: refusedPort }))).error).toMatch(/^ECONNREFUSED/);
    const t0 = performance.now();
    expect((await probe(req({ port: port(silent), timeoutMs: 300 }))).error).toMatch(/^ETIMEDOUT/);
    expect(performance.now() - t0).toBeLessThan(2_000);
    const stop = new AbortController();
    const pending = probe(req({ port: port(silent), timeoutMs: 60_000, signal: stop.signal }));
    stop.abort();
    expect((await pending).error).toMatch(/^AbortError/);
    expect((await probe(req({ port: port(https), fqdn: 'nowhere.example.com' }))).error).toMatch(/^ENOTFOUND/);
  });
});
