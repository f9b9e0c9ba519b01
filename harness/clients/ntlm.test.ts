import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, LookupFunction } from 'node:net';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NtlmAuthenticator, parseNtlmMessage } from '../../mocks/auth/ntlm/index.ts';
import { NtlmSession, createType1, createType3, ntlmRequest } from './ntlm.ts';

const PASSWORDS: Record<string, string> = { user1: 'P@ssw0rd1', user2: 'Secret-2' };
const seen: string[] = [];
const failures: string[] = [];
let connections = 0;

/** A request handler as a mock vdir would use it: 401 offers, challenge, 200 with the user once authenticated. */
function handler(auth: NtlmAuthenticator): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const step = auth.step(req.socket, req.headers.authorization);
      if (step.kind === 'authenticated') {
        seen.push(step.user);
        res.end(`hello ${step.domain}\\${step.user} (${Buffer.concat(chunks).length} bytes)`);
      } else if (step.kind === 'challenge') {
        res.writeHead(401, { 'WWW-Authenticate': step.header, 'Content-Length': '0' }).end();
      } else {
        if (step.kind === 'failed') failures.push(step.reason);
        res.writeHead(401, [['WWW-Authenticate', 'Negotiate'], ['WWW-Authenticate', 'NTLM'], ['Content-Length', '0']]).end();
      }
    });
  };
}

const auth = new NtlmAuthenticator({
  netbiosDomain: 'CONTOSO',
  dnsDomain: 'contoso.lab',
  computerName: 'CAS01',
  dnsComputerName: 'cas01.contoso.lab',
  lookup: (user, domain) => {
    const pw = PASSWORDS[user.toLowerCase()];
    return pw && ['contoso', 'contoso.lab'].includes(domain.toLowerCase()) ? { samAccountName: user.toLowerCase(), password: pw } : undefined;
  },
});

let plain: http.Server;
let secure: https.Server;
let origin: string;
let secureOrigin: string;
let ca: string;

function selfSigned(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const name = [{ name: 'commonName', value: 'cas01.contoso.lab' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: 'cas01.contoso.lab' }, { type: 7, ip: '127.0.0.1' }] }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

