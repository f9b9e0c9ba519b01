import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NtlmAuthenticator, type NtlmStep } from './authenticator.ts';
import { NtlmConfigError } from './errors.ts';
import { parseNtlmMessage } from './messages.ts';
import { ntProofStr, ntlmv2Hash } from './ntlmv2.ts';

// Real sockets as WeakMap keys: the server ends of loopback connections (no fake sockets).
let server: net.Server;
const accepted: net.Socket[] = [];
const clients: net.Socket[] = [];
async function socketPair(): Promise<net.Socket> {
  const before = accepted.length;
  const got = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no connection within 2 s')), 2000);
    server.once('connection', () => (clearTimeout(t), resolve()));
  });
  const addr = server.address() as net.AddressInfo;
  clients.push(net.connect(addr.port, '127.0.0.1'));
  await got;
  return accepted[before]!;
}
beforeAll(async () => {
  server = net.createServer((s) => accepted.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of accepted) s.destroy();
  await new Promise((r) => server.close(r));
});

const PASSWORDS: Record<string, string> = { user1: 'P@ssw0rd1', user2: 'Secret-2' };
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
const TYPE1 = 'TlRMTVNTUAABAAAAl4II4gAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==';

/** A minimal NTLMv2 Type 3 built from the vector-checked primitives (unicode, no version). */
function type3(challengeHeader: string, user: string, domain: string, password: string, flags = 0x00088201): string {
  const ch = parseNtlmMessage(Buffer.from(challengeHeader.split(' ')[1]!, 'base64'));
  if (ch.type !== 2) throw new Error('not a challenge');
  const blob = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), Buffer.alloc(8), randomBytes(8), Buffer.alloc(8)]);
  const nt = Buffer.concat([ntProofStr(ntlmv2Hash(user, domain, password), ch.serverChallenge, blob), blob]);
  const fields = [Buffer.alloc(24), nt, Buffer.from(domain, 'utf16le'), Buffer.from(user, 'utf16le'), Buffer.from('WS', 'utf16le'), Buffer.alloc(0)];
  const head = Buffer.alloc(64);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(3, 8);
  let off = 64;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, 12 + i * 8);
    head.writeUInt16LE(f.length, 14 + i * 8);
    head.writeUInt32LE(off, 16 + i * 8);
    off += f.length;
  });
  head.writeUInt32LE(flags, 60);
  return Buffer.concat([head, ...fields]).toString('base64');
}

function challenge(step: NtlmStep): string {
  if (step.kind !== 'challenge') throw new Error(`expected a challenge, got ${JSON.stringify(step)}`);
  return step.header;
}

