/**
 * NTLMv2 arithmetic (MS-NLMP 3.3.2), for both sides of the front door: it verifies clients that
 * authenticate with NTLM (Outlook Anywhere) and answers legacy CAS challenges on the hop. MD4 (the
 * NT hash) is not in Node 20's default OpenSSL 3 provider: js-md4's pure implementation is used
 * (its `md4()` shortcut calls node:crypto on Node and fails there, hence `arrayBuffer`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';

const md4 = createRequire(import.meta.url)('js-md4') as { arrayBuffer(message: Uint8Array): ArrayBuffer };

export function hmacMd5(key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** NTOWFv1, the "NT hash": MD4 of the UTF-16LE password. */
export function ntHash(password: string): Buffer {
  return Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
}

/**
 * NTOWFv2 = HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)); the domain is not upper-cased (MS-NLMP 3.3.2).
 * @example ntowfv2('User', 'Domain', 'Password').toString('hex') // '0c868a403bfd7a93a3001ef22ef02e3f' (MS-NLMP 4.2.4.1.1)
 */
export function ntowfv2(user: string, domain: string, password: string): Buffer {
  return hmacMd5(ntHash(password), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

/** Windows FILETIME (100 ns since 1601) of a JS time, little-endian. */
export function fileTime(ms: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(Math.floor(ms)) + 11_644_473_600_000n) * 10_000n);
  return b;
}

/**
 * The client's NTLMv2 and LMv2 responses to a server challenge (MS-NLMP 3.3.2 ComputeResponse).
 * `time` is the server's MsvAvTimestamp when it sent one; `clientChallenge` is 8 random bytes.
 */
export function ntlmv2Responses(o: { user: string; domain: string; password: string; serverChallenge: Buffer; targetInfo: Buffer; time: Buffer; clientChallenge: Buffer }): { nt: Buffer; lm: Buffer } {
  const key = ntowfv2(o.user, o.domain, o.password);
  // temp = RespType 1, HiRespType 1, Z(6), Time, ClientChallenge, Z(4), ServerName (target info), Z(4)
  const temp = Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), o.time, o.clientChallenge, Buffer.alloc(4), o.targetInfo, Buffer.alloc(4)]);
  const proof = hmacMd5(key, o.serverChallenge, temp);
  const lm = Buffer.concat([hmacMd5(key, o.serverChallenge, o.clientChallenge), o.clientChallenge]);
  return { nt: Buffer.concat([proof, temp]), lm };
}

/**
 * Server side: is `ntResponse` (NTProofStr + blob) right for this user, password and challenge?
 * The domain is tried as sent and upper-cased (clients differ; Samba does the same). Never throws.
 */
export function verifyNtlmv2(o: { user: string; domain: string; password: string; serverChallenge: Buffer; ntResponse: Buffer }): boolean {
  if (o.ntResponse.length < 16 + 28 || o.ntResponse[16] !== 1 || o.ntResponse[17] !== 1) return false;
  const proof = o.ntResponse.subarray(0, 16);
  const blob = o.ntResponse.subarray(16);
  return [...new Set([o.domain, o.domain.toUpperCase()])].some((d) => timingSafeEqual(hmacMd5(ntowfv2(o.user, d, o.password), o.serverChallenge, blob), proof));
}