// The lab maps FQDNs to loopback addresses; here one name to 127.0.0.1.
const lookup: LookupFunction = (host, opts, cb) => {
  if (host !== 'cas01.contoso.lab') return cb(new Error(`unknown lab host ${host}`), '', 4);
  if (opts.all) return (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  cb(null, '127.0.0.1', 4);
};

beforeAll(async () => {
  plain = http.createServer(handler(auth));
  plain.on('connection', () => connections++);
  const tls = selfSigned();
  ca = tls.cert;
  secure = https.createServer({ key: tls.key, cert: tls.cert }, handler(auth));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => secure.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  secureOrigin = `https://cas01.contoso.lab:${(secure.address() as AddressInfo).port}`;
});
afterAll(async () => {
  plain.closeAllConnections();
  secure.closeAllConnections();
  await Promise.all([new Promise((r) => plain.close(r)), new Promise((r) => secure.close(r))]);
});

describe('createType3 (MS-NLMP 4.2.4 test vector)', () => {
  it('puts NTProofStr 68cd0ab851e51c96aabc927bebef6a1c and the LMv2 response in the message', () => {
    const u = (s: string) => Buffer.from(s, 'utf16le');
    const info = Buffer.concat([Buffer.from([2, 0, 12, 0]), u('Domain'), Buffer.from([1, 0, 12, 0]), u('Server'), Buffer.alloc(4)]);
    const name = u('Server');
    // 4.2.4.3 CHALLENGE: flags 0xe28a8233, server challenge 0123456789abcdef.
    const head = Buffer.alloc(48);
    head.write('NTLMSSP\0', 0, 'latin1');
    head.writeUInt32LE(2, 8);
    head.writeUInt16LE(name.length, 12), head.writeUInt16LE(name.length, 14), head.writeUInt32LE(48, 16);
    head.writeUInt32LE(0xe28a8233, 20);
    Buffer.from('0123456789abcdef', 'hex').copy(head, 24);
    head.writeUInt16LE(info.length, 40), head.writeUInt16LE(info.length, 42), head.writeUInt32LE(48 + name.length, 44);
    const t3 = createType3(Buffer.concat([head, name, info]), { user: 'User', password: 'Password', domain: 'Domain', workstation: 'COMPUTER' }, {
      clientChallenge: Buffer.from('aaaaaaaaaaaaaaaa', 'hex'),
      timestamp: Buffer.alloc(8),
    });
    // Decoded by the mock's parser: the two were written apart, so this checks both.
    const m = parseNtlmMessage(t3);
    if (m.type !== 3) throw new Error('expected a Type 3');
    expect(m).toMatchObject({ user: 'User', domain: 'Domain', workstation: 'COMPUTER', responseKind: 'v2' });
    expect(m.ntResponse.subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(m.lmResponse.toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(m.flagNames).not.toContain('NEGOTIATE_KEY_EXCH');
  });

  it('builds a Type 1 the mock reads', () => {
    const m = parseNtlmMessage(createType1());
    expect(m).toMatchObject({ type: 1, domain: '', workstation: '' });
    expect(m.flagNames).toEqual(expect.arrayContaining(['NEGOTIATE_UNICODE', 'NEGOTIATE_NTLM', 'NEGOTIATE_EXTENDED_SESSIONSECURITY']));
  });
});

describe('ntlmRequest against a connection-bound server (real sockets)', () => {
  it.each(['NTLM', 'Negotiate'] as const)('authenticates with the right password under %s', async (scheme) => {
    const before = connections;
    const r = await ntlmRequest(`${origin}/EWS/Exchange.asmx`, { user: 'user1', password: 'P@ssw0rd1', domain: 'CONTOSO', scheme });
    expect(r.status).toBe(200);
    expect(r.body).toBe('hello CONTOSO\\user1 (0 bytes)');
    expect(seen.at(-1)).toBe('user1');
    expect(connections - before).toBe(1);
    const lines = r.transcript.map((l) => `${l.dir}: ${l.line}`);
    expect(lines[0]).toMatch(/^C: \(connection #1 to 127\.0\.0\.1:\d+\)$/);
    expect(lines).toContain(`C: GET /EWS/Exchange.asmx HTTP/1.1`);
    expect(lines.some((l) => l.startsWith(`C: Authorization: ${scheme} Type1 flags=0x`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`S: WWW-Authenticate: ${scheme} Type2 flags=0x`) && l.includes('target=CONTOSO'))).toBe(true);
    expect(lines).toContain(`C: Authorization: ${scheme} Type3 domain=CONTOSO user=user1 workstation=WORKSTATION NTLMv2`);
    expect(lines.at(-1)).toBe('S: HTTP/1.1 200');
    // Never the password, nor a token.
    expect(JSON.stringify(r.transcript)).not.toMatch(/P@ssw0rd1|TlRMTVNTUA/);
  });

  it('authenticates the second user over HTTPS with the lab CA, SNI and a lab name lookup, with a POST body', async () => {
    const r = await ntlmRequest(`${secureOrigin}/Autodiscover/Autodiscover.xml`, {
      user: 'User2', password: 'Secret-2', domain: 'contoso.lab', method: 'POST', body: '<Autodiscover/>',
      headers: { 'content-type': 'text/xml' }, connect: { ca, servername: 'cas01.contoso.lab', lookup },
    });
    expect(r.status).toBe(200);
    expect(r.body).toBe('hello CONTOSO\\user2 (15 bytes)');
    expect(seen.at(-1)).toBe('user2');
  });

  it('gets 401 for a wrong password and for an unknown user', async () => {
    const wrong = await ntlmRequest(`${origin}/EWS/`, { user: 'user1', password: 'nope', domain: 'CONTOSO' });
    expect(wrong.status).toBe(401);
    expect(failures.at(-1)).toMatch(/wrong NTLMv2 response for CONTOSO\\user1/);
    expect(wrong.headers['www-authenticate']).toEqual(['Negotiate', 'NTLM']);
    const unknown = await ntlmRequest(`${origin}/EWS/`, { user: 'mallory', password: 'x', domain: 'CONTOSO', scheme: 'Negotiate' });
    expect(unknown.status).toBe(401);
    expect(failures.at(-1)).toMatch(/unknown user/);
  });

  it('gets 401 when the Type 3 goes on a second connection (splitHandshake)', async () => {
    const before = connections;
    const r = await ntlmRequest(`${origin}/rpc/rpcproxy.dll`, { user: 'user1', password: 'P@ssw0rd1', domain: 'CONTOSO', splitHandshake: true });
    expect(r.status).toBe(401);
    expect(connections - before).toBe(2);
    expect(failures.at(-1)).toMatch(/without a challenge on this connection/);
    // The evidence shows the second connection and the Type 3 sent after it.
    const lines = r.transcript.map((l) => l.line);
    const second = lines.findIndex((l) => /^\(connection #2 to /.test(l));
    expect(second).toBeGreaterThan(0);
    expect(lines.slice(second).some((l) => l.includes('Type3'))).toBe(true);
  });

  it('keeps the identity on the authenticated connection only', async () => {
    const s = new NtlmSession(origin);
    try {
      const first = await s.authenticate('/OAB/', { user: 'user2', password: 'Secret-2', domain: 'CONTOSO' });
      expect(first.status).toBe(200);
      const again = await s.request('/OAB/oab.xml');
      expect(again.status).toBe(200);
      expect(again.body).toBe('hello CONTOSO\\user2 (0 bytes)');
      expect(s.connections).toBe(1);
    } finally {
      await s.close();
    }
    const fresh = new NtlmSession(origin);
    try {
      const r = await fresh.request('/OAB/oab.xml');
      expect(r.status).toBe(401);
    } finally {
      await fresh.close();
    }
  });

  it('sends its own Authorization over a caller\'s one', async () => {
    const r = await ntlmRequest(`${origin}/x`, { user: 'user1', password: 'P@ssw0rd1', domain: 'CONTOSO', headers: { Authorization: 'Basic eDp5' } });
    expect(r.status).toBe(200);
  });

  it('returns a 401 without a challenge as it is, and a transport failure as NtlmClientError with the transcript', async () => {
    const basicOnly = http.createServer((_req, res) => res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cas01"', 'Content-Length': '0' }).end());
    await new Promise<void>((r) => basicOnly.listen(0, '127.0.0.1', r));
    try {
      const r = await ntlmRequest(`http://127.0.0.1:${(basicOnly.address() as AddressInfo).port}/`, { user: 'u', password: 'p', domain: 'd' });
      expect(r.status).toBe(401);
      expect(r.transcript.map((l) => l.line)).toEqual(expect.arrayContaining(['WWW-Authenticate: Basic realm="cas01"', '(no NTLM challenge in the 401: handshake ends)']));
    } finally {
      basicOnly.closeAllConnections();
      await new Promise((r) => basicOnly.close(r));
    }
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(ntlmRequest(`http://127.0.0.1:${port}/`, { user: 'u', password: 'p', domain: 'd', timeoutMs: 2000 })).rejects.toMatchObject({
      code: 'NTLM_CLIENT_ERR',
      transcript: expect.arrayContaining([expect.objectContaining({ dir: 'S', line: expect.stringMatching(/no answer/) })]),
    });
  });
});
