/**
 * Negotiate tokens. SPNEGO (RFC 4178) wraps NTLMSSP in DER (NegTokenInit / NegTokenResp); this mock
 * does not decode the DER. It finds the NTLMSSP signature inside the token and takes the message
 * from there: message fields are offsets from the signature, so trailing DER (a mechListMIC) is
 * harmless. Simplification, documented in README.md: the mock answers with a raw NTLMSSP
 * challenge under `Negotiate`, where IIS would wrap it in a NegTokenResp. Windows' Negotiate
 * package and most HTTP clients accept the raw form.
 */
import { NTLMSSP_SIGNATURE } from './messages.ts';

/** The NTLMSSP message inside a token and whether it came wrapped; null when there is none. */
export function extractNtlmToken(token: Buffer): { ntlm: Buffer; wrapped: boolean } | null {
  const at = token.indexOf(NTLMSSP_SIGNATURE);
  if (at < 0) return null;
  return { ntlm: token.subarray(at), wrapped: at > 0 };
}
