/**
 * NTLMSSP messages (MS-NLMP 2.2.1): NEGOTIATE (Type 1), CHALLENGE (Type 2) and AUTHENTICATE
 * (Type 3), built and parsed. Only what an HTTP NTLMv2 exchange needs: no signing, no sealing, no
 * key exchange (HTTP authentication uses none of them).
 */
import { randomBytes } from 'node:crypto';
import { fileTime, ntlmv2Responses } from './crypto.ts';

export const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

export const F = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NTLM: 0x00000200,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  N128: 0x20000000,
  N56: 0x80000000,
} as const;

const AV = { EOL: 0, NB_COMPUTER: 1, NB_DOMAIN: 2, DNS_COMPUTER: 3, DNS_DOMAIN: 4, TIMESTAMP: 7 } as const;

export class NtlmMessageError extends Error {
  readonly code = 'FRONTDOOR_NTLM_MESSAGE';
}

/** The Type 1 flags a Windows HTTP client sends (Unicode, NTLM, extended session security, 128/56). */
const CLIENT_FLAGS = (F.UNICODE | F.OEM | F.REQUEST_TARGET | F.NTLM | F.ALWAYS_SIGN | F.EXTENDED_SESSIONSECURITY | F.N128 | F.N56) >>> 0;

/** A 32-byte NEGOTIATE message without domain or workstation. */
export function negotiateMessage(): Buffer {
  const b = Buffer.alloc(32);
  SIGNATURE.copy(b, 0);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(CLIENT_FLAGS, 12);
  return b;
}

function securityBuffer(buf: Buffer, at: number, what: string): Buffer {
  if (at + 8 > buf.length) throw new NtlmMessageError(`${what} field is truncated`);
  const len = buf.readUInt16LE(at);
  const off = buf.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (off + len > buf.length) throw new NtlmMessageError(`${what} points past the end of the message`);
  return buf.subarray(off, off + len);
}

function checkType(buf: Buffer, type: number, min: number): void {
  if (buf.length < min || !buf.subarray(0, 8).equals(SIGNATURE)) throw new NtlmMessageError('not an NTLMSSP message');
  if (buf.readUInt32LE(8) !== type) throw new NtlmMessageError(`expected an NTLMSSP message of type ${type}, got ${buf.readUInt32LE(8)}`);
}

export interface Challenge {
  flags: number;
  serverChallenge: Buffer;
  targetInfo: Buffer;
  /** MsvAvTimestamp when the server sent one. */
  timestamp: Buffer | null;
}

/** Parse a CHALLENGE message (the client side of the hop). Throws NtlmMessageError on bad bytes. */
export function parseChallenge(buf: Buffer): Challenge {
  checkType(buf, 2, 32);
  const flags = buf.readUInt32LE(20);
  const targetInfo = buf.length >= 48 ? Buffer.from(securityBuffer(buf, 40, 'TargetInfo')) : Buffer.alloc(0);
  let timestamp: Buffer | null = null;
  for (let at = 0; at + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(at);
    const len = targetInfo.readUInt16LE(at + 2);
    if (id === AV.EOL) break;
    if (id === AV.TIMESTAMP && len === 8 && at + 12 <= targetInfo.length) timestamp = Buffer.from(targetInfo.subarray(at + 4, at + 12));
    at += 4 + len;
  }
  return { flags, serverChallenge: Buffer.from(buf.subarray(24, 32)), targetInfo, timestamp };
}

/** An AUTHENTICATE message answering `challenge` for user/domain/password with NTLMv2. */
export function authenticateMessage(challenge: Challenge, o: { user: string; domain: string; password: string; workstation?: string; now?: number }): Buffer {
  const { nt, lm } = ntlmv2Responses({
    user: o.user, domain: o.domain, password: o.password, serverChallenge: challenge.serverChallenge, targetInfo: challenge.targetInfo,
    time: challenge.timestamp ?? fileTime(o.now ?? Date.now()), clientChallenge: randomBytes(8),
  });
  const u = (s: string) => Buffer.from(s, 'utf16le');
  const fields = [lm, nt, u(o.domain), u(o.user), u(o.workstation ?? 'CAS2013'), Buffer.alloc(0)];
  const head = Buffer.alloc(64);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(3, 8);
  let offset = 64;
  fields.forEach((f, i) => {
    head.writeUInt16LE(f.length, 12 + i * 8);
    head.writeUInt16LE(f.length, 14 + i * 8);
    head.writeUInt32LE(offset, 16 + i * 8);
    offset += f.length;
  });
  const flags = (F.UNICODE | F.REQUEST_TARGET | F.NTLM | F.ALWAYS_SIGN | (challenge.flags & (F.EXTENDED_SESSIONSECURITY | F.N128 | F.N56))) >>> 0;
  head.writeUInt32LE(flags, 60);
  return Buffer.concat([head, ...fields]);
}

