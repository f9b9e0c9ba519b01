/** NTLMv2 (MS-NLMP 4.2.4) and the front door's NTLM server, client against server. */
import { describe, expect, it } from 'vitest';
import { ntowfv2, ntHash, verifyNtlmv2 } from './crypto.ts';
import { authenticateMessage, challengeMessage, negotiateMessage, parseChallenge, parseClientMessage, tokenOf } from './messages.ts';
import { NtlmServer } from './server.ts';

const names = { netbiosDomain: 'CONTOSO', dnsDomain: 'contoso.lab', computerName: 'CAS2013', dnsComputerName: 'mail.contoso.lab' };

describe('NTLM arithmetic', () => {
  it('matches the MS-NLMP test vectors', () => {
    expect(ntHash('Password').toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
    expect(ntowfv2('User', 'Domain', 'Password').toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });
  it('a client AUTHENTICATE verifies against the server challenge, and not with another password', () => {
    const challenge = Buffer.from('0123456789abcdef', 'hex');
    const type2 = parseChallenge(challengeMessage(names, parseClientMessage(negotiateMessage()).flags, challenge));
    const type3 = parseClientMessage(authenticateMessage(type2, { user: 'red', domain: 'CONTOSO', password: 'Red-P@ss1' }));
    expect(type3).toMatchObject({ type: 3, user: 'red', domain: 'CONTOSO' });
    if (type3.type !== 3) throw new Error('type 3 expected');
    expect(verifyNtlmv2({ user: 'red', domain: 'CONTOSO', password: 'Red-P@ss1', serverChallenge: challenge, ntResponse: type3.ntResponse })).toBe(true);
    expect(verifyNtlmv2({ user: 'red', domain: 'CONTOSO', password: 'wrong', serverChallenge: challenge, ntResponse: type3.ntResponse })).toBe(false);
  });
  it('refuses garbage without throwing out of tokenOf/parse', () => {
    expect(tokenOf('NTLM !!!')).toBeNull();
    expect(tokenOf('Basic abc')).toBeNull();
    expect(() => parseChallenge(Buffer.from('NTLMSSP\0\x01\0\0\0', 'latin1'))).toThrow(/not an NTLMSSP message/);
    expect(() => parseChallenge(Buffer.concat([Buffer.from('NTLMSSP\0', 'latin1'), Buffer.from([1, 0, 0, 0]), Buffer.alloc(24)]))).toThrow(/type 2/);
  });
});

describe('NtlmServer', () => {
  const server = new NtlmServer(names, (u) => (u.toLowerCase() === 'red' ? { samAccountName: 'red', password: 'Red-P@ss1' } : undefined));
  const handshake = (conn: object, password: string) => {
    const c = server.step(conn, `NTLM ${negotiateMessage().toString('base64')}`);
    if (c.kind !== 'challenge') throw new Error(c.kind);
    const t2 = parseChallenge(tokenOf(c.header)!.token);
    return server.step(conn, `NTLM ${authenticateMessage(t2, { user: 'red', domain: 'CONTOSO', password }).toString('base64')}`);
  };
  it('binds the identity to the connection (as IIS does)', () => {
    const conn = {};
    expect(handshake(conn, 'Red-P@ss1')).toMatchObject({ kind: 'authenticated', account: { samAccountName: 'red' }, reused: false });
    expect(server.step(conn, undefined)).toMatchObject({ kind: 'authenticated', reused: true });
    expect(server.step({}, undefined)).toEqual({ kind: 'none' });
  });
  it('refuses a wrong password and an AUTHENTICATE on another connection', () => {
    expect(handshake({}, 'nope').kind).toBe('failed');
    const a = {};
    const c = server.step(a, `NTLM ${negotiateMessage().toString('base64')}`);
    if (c.kind !== 'challenge') throw new Error(c.kind);
    const t3 = authenticateMessage(parseChallenge(tokenOf(c.header)!.token), { user: 'red', domain: 'CONTOSO', password: 'Red-P@ss1' });
    expect(server.step({}, `NTLM ${t3.toString('base64')}`).kind).toBe('failed');
  });
});
