/** NTLM for the mock CAS: the authenticator and the message decoder (evidence for reports). */
export { NtlmAuthenticator, NTLM_OFFERS } from './authenticator.ts';
export type { NtlmAuthenticatorOptions, NtlmScheme, NtlmStep, NtlmUserLookup } from './authenticator.ts';
export { parseNtlmMessage, summarizeNtlmMessage, NTLMSSP_SIGNATURE } from './messages.ts';
export type { NtlmAuthenticate, NtlmChallenge, NtlmMessage, NtlmNegotiate, NtlmSummary } from './messages.ts';
export { NTLM_FLAGS, flagNames } from './flags.ts';
export { NtlmConfigError, NtlmParseError } from './errors.ts';
export { ntHash, ntlmv2Hash, ntProofStr, verifyNtlmv2 } from './ntlmv2.ts';
export { extractNtlmToken } from './spnego.ts';
