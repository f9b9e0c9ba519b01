import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { summarizeAvPairs } from './av-pairs.ts';
import { buildChallenge, challengeFlags } from './challenge.ts';
import { NtlmParseError } from './errors.ts';
import { NTLM_FLAGS, flagNames } from './flags.ts';
import { parseNtlmMessage, summarizeNtlmMessage } from './messages.ts';
import { extractNtlmToken } from './spnego.ts';

const NAMES = { netbiosDomain: 'contoso', dnsDomain: 'contoso.lab', computerName: 'cas01', dnsComputerName: 'cas01.contoso.lab' };
// A Windows-style Type 1 (flags 0xe2088297, empty domain/workstation, version 10.0.19041/15).
const TYPE1 = Buffer.from('TlRMTVNTUAABAAAAl4II4gAAAAAAAAAAAAAAAAAAAAAKAGFKAAAADw==', 'base64');

describe('parseNtlmMessage', () => {
  it('decodes a Windows Type 1', () => {
    const m = parseNtlmMessage(TYPE1);
    expect(m.type).toBe(1);
    expect(m.flags >>> 0).toBe(0xe2088297);
    expect(m.flagNames).toContain('NEGOTIATE_UNICODE');
    expect(m.flagNames).toContain('NEGOTIATE_56');
    expect(m.type === 1 && m.version).toBe('10.0.19041/15');
  });

  it('decodes the Type 2 the mock builds, with the IIS target info', () => {
    const now = Date.UTC(2012, 5, 1, 12, 0, 0);
    const challenge = randomBytes(8);
    const m = parseNtlmMessage(buildChallenge(NAMES, challengeFlags(0xe2088297), challenge, now));
    if (m.type !== 2) throw new Error('expected a Type 2');
    expect(m.targetName).toBe('CONTOSO');
    expect(m.serverChallenge.equals(challenge)).toBe(true);
    expect(flagNames(m.flags)).toEqual(expect.arrayContaining(['NEGOTIATE_UNICODE', 'NEGOTIATE_TARGET_INFO', 'TARGET_TYPE_DOMAIN', 'NEGOTIATE_EXTENDED_SESSIONSECURITY']));
    expect(summarizeAvPairs(m.targetInfo)).toEqual([
      { name: 'MsvAvNbDomainName', value: 'CONTOSO' },
      { name: 'MsvAvNbComputerName', value: 'CAS01' },
      { name: 'MsvAvDnsDomainName', value: 'contoso.lab' },
      { name: 'MsvAvDnsComputerName', value: 'cas01.contoso.lab' },
      { name: 'MsvAvDnsTreeName', value: 'contoso.lab' },
      { name: 'MsvAvTimestamp', value: '2012-06-01T12:00:00.000Z' },
    ]);
    expect(summarizeNtlmMessage(m)).toMatchObject({ type: 2, serverChallenge: challenge.toString('hex') });
  });

  it('answers an OEM-only client in OEM and does not echo what was not asked', () => {
    const f = challengeFlags(NTLM_FLAGS.NEGOTIATE_OEM | NTLM_FLAGS.NEGOTIATE_NTLM);
    expect(f & NTLM_FLAGS.NEGOTIATE_UNICODE).toBe(0);
    expect(f & NTLM_FLAGS.NEGOTIATE_OEM).not.toBe(0);
    expect(f & NTLM_FLAGS.NEGOTIATE_KEY_EXCH).toBe(0);
    const m = parseNtlmMessage(buildChallenge(NAMES, f, randomBytes(8), Date.now()));
    expect(m.type === 2 && m.targetName).toBe('CONTOSO');
  });

  it('throws NtlmParseError (never a RangeError) on garbage, truncation and bad offsets', () => {
    const bad: Buffer[] = [
      Buffer.alloc(0),
      Buffer.from('NTLMSSP'),
      Buffer.from('NTLMSSQ\0\x01\0\0\0\0\0\0\0', 'latin1'),
      TYPE1.subarray(0, 14),
      Buffer.concat([TYPE1.subarray(0, 8), Buffer.from([9, 0, 0, 0])]),
      // Type 3 whose user field points far past the end.
      (() => {
        const b = Buffer.alloc(64);
        TYPE1.copy(b, 0, 0, 8);
        b.writeUInt32LE(3, 8);
        b.writeUInt16LE(10, 36);
        b.writeUInt32LE(0xfffffff0, 40);
        return b;
      })(),
    ];
    for (let i = 0; i < 200; i++) bad.push(randomBytes(i % 97));
    for (const b of bad) {
      let caught: unknown = null;
      try {
        parseNtlmMessage(b);
      } catch (e) {
        caught = e;
      }
      // Random bytes never carry the signature: each must be refused with our error class.
      expect(caught).toBeInstanceOf(NtlmParseError);
    }
  });

  it('finds NTLMSSP inside a SPNEGO token and reports it wrapped', () => {
    const wrapped = Buffer.concat([Buffer.from('604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a0428', 'hex'), TYPE1]);
    expect(extractNtlmToken(wrapped)).toMatchObject({ wrapped: true });
    expect(extractNtlmToken(TYPE1)).toMatchObject({ wrapped: false });
    expect(extractNtlmToken(randomBytes(40).fill(0x41))).toBeNull();
  });
});
