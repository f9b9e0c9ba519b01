/**
 * NTLMSSP negotiate flags (MS-NLMP 2.2.2.5) and a helper that names them for evidence.
 * Only the flags this mock reads or sets are given constants; `flagNames` names every defined bit.
 */
export const NTLM_FLAGS = {
  NEGOTIATE_UNICODE: 0x00000001,
  NEGOTIATE_OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  NEGOTIATE_SIGN: 0x00000010,
  NEGOTIATE_SEAL: 0x00000020,
  NEGOTIATE_DATAGRAM: 0x00000040,
  NEGOTIATE_LM_KEY: 0x00000080,
  NEGOTIATE_NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  NEGOTIATE_OEM_DOMAIN_SUPPLIED: 0x00001000,
  NEGOTIATE_OEM_WORKSTATION_SUPPLIED: 0x00002000,
  NEGOTIATE_ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  NEGOTIATE_EXTENDED_SESSIONSECURITY: 0x00080000,
  NEGOTIATE_IDENTIFY: 0x00100000,
  REQUEST_NON_NT_SESSION_KEY: 0x00400000,
  NEGOTIATE_TARGET_INFO: 0x00800000,
  NEGOTIATE_VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  NEGOTIATE_KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

export type NtlmFlagName = keyof typeof NTLM_FLAGS;

/**
 * Names of the bits set in `flags`, in bit order; unknown bits appear as `0x...`.
 * @example flagNames(0x00000201) // ['NEGOTIATE_UNICODE', 'NEGOTIATE_NTLM']
 */
export function flagNames(flags: number): string[] {
  const names: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const mask = (1 << bit) >>> 0;
    if (((flags >>> 0) & mask) === 0) continue;
    const name = (Object.keys(NTLM_FLAGS) as NtlmFlagName[]).find((k) => NTLM_FLAGS[k] === mask);
    names.push(name ?? `0x${mask.toString(16).padStart(8, '0')}`);
  }
  return names;
}

/** True when every bit of `mask` is set in `flags` (unsigned, so bit 31 works). */
export function hasFlag(flags: number, mask: number): boolean {
  return ((flags >>> 0) & mask) >>> 0 === mask >>> 0;
}
