/**
 * Decoding of the three NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE (Type 1), CHALLENGE (Type 2)
 * and AUTHENTICATE (Type 3). Every length and offset is checked against the buffer, so hostile
 * bytes end in an NtlmParseError and never in a read past the end.
 */
import { decodeAvPairs, summarizeAvPairs, type AvPair, type AvPairSummary } from './av-pairs.ts';
import { NtlmParseError } from './errors.ts';
import { NTLM_FLAGS, flagNames, hasFlag } from './flags.ts';

export const NTLMSSP_SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export interface NtlmNegotiate {
  type: 1;
  flags: number;
  flagNames: string[];
  /** OEM domain and workstation the client volunteered (usually empty). */
  domain: string;
  workstation: string;
  version: string | null;
}

export interface NtlmChallenge {
  type: 2;
  flags: number;
  flagNames: string[];
  targetName: string;
  serverChallenge: Buffer;
  targetInfo: AvPair[];
  version: string | null;
}

export interface NtlmAuthenticate {
  type: 3;
  flags: number;
  flagNames: string[];
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedSessionKey: Buffer;
  version: string | null;
  /** What the NT response is: v2 (longer than 24 bytes), v1 (24 bytes: NTLMv1 or NTLM2 session), none. */
  responseKind: 'v2' | 'v1' | 'none';
}

export type NtlmMessage = NtlmNegotiate | NtlmChallenge | NtlmAuthenticate;

/** A message with the secret-bearing fields left out: what a report may show. */
export type NtlmSummary =
  | Omit<NtlmNegotiate, 'flags'> & { flags: string }
  | (Omit<NtlmChallenge, 'flags' | 'serverChallenge' | 'targetInfo'> & { flags: string; serverChallenge: string; targetInfo: AvPairSummary[] })
  | (Omit<NtlmAuthenticate, 'flags' | 'lmResponse' | 'ntResponse' | 'encryptedSessionKey'> & { flags: string; ntResponseLength: number });

/** Read a security buffer (u16 len, u16 maxlen, u32 offset) at `at` and return the bytes it points to. */
function field(buf: Buffer, at: number, name: string): Buffer {
  if (at + 8 > buf.length) throw new NtlmParseError(`${name} field is truncated`);
  const len = buf.readUInt16LE(at);
  const offset = buf.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (offset + len > buf.length) throw new NtlmParseError(`${name} points past the end of the message`);
  return buf.subarray(offset, offset + len);
}

function text(b: Buffer, unicode: boolean): string {
  return unicode ? b.toString('utf16le') : b.toString('latin1');
}

/** The 8-byte VERSION structure (2.2.2.10) as `major.minor.build/revision`, when the flag says it is there. */
function version(buf: Buffer, at: number, flags: number): string | null {
  if (!hasFlag(flags, NTLM_FLAGS.NEGOTIATE_VERSION) || at + 8 > buf.length) return null;
  return `${buf[at]}.${buf[at + 1]}.${buf.readUInt16LE(at + 2)}/${buf[at + 7]}`;
}

/**
 * Decode any of the three NTLMSSP messages. Throws NtlmParseError on a wrong signature, an unknown
 * type, a truncated header or a field pointing outside the message.
 * @example
 * const m = parseNtlmMessage(Buffer.from(token, 'base64'));
 * if (m.type === 3) console.log(m.domain, m.user, m.responseKind);
 */
export function parseNtlmMessage(buf: Buffer): NtlmMessage {
  if (buf.length < 12 || !buf.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) {
    throw new NtlmParseError('not an NTLMSSP message (signature missing)');
  }
  const type = buf.readUInt32LE(8);
  if (type === 1) {
    if (buf.length < 16) throw new NtlmParseError('NEGOTIATE message is truncated');
    const flags = buf.readUInt32LE(12);
    // Domain and workstation fields are optional in old clients (a 16-byte Type 1).
    const domain = buf.length >= 24 ? text(field(buf, 16, 'DomainName'), false) : '';
    const workstation = buf.length >= 32 ? text(field(buf, 24, 'Workstation'), false) : '';
    return { type, flags, flagNames: flagNames(flags), domain, workstation, version: version(buf, 32, flags) };
  }
  if (type === 2) {
    if (buf.length < 32) throw new NtlmParseError('CHALLENGE message is truncated');
    const flags = buf.readUInt32LE(20);
    const unicode = hasFlag(flags, NTLM_FLAGS.NEGOTIATE_UNICODE);
    const targetName = text(field(buf, 12, 'TargetName'), unicode);
    const info = buf.length >= 48 ? field(buf, 40, 'TargetInfo') : Buffer.alloc(0);
    return {
      type,
      flags,
      flagNames: flagNames(flags),
      targetName,
      serverChallenge: Buffer.from(buf.subarray(24, 32)),
      targetInfo: decodeAvPairs(info),
      version: version(buf, 48, flags),
    };
  }
  if (type === 3) {
    if (buf.length < 52) throw new NtlmParseError('AUTHENTICATE message is truncated');
    // NegotiateFlags sit at 60; a pre-NT4 52-byte message has none (treated as OEM).
    const flags = buf.length >= 64 ? buf.readUInt32LE(60) : 0;
    const unicode = hasFlag(flags, NTLM_FLAGS.NEGOTIATE_UNICODE);
    const ntResponse = field(buf, 20, 'NtChallengeResponse');
    return {
      type,
      flags,
      flagNames: flagNames(flags),
      lmResponse: field(buf, 12, 'LmChallengeResponse'),
      ntResponse,
      domain: text(field(buf, 28, 'DomainName'), unicode),
      user: text(field(buf, 36, 'UserName'), unicode),
      workstation: text(field(buf, 44, 'Workstation'), unicode),
      encryptedSessionKey: buf.length >= 60 ? field(buf, 52, 'EncryptedRandomSessionKey') : Buffer.alloc(0),
      version: version(buf, 64, flags),
      responseKind: ntResponse.length > 24 ? 'v2' : ntResponse.length === 24 ? 'v1' : 'none',
    };
  }
  throw new NtlmParseError(`unknown NTLMSSP message type ${type}`);
}

/** The message without responses, keys or hashes, for journals and reports. */
export function summarizeNtlmMessage(m: NtlmMessage): NtlmSummary {
  const flags = `0x${(m.flags >>> 0).toString(16).padStart(8, '0')}`;
  if (m.type === 1) return { ...m, flags };
  if (m.type === 2) {
    return { ...m, flags, serverChallenge: m.serverChallenge.toString('hex'), targetInfo: summarizeAvPairs(m.targetInfo) };
  }
  const { lmResponse: _lm, ntResponse, encryptedSessionKey: _k, ...rest } = m;
  return { ...rest, flags, ntResponseLength: ntResponse.length };
}
