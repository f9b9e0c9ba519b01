/**
 * Reading a 401's WWW-Authenticate offers, for the clients that run NTLM on a kept-alive connection
 * (the identity rules' client and the load generator): the NTLM/Negotiate challenge, and whether Basic
 * is offered.
 * @example
 * const token = challengeOf(res.headers['www-authenticate']); // Type 2 message, or null
 */
import { parseType2 } from './ntlm.ts';

/** The first NTLM or Negotiate offer that carries a well-formed Type 2 challenge, or null. */
export function challengeOf(values: string | string[] | undefined): Buffer | null {
  for (const offer of ([] as string[]).concat(values ?? []).flatMap((v) => v.split(','))) {
    const m = /^\s*(NTLM|Negotiate)\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(offer);
    if (!m) continue;
    const token = Buffer.from(m[2]!, 'base64');
    try {
      parseType2(token);
      return token;
    } catch {
      // not a challenge
    }
  }
  return null;
}

/** Whether any offer is Basic. */
export const offersBasic = (values: string | string[] | undefined): boolean => ([] as string[]).concat(values ?? []).some((v) => /^\s*basic\b/i.test(v));