/** Server side: the names a CHALLENGE carries. */
export interface ServerNames {
  netbiosDomain: string;
  dnsDomain: string;
  computerName: string;
  dnsComputerName: string;
}

function avPairs(pairs: [number, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [id, v] of pairs) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(id, 0);
    h.writeUInt16LE(v.length, 2);
    parts.push(h, v);
  }
  parts.push(Buffer.alloc(4)); // MsvAvEOL
  return Buffer.concat(parts);
}

/** Server side: a CHALLENGE message answering a client's NEGOTIATE flags. */
export function challengeMessage(names: ServerNames, clientFlags: number, serverChallenge: Buffer, now = Date.now()): Buffer {
  const u = (s: string) => Buffer.from(s, 'utf16le');
  const unicode = (clientFlags & F.UNICODE) !== 0;
  const flags = ((unicode ? F.UNICODE : F.OEM) | F.REQUEST_TARGET | F.NTLM | F.TARGET_TYPE_DOMAIN | F.TARGET_INFO | (clientFlags & (F.EXTENDED_SESSIONSECURITY | F.ALWAYS_SIGN | F.N128 | F.N56))) >>> 0;
  const target = Buffer.from(names.netbiosDomain.toUpperCase(), unicode ? 'utf16le' : 'latin1');
  const info = avPairs([
    [AV.NB_DOMAIN, u(names.netbiosDomain.toUpperCase())],
    [AV.NB_COMPUTER, u(names.computerName.toUpperCase())],
    [AV.DNS_DOMAIN, u(names.dnsDomain)],
    [AV.DNS_COMPUTER, u(names.dnsComputerName)],
    [AV.TIMESTAMP, fileTime(now)],
  ]);
  const head = Buffer.alloc(48);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(48, 16);
  head.writeUInt32LE(flags, 20);
  serverChallenge.copy(head, 24, 0, 8);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(48 + target.length, 44);
  return Buffer.concat([head, target, info]);
}

export interface Negotiate {
  type: 1;
  flags: number;
}
export interface Authenticate {
  type: 3;
  flags: number;
  user: string;
  domain: string;
  ntResponse: Buffer;
}

/** Server side: parse a client's NEGOTIATE or AUTHENTICATE. Throws NtlmMessageError on bad bytes. */
export function parseClientMessage(buf: Buffer): Negotiate | Authenticate {
  if (buf.length < 12 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new NtlmMessageError('not an NTLMSSP message');
  const type = buf.readUInt32LE(8);
  if (type === 1) {
    checkType(buf, 1, 16);
    return { type: 1, flags: buf.readUInt32LE(12) };
  }
  if (type === 3) {
    checkType(buf, 3, 64);
    const flags = buf.readUInt32LE(60);
    const text = (b: Buffer) => ((flags & F.UNICODE) !== 0 ? b.toString('utf16le') : b.toString('latin1'));
    return {
      type: 3, flags,
      ntResponse: Buffer.from(securityBuffer(buf, 20, 'NtChallengeResponse')),
      domain: text(securityBuffer(buf, 28, 'DomainName')),
      user: text(securityBuffer(buf, 36, 'UserName')),
    };
  }
  throw new NtlmMessageError(`unexpected NTLMSSP message type ${type} from a client`);
}

/** The NTLMSSP token inside an `NTLM <b64>` or `Negotiate <b64>` header (raw or SPNEGO-wrapped), or null. */
export function tokenOf(header: string | undefined | null): { scheme: 'NTLM' | 'Negotiate'; token: Buffer } | null {
  const m = /^\s*(NTLM|Negotiate)\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!m || m[2]!.length > 16 * 1024) return null;
  const raw = Buffer.from(m[2]!, 'base64');
  const at = raw.indexOf(SIGNATURE);
  if (at < 0) return null;
  return { scheme: m[1]!.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate', token: raw.subarray(at) };
}
