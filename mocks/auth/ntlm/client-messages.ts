/**
 * NTLM messages of the suite's client: NEGOTIATE (Type 1) and NTLMv2 AUTHENTICATE (Type 3), built
 * here without a dependency (MS-NLMP 2.2.1, 3.3.2). The crypto is written again, apart from
 * mocks/auth/ntlm, so the client and the mock check each other; both are pinned to the MS-NLMP
 * 4.2.4 test vector. The transport is ntlm.ts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

// js-md4 ships no types; md4.arrayBuffer is its pure-JS path (its default export calls node:crypto,
// which has no MD4 under Node 20's OpenSSL 3 default provider).
const md4 = createRequire(import.meta.url)('js-md4') as { arrayBuffer(message: Uint8Array): ArrayBuffer };

/**
 * A Type 2 the client cannot use (bad signature, truncated, field out of range), or a request that
 * failed at the transport; `transcript` then holds what was exchanged before the failure.
 */
export class NtlmClientError extends Error {
  readonly code = 'NTLM_CLIENT_ERR';
  constructor(
    message: string,
    readonly transcript: { dir: 'C' | 'S'; line: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'NtlmClientError';
  }
}

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');
const UNICODE = 0x00000001;
const OEM = 0x00000002;
const REQUEST_TARGET = 0x00000004;
const NTLM = 0x00000200;
const ALWAYS_SIGN = 0x00008000;
const EXTENDED_SESSIONSECURITY = 0x00080000;
const TARGET_INFO = 0x00800000;
const VERSION = 0x02000000;
const N128 = 0x20000000;
const N56 = 0x80000000;
// Windows 10 (10.0.19041), NTLMSSP revision 15.
const CLIENT_VERSION = Buffer.from([10, 0, 0x61, 0x4a, 0, 0, 0, 15]);
const AV_TIMESTAMP = 7;

export interface NtlmCredentials {
  user: string;
  password: string;
  domain: string;
  workstation?: string;
}

/** The fields of a Type 2 a client needs. */
export interface ParsedChallenge {
  flags: number;
  targetName: string;
  serverChallenge: Buffer;
  /** Raw target info (AV pairs, MsvAvEOL included), echoed in the NTLMv2 blob. */
  targetInfo: Buffer;
  /** MsvAvTimestamp when the server sent one. */
  timestamp: Buffer | null;
}

/**
 * A NEGOTIATE message: Unicode, NTLM, extended session security, 128/56, version; no domain or
 * workstation supplied (as Windows sends it).
 * @example `Authorization: NTLM ${createType1().toString('base64')}`
 */
export function createType1(): Buffer {
  const flags = (UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | VERSION | N128 | N56) >>> 0;
  const b = Buffer.alloc(40);
  SIGNATURE.copy(b, 0);
  b.writeUInt32LE(1, 8);
  b.writeUInt32LE(flags, 12);
  b.writeUInt32LE(40, 20); // DomainNameFields: empty, offset after the header
  b.writeUInt32LE(40, 28); // WorkstationFields: empty
  CLIENT_VERSION.copy(b, 32);
  return b;
}

/** Decode a CHALLENGE message (raw, or found inside a SPNEGO token). Throws NtlmClientError. */
export function parseType2(token: Buffer): ParsedChallenge {
  const at = token.indexOf(SIGNATURE);
  if (at < 0) throw new NtlmClientError('no NTLMSSP message in the challenge');
  const b = token.subarray(at);
  if (b.length < 32 || b.readUInt32LE(8) !== 2) throw new NtlmClientError('not an NTLM CHALLENGE message');
  const field = (pos: number): Buffer => {
    if (pos + 8 > b.length) return Buffer.alloc(0);
    const len = b.readUInt16LE(pos);
    const off = b.readUInt32LE(pos + 4);
    if (off + len > b.length) throw new NtlmClientError(`CHALLENGE field at ${pos} points past the message`);
    return b.subarray(off, off + len);
  };
  const flags = b.readUInt32LE(20);
  const targetInfo = b.length >= 48 ? field(40) : Buffer.alloc(0);
  let timestamp: Buffer | null = null;
  // Bounded walk: each AV pair is at least 4 bytes.
  for (let p = 0; p + 4 <= targetInfo.length; ) {
    const id = targetInfo.readUInt16LE(p);
    const len = targetInfo.readUInt16LE(p + 2);
    if (id === 0 || p + 4 + len > targetInfo.length) break;
    if (id === AV_TIMESTAMP && len === 8) timestamp = Buffer.from(targetInfo.subarray(p + 4, p + 12));
    p += 4 + len;
  }
  const name = field(12);
  return {
    flags,
    targetName: flags & UNICODE ? name.toString('utf16le') : name.toString('latin1'),
    serverChallenge: Buffer.from(b.subarray(24, 32)),
    targetInfo: Buffer.from(targetInfo),
    timestamp,
  };
}

function hmacMd5(key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/**
 * An NTLMv2 AUTHENTICATE message answering `type2`. `fixed` pins the client challenge and the
 * timestamp (tests use the MS-NLMP 4.2.4 values); otherwise they are random and the server's
 * MsvAvTimestamp (or now).
 * @example createType3(type2, { user: 'user1', password: 'P@ssw0rd', domain: 'CONTOSO' })
 */
export function createType3(
  type2: Buffer,
  creds: NtlmCredentials,
  fixed: { clientChallenge?: Buffer; timestamp?: Buffer } = {},
): Buffer {
  const ch = parseType2(type2);
  const unicode = (ch.flags & UNICODE) !== 0;
  const enc = (s: string) => Buffer.from(s, unicode ? 'utf16le' : 'latin1');
  const clientChallenge = fixed.clientChallenge ?? randomBytes(8);
  const timestamp = fixed.timestamp ?? ch.timestamp ?? fileTimeNow();
  // NTOWFv2 (MS-NLMP 3.3.2): user upper-cased, domain as typed.
  const ntHash = Buffer.from(md4.arrayBuffer(Buffer.from(creds.password, 'utf16le')));
  const v2hash = hmacMd5(ntHash, Buffer.from(creds.user.toUpperCase() + creds.domain, 'utf16le'));
  const blob = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    ch.targetInfo,
    Buffer.alloc(4),
  ]);
  const ntResponse = Buffer.concat([hmacMd5(v2hash, ch.serverChallenge, blob), blob]);
  // MS-NLMP 3.1.5.1.2: with a server MsvAvTimestamp the LM response is Z(24); else LMv2.
  const lmResponse = ch.timestamp
    ? Buffer.alloc(24)
    : Buffer.concat([hmacMd5(v2hash, ch.serverChallenge, clientChallenge), clientChallenge]);
  // No key exchange, signing or sealing: HTTP authentication needs none of them.
  const keep = UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | TARGET_INFO | VERSION | N128 | N56;
  const flags = ((ch.flags & keep) | (unicode ? 0 : OEM)) >>> 0;
  const payload: [number, Buffer][] = [
    [28, enc(creds.domain)],
    [36, enc(creds.user)],
    [44, enc(creds.workstation ?? 'WORKSTATION')],
    [12, lmResponse],
    [20, ntResponse],
    [52, Buffer.alloc(0)], // EncryptedRandomSessionKey: none without KEY_EXCH
  ];
  const head = Buffer.alloc(72);
  SIGNATURE.copy(head, 0);
  head.writeUInt32LE(3, 8);
  let offset = head.length;
  for (const [pos, data] of payload) {
    head.writeUInt16LE(data.length, pos);
    head.writeUInt16LE(data.length, pos + 2);
    head.writeUInt32LE(offset, pos + 4);
    offset += data.length;
  }
  head.writeUInt32LE(flags, 60);
  CLIENT_VERSION.copy(head, 64);
  return Buffer.concat([head, ...payload.map(([, d]) => d)]);
}

function fileTimeNow(): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(Date.now()) * 10000n + 116444736000000000n);
  return b;
}
