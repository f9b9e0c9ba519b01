/**
 * NTLM on the client side of the front door (Outlook Anywhere: 001 "enable NTLM in addition to basic
 * authentication"). As IIS does, the handshake and the identity belong to the TCP connection: the
 * challenge lives with the socket that got the NEGOTIATE, and once authenticated the connection
 * stays so. The password to check against comes from `lookup` (the topology file: the lab's model
 * of the domain controller's NETLOGON check).
 */
import { randomBytes } from 'node:crypto';
import { verifyNtlmv2 } from './crypto.ts';
import { challengeMessage, parseClientMessage, tokenOf, type ServerNames } from './messages.ts';

export interface NtlmAccount {
  samAccountName: string;
  password: string;
}

export type NtlmServerStep =
  | { kind: 'challenge'; header: string }
  | { kind: 'authenticated'; account: NtlmAccount; reused: boolean }
  | { kind: 'failed'; reason: string }
  | { kind: 'none' };

type State = { phase: 'challenged'; challenge: Buffer; scheme: string } | { phase: 'authenticated'; account: NtlmAccount };

/**
 * @example
 * const ntlm = new NtlmServer(names, (user) => accounts.get(user.toLowerCase()));
 * const step = ntlm.step(req.socket, req.headers.authorization);
 */
export class NtlmServer {
  #states = new WeakMap<object, State>();
  constructor(readonly names: ServerNames, readonly lookup: (user: string, domain: string) => NtlmAccount | undefined) {}

  /** Advance the handshake of this connection. Never throws. */
  step(connection: object, authorization: string | undefined): NtlmServerStep {
    const t = tokenOf(authorization);
    if (!t) {
      const bound = this.#states.get(connection);
      if (!authorization && bound?.phase === 'authenticated') return { kind: 'authenticated', account: bound.account, reused: true };
      return { kind: 'none' };
    }
    const previous = this.#states.get(connection);
    this.#states.delete(connection); // any new token starts over, as IIS does
    try {
      const msg = parseClientMessage(t.token);
      if (msg.type === 1) {
        const challenge = randomBytes(8);
        this.#states.set(connection, { phase: 'challenged', challenge, scheme: t.scheme });
        return { kind: 'challenge', header: `${t.scheme} ${challengeMessage(this.names, msg.flags, challenge).toString('base64')}` };
      }
      if (previous?.phase !== 'challenged') return { kind: 'failed', reason: 'AUTHENTICATE without a challenge on this connection' };
      if (!msg.user || msg.ntResponse.length <= 24) return { kind: 'failed', reason: 'anonymous or NTLMv1 AUTHENTICATE refused (NTLMv2 only)' };
      const account = this.lookup(msg.user, msg.domain);
      if (!account) return { kind: 'failed', reason: `unknown user ${msg.domain}\\${msg.user}` };
      if (!verifyNtlmv2({ user: msg.user, domain: msg.domain, password: account.password, serverChallenge: previous.challenge, ntResponse: msg.ntResponse })) {
        return { kind: 'failed', reason: `wrong NTLMv2 response for ${msg.domain}\\${msg.user}` };
      }
      this.#states.set(connection, { phase: 'authenticated', account });
      return { kind: 'authenticated', account, reused: false };
    } catch (err) {
      return { kind: 'failed', reason: (err as Error).message };
    }
  }
}