describe('NtlmAuthenticator', () => {
  it('checks its options', () => {
    expect(() => new NtlmAuthenticator({ netbiosDomain: '', dnsDomain: 'a', computerName: 'b', dnsComputerName: 'c', lookup: () => undefined })).toThrow(/netbiosDomain/);
    expect(() => new NtlmAuthenticator({ netbiosDomain: 'a', dnsDomain: 'a', computerName: 'b', dnsComputerName: 'c', lookup: 1 as never })).toThrow(NtlmConfigError);
  });

  it('challenges a Type 1 and authenticates the right NTLMv2 answer, then binds the identity to the socket', async () => {
    const s = await socketPair();
    const header = challenge(auth.step(s, `NTLM ${TYPE1}`));
    expect(header).toMatch(/^NTLM [A-Za-z0-9+/]+=*$/);
    const done = auth.step(s, `NTLM ${type3(header, 'User1', 'CONTOSO', 'P@ssw0rd1')}`);
    expect(done).toMatchObject({ kind: 'authenticated', user: 'user1', domain: 'CONTOSO', scheme: 'NTLM' });
    expect(auth.userOf(s)).toBe('user1');
    expect(auth.step(s, undefined)).toMatchObject({ kind: 'authenticated', user: 'user1', reused: true });
    // Another connection has no identity.
    const other = await socketPair();
    expect(auth.userOf(other)).toBeUndefined();
    expect(auth.step(other, null)).toEqual({ kind: 'none' });
    // Basic is someone else's business.
    expect(auth.step(other, 'Basic dXNlcjE6eA==')).toEqual({ kind: 'none' });
  });

  it('refuses a Type 3 on another socket, a replayed challenge, a wrong password and an unknown user', async () => {
    const a = await socketPair();
    const b = await socketPair();
    const header = challenge(auth.step(a, `NTLM ${TYPE1}`));
    const answer = type3(header, 'user2', 'contoso', 'Secret-2');
    expect(auth.step(b, `NTLM ${answer}`)).toMatchObject({ kind: 'failed', reason: /without a challenge on this connection/ });
    expect(auth.step(a, `NTLM ${answer}`)).toMatchObject({ kind: 'authenticated', user: 'user2' });
    // The challenge is used once: the same answer again fails (and drops the identity).
    expect(auth.step(a, `NTLM ${answer}`)).toMatchObject({ kind: 'failed' });
    expect(auth.userOf(a)).toBeUndefined();

    const h2 = challenge(auth.step(a, `NTLM ${TYPE1}`));
    expect(auth.step(a, `NTLM ${type3(h2, 'user2', 'CONTOSO', 'wrong')}`)).toMatchObject({ kind: 'failed', reason: /wrong NTLMv2 response/ });
    const h3 = challenge(auth.step(a, `NTLM ${TYPE1}`));
    expect(auth.step(a, `NTLM ${type3(h3, 'mallory', 'CONTOSO', 'x')}`)).toMatchObject({ kind: 'failed', reason: /unknown user/ });
  });

  it('refuses an anonymous Type 3 and a scheme switch between legs', async () => {
    const s = await socketPair();
    const h = challenge(auth.step(s, `NTLM ${TYPE1}`));
    expect(auth.step(s, `NTLM ${type3(h, '', '', '', 0x00088a01)}`)).toMatchObject({ kind: 'failed', reason: /anonymous/ });
    const h2 = challenge(auth.step(s, `NTLM ${TYPE1}`));
    expect(auth.step(s, `Negotiate ${type3(h2, 'user1', 'CONTOSO', 'P@ssw0rd1')}`)).toMatchObject({ kind: 'failed', reason: /after a NTLM challenge/ });
  });

  it('speaks NTLM under Negotiate, raw or wrapped in SPNEGO, and answers under Negotiate', async () => {
    const s = await socketPair();
    const spnego = Buffer.concat([Buffer.from('604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a0428', 'hex'), Buffer.from(TYPE1, 'base64')]);
    const step = auth.step(s, `Negotiate ${spnego.toString('base64')}`);
    const header = challenge(step);
    expect(header.startsWith('Negotiate TlRMTVNTUAAC')).toBe(true);
    expect(auth.step(s, `negotiate ${type3(header, 'user1', 'contoso.lab', 'P@ssw0rd1')}`)).toMatchObject({ kind: 'authenticated', scheme: 'Negotiate', user: 'user1' });
  });

  it('turns garbage into failed steps, never a throw, and keeps serving', async () => {
    const s = await socketPair();
    const t1 = Buffer.from(TYPE1, 'base64');
    const garbage = [
      'NTLM', 'NTLM ', 'NTLM !!!!', 'NTLM a b', `NTLM ${'A'.repeat(20000)}`, 'Negotiate YIIBAAYGKwYBBQUCoA==',
      `NTLM ${t1.subarray(0, 13).toString('base64')}`,
      `NTLM ${Buffer.concat([Buffer.from('NTLMSSQ\0', 'latin1'), t1.subarray(8)]).toString('base64')}`,
      `NTLM ${Buffer.concat([t1.subarray(0, 8), Buffer.from([2, 0, 0, 0])]).toString('base64')}`,
      `NTLM ${Buffer.concat([t1.subarray(0, 8), Buffer.from([3, 0, 0, 0]), Buffer.alloc(10)]).toString('base64')}`,
    ];
    for (let i = 1; i <= 100; i++) garbage.push(`NTLM ${randomBytes(i).toString('base64')}`);
    for (let i = 1; i <= 50; i++) garbage.push(`Negotiate ${Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), randomBytes(i)]).toString('base64')}`);
    for (const g of garbage) {
      // A Type 1 followed by random bytes is still a Type 1: either a challenge or a failure, nothing else.
      expect(['failed', 'challenge']).toContain(auth.step(s, g).kind);
    }
    expect(auth.step(s, `NTLM ${TYPE1}`).kind).toBe('challenge');
  });
});
