import { describe, expect, it } from 'vitest';
import { ntHash, ntProofStr, ntlmv2Hash, verifyNtlmv2 } from './ntlmv2.ts';

// MS-NLMP 4.2.1 common values and 4.2.4 (NTLMv2 authentication).
const USER = 'User';
const DOMAIN = 'Domain';
const PASSWORD = 'Password';
const SERVER_CHALLENGE = Buffer.from('0123456789abcdef', 'hex');
const CLIENT_CHALLENGE = Buffer.from('aaaaaaaaaaaaaaaa', 'hex');
const u = (s: string) => Buffer.from(s, 'utf16le');
// 4.2.4.1.3 target info: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", MsvAvEOL.
const AV_PAIRS = Buffer.concat([
  Buffer.from([2, 0, 12, 0]), u('Domain'),
  Buffer.from([1, 0, 12, 0]), u('Server'),
  Buffer.alloc(4),
]);
// 4.2.4.2.2 temp: 0101 Z(6) Time(0) ClientChallenge Z(4) AvPairs Z(4).
const BLOB = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), Buffer.alloc(8), CLIENT_CHALLENGE, Buffer.alloc(4), AV_PAIRS, Buffer.alloc(4)]);

describe('NTLMv2 (MS-NLMP 4.2.4 test vector)', () => {
  it('computes the NT hash of "Password" (4.2.2.1.2)', () => {
    expect(ntHash(PASSWORD).toString('hex')).toBe('a4f49c406510bdcab6824ee7c30fd852');
  });

  it('computes NTOWFv2 (4.2.4.1.1)', () => {
    expect(ntlmv2Hash(USER, DOMAIN, PASSWORD).toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('computes the blob as the spec prints temp', () => {
    expect(BLOB.toString('hex')).toBe(
      '0101000000000000' + '0000000000000000' + 'aaaaaaaaaaaaaaaa' + '00000000' +
        '02000c0044006f006d00610069006e00' + '01000c005300650072007600650072000000000000000000',
    );
  });

  it('computes NTProofStr 68cd0ab851e51c96aabc927bebef6a1c (4.2.4.2.2)', () => {
    const proof = ntProofStr(ntlmv2Hash(USER, DOMAIN, PASSWORD), SERVER_CHALLENGE, BLOB);
    expect(proof.toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
  });

  it('verifies the vector response and refuses a wrong password, a wrong challenge and a short response', () => {
    const ntResponse = Buffer.concat([Buffer.from('68cd0ab851e51c96aabc927bebef6a1c', 'hex'), BLOB]);
    const base = { user: USER, domain: DOMAIN, password: PASSWORD, serverChallenge: SERVER_CHALLENGE, ntResponse };
    expect(verifyNtlmv2(base)).toBe(true);
    // The user name is upper-cased by NTOWFv2: any case of it verifies.
    expect(verifyNtlmv2({ ...base, user: 'USER' })).toBe(true);
    expect(verifyNtlmv2({ ...base, password: 'password' })).toBe(false);
    expect(verifyNtlmv2({ ...base, serverChallenge: Buffer.alloc(8) })).toBe(false);
    expect(verifyNtlmv2({ ...base, ntResponse: ntResponse.subarray(0, 30) })).toBe(false);
  });
});
