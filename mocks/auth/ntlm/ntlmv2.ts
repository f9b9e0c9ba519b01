/**
 * NTLMv2 arithmetic (MS-NLMP 3.3.2), server side. MD4 is not in Node 20's default OpenSSL 3
 * provider, so the NT hash uses js-md4's pure implementation (its `md4()` shortcut calls
 * node:crypto on Node and fails there: use `md4.arrayBuffer`). HMAC-MD5 is in node:crypto.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';

// js-md4 ships no types; this is the one method used.
const md4 = createRequire(import.meta.url)('js-md4') as { arrayBuffer(message: Uint8Array): ArrayBuffer };

function hmacMd5(key: Buffer, ...data: Buffer[]): Buffer {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
}

/**
 * NTOWFv1: MD4 of the UTF-16LE password (the "NT hash").
 * @example ntHash('Password').toString('hex') // 'a4f49c406510bdcab6824ee7c30fd852' (MS-NLMP 4.2.2.1.2)
 */
export function ntHash(password: string): Buffer {
  return Buffer.from(md4.arrayBuffer(Buffer.from(password, 'utf16le')));
}

/**
 * NTOWFv2: HMAC-MD5(NT hash, UTF-16LE(UPPER(user) + domain)). The domain is NOT upper-cased
 * (MS-NLMP 3.3.2), so the domain string is the one the client typed.
 * @example ntlmv2Hash('User', 'Domain', 'Password').toString('hex') // '0c868a403bfd7a93a3001ef22ef02e3f'
 */
export function ntlmv2Hash(user: string, domain: string, password: string): Buffer {
  return hmacMd5(ntHash(password), Buffer.from(user.toUpperCase() + domain, 'utf16le'));
}

/** NTProofStr = HMAC-MD5(NTOWFv2, ServerChallenge + blob), the first 16 bytes of an NTLMv2 response. */
export function ntProofStr(v2hash: Buffer, serverChallenge: Buffer, blob: Buffer): Buffer {
  return hmacMd5(v2hash, serverChallenge, blob);
}

/**
 * Check an NTLMv2 NT response (NTProofStr + blob) for one user. Tries the domain as sent and
 * upper-cased, as Samba's ntlm_password_check does, because clients differ in what they hash.
 * Returns false (never throws) on a response too short to hold a blob.
 * @example verifyNtlmv2({ user, domain, password, serverChallenge, ntResponse }) // true | false
 */
export function verifyNtlmv2(input: {
  user: string;
  domain: string;
  password: string;
  serverChallenge: Buffer;
  ntResponse: Buffer;
}): boolean {
  const { ntResponse } = input;
  // 16 bytes of proof + the blob header (28 bytes: versions, reserved, time, client challenge, reserved).
  if (ntResponse.length < 16 + 28) return false;
  // MS-NLMP 2.2.2.7: RespType and HiRespType are both 1.
  if (ntResponse[16] !== 1 || ntResponse[17] !== 1) return false;
  const proof = ntResponse.subarray(0, 16);
  const blob = ntResponse.subarray(16);
  const domains = [...new Set([input.domain, input.domain.toUpperCase()])];
  return domains.some((domain) => {
    const expected = ntProofStr(ntlmv2Hash(input.user, domain, input.password), input.serverChallenge, blob);
    return timingSafeEqual(expected, proof);
  });
}
