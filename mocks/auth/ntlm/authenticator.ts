/**
 * IIS-like Integrated Windows authentication for the mock CAS: NTLM under `WWW-Authenticate: NTLM`
 * and under `Negotiate` (NTLMSSP raw or inside SPNEGO, see spnego.ts). As IIS does, the handshake
 * and the identity belong to the TCP connection: the challenge lives with the socket that got the
 * Type 1, a Type 3 on another socket fails, and once authenticated the connection stays so with
 * no header on later requests (PROTOCOL-FACTS: legacy vdirs answer 401 NTLM / Negotiate).
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { buildChallenge, challengeFlags, type ChallengeNames } from './challenge.ts';
import { NtlmConfigError } from './errors.ts';
import { NTLM_FLAGS, hasFlag } from './flags.ts';
import { parseNtlmMessage, summarizeNtlmMessage, type NtlmSummary } from './messages.ts';
import { verifyNtlmv2 } from './ntlmv2.ts';
import { extractNtlmToken } from './spnego.ts';

export type NtlmScheme = 'NTLM' | 'Negotiate';

/** The directory's answer for a user named in a Type 3; undefined when unknown (or the domain is not ours). */
export interface NtlmUserLookup {
  (user: string, domain: string): { samAccountName: string; password: string } | undefined;
}

/** What the vdir does next. `message` is the decoded client token without secrets, for the journal. */
export type NtlmStep =
  | { kind: 'challenge'; header: string; scheme: NtlmScheme; message?: NtlmSummary }
  | { kind: 'authenticated'; user: string; domain: string; scheme: NtlmScheme; reused?: boolean; message?: NtlmSummary }
  | { kind: 'failed'; reason: string; scheme?: NtlmScheme; message?: NtlmSummary }
  | { kind: 'none' };

/** The offers a 401 carries, in IIS's order (Negotiate first). */
export const NTLM_OFFERS: readonly string[] = ['Negotiate', 'NTLM'];

export interface NtlmAuthenticatorOptions extends ChallengeNames {
  lookup: NtlmUserLookup;
}

type State =
  | { phase: 'challenged'; scheme: NtlmScheme; challenge: Buffer }
  | { phase: 'authenticated'; scheme: NtlmScheme; user: string; domain: string };

// Real tokens are under 2 KB; IIS refuses headers past 16 KB (MaxFieldLength).
const MAX_TOKEN_CHARS = 16 * 1024;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * One per mock server; holds per-connection state in a WeakMap so a closed socket frees it.
 * @example
 * const auth = new NtlmAuthenticator({ netbiosDomain: 'CONTOSO', dnsDomain: 'contoso.lab',
 *   computerName: 'CAS01', dnsComputerName: 'cas01.contoso.lab', lookup });
 * const s = auth.step(req.socket, req.headers.authorization);
 * if (s.kind === 'challenge') res.writeHead(401, { 'WWW-Authenticate': s.header }).end();
 */
export class NtlmAuthenticator {
  readonly #names: ChallengeNames;
  readonly #lookup: NtlmUserLookup;
  readonly #states = new WeakMap<Socket, State>();

  constructor(opts: NtlmAuthenticatorOptions) {
    if (!opts || typeof opts !== 'object') throw new NtlmConfigError('options must be an object');
    for (const k of ['netbiosDomain', 'dnsDomain', 'computerName', 'dnsComputerName'] as const) {
      if (typeof opts[k] !== 'string' || opts[k] === '') throw new NtlmConfigError(`${k} must be a non-empty string`);
    }
    if (typeof opts.lookup !== 'function') throw new NtlmConfigError('lookup must be a function');
    this.#names = { netbiosDomain: opts.netbiosDomain, dnsDomain: opts.dnsDomain, computerName: opts.computerName, dnsComputerName: opts.dnsComputerName };
    this.#lookup = opts.lookup;
  }

  /** The identity already bound to this connection, as `samAccountName`. */
  userOf(socket: Socket): string | undefined {
    const s = this.#states.get(socket);
    return s?.phase === 'authenticated' ? s.user : undefined;
  }

  /** Forget the connection's handshake and identity (e.g. when a fault is injected). */
  reset(socket: Socket): void {
    this.#states.delete(socket);
  }

