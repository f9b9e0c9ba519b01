/**
 * Errors of the NTLM mock. The authenticator never throws at a client (a bad token becomes a
 * `failed` step); `NtlmParseError` is what `parseNtlmMessage` throws for a caller that decodes
 * evidence itself.
 */
export class NtlmParseError extends Error {
  readonly code = 'NTLM_PARSE_ERR';
  constructor(message: string) {
    super(message);
    this.name = 'NtlmParseError';
  }
}

/** Bad options given to `new NtlmAuthenticator(...)`: a lab configuration error, thrown at start. */
export class NtlmConfigError extends Error {
  readonly code = 'NTLM_CONFIG_ERR';
  constructor(message: string) {
    super(message);
    this.name = 'NtlmConfigError';
  }
}