  /**
   * Advance the handshake of `socket` with the request's Authorization header. Never throws.
   * No header on an authenticated connection gives `authenticated` with `reused: true`; no header
   * otherwise, or another scheme (Basic), gives `none`.
   */
  step(socket: Socket, authorization: string | null | undefined): NtlmStep {
    const m = /^\s*(NTLM|Negotiate)(?:\s+(.*?))?\s*$/i.exec(authorization ?? '');
    if (!m) {
      const bound = this.#states.get(socket);
      if (!authorization && bound?.phase === 'authenticated') {
        return { kind: 'authenticated', user: bound.user, domain: bound.domain, scheme: bound.scheme, reused: true };
      }
      return { kind: 'none' };
    }
    const scheme: NtlmScheme = m[1]!.toLowerCase() === 'ntlm' ? 'NTLM' : 'Negotiate';
    // Any new token starts over: IIS drops the connection's identity when the client authenticates again.
    const previous = this.#states.get(socket);
    this.#states.delete(socket);
    try {
      return this.#advance(socket, scheme, m[2] ?? '', previous);
    } catch (err) {
      // Hostile bytes end here: a failed step, the server keeps serving.
      return { kind: 'failed', scheme, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  #advance(socket: Socket, scheme: NtlmScheme, token: string, previous: State | undefined): NtlmStep {
    if (token === '') return { kind: 'failed', scheme, reason: 'empty token' };
    if (token.length > MAX_TOKEN_CHARS) return { kind: 'failed', scheme, reason: 'token too long' };
    if (!BASE64.test(token)) return { kind: 'failed', scheme, reason: 'token is not base64' };
    const inner = extractNtlmToken(Buffer.from(token, 'base64'));
    // Kerberos inside Negotiate is not offered by the mock: only NTLMSSP is understood.
    if (!inner) return { kind: 'failed', scheme, reason: 'no NTLMSSP message in the token' };
    const msg = parseNtlmMessage(inner.ntlm);
    const message = summarizeNtlmMessage(msg);
    if (msg.type === 1) {
      const challenge = randomBytes(8);
      const type2 = buildChallenge(this.#names, challengeFlags(msg.flags), challenge, Date.now());
      this.#states.set(socket, { phase: 'challenged', scheme, challenge });
      return { kind: 'challenge', scheme, header: `${scheme} ${type2.toString('base64')}`, message };
    }
    if (msg.type === 2) return { kind: 'failed', scheme, reason: 'a CHALLENGE message came from the client', message };
    // Type 3: the challenge must have been issued on this very connection (and is used once).
    if (previous?.phase !== 'challenged') {
      return { kind: 'failed', scheme, reason: 'AUTHENTICATE without a challenge on this connection', message };
    }
    if (previous.scheme !== scheme) return { kind: 'failed', scheme, reason: `AUTHENTICATE under ${scheme} after a ${previous.scheme} challenge`, message };
    if (hasFlag(msg.flags, NTLM_FLAGS.ANONYMOUS) || (msg.user === '' && msg.ntResponse.length <= 1)) {
      return { kind: 'failed', scheme, reason: 'anonymous AUTHENTICATE refused', message };
    }
    if (msg.responseKind !== 'v2') {
      return { kind: 'failed', scheme, reason: `NTLM${msg.responseKind === 'v1' ? 'v1' : ''} response refused: NTLMv2 only`, message };
    }
    const account = this.#lookup(msg.user, msg.domain);
    if (!account) return { kind: 'failed', scheme, reason: `unknown user ${msg.domain}\\${msg.user}`, message };
    const ok = verifyNtlmv2({ user: msg.user, domain: msg.domain, password: account.password, serverChallenge: previous.challenge, ntResponse: msg.ntResponse });
    if (!ok) return { kind: 'failed', scheme, reason: `wrong NTLMv2 response for ${msg.domain}\\${msg.user}`, message };
    const domain = this.#names.netbiosDomain.toUpperCase();
    this.#states.set(socket, { phase: 'authenticated', scheme, user: account.samAccountName, domain });
    return { kind: 'authenticated', scheme, user: account.samAccountName, domain, message };
  }
}
