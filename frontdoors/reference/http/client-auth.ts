/**
 * The front door authenticates every client first (001: "CAS2013 in Site1 will authenticate the user,
 * do a service discovery..."; RULES.md AUTH-01): Basic checked with the directory's POST /auth; NTLM
 * (Outlook Anywhere, EWS, Autodiscover, OAB) verified against the account's password, the identity
 * bound to the connection as IIS does. Missing or wrong credentials get a 401 from the front door
 * itself: nothing reaches a legacy CAS.
 */
import { authKey, type DirectoryClient } from '../directory/client.ts';
import type { DirUser } from '../../../harness/topology/directory-contract.ts';
import type { NtlmServer } from '../ntlm/server.ts';
import type { FrontRequest } from './front-types.ts';
import type { HopCreds } from './hop.ts';

export type ClientScheme = 'basic' | 'ntlm';

export interface ClientCreds extends HopCreds {
  user: DirUser;
  scheme: 'Basic' | 'NTLM' | 'Forms';
}

export type ClientAuthResult = { ok: true; creds: ClientCreds } | { ok: false; headers: string[]; reason: string };

/**
 * A Basic Authorization header's login and password (and their key in the directory's cache), or null
 * when it does not decode to `login:password`.
 */
type BasicPair = { login: string; password: string; key: string } | null;

/** Decoded Basic headers by header (bounded: cleared when full): a client sends the same one on every request. */
const DECODED = new Map<string, BasicPair>();

function decodeBasic(header: string): BasicPair {
  let pair = DECODED.get(header);
  if (pair === undefined) {
    const decoded = Buffer.from(header.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) pair = null;
    else {
      const login = decoded.slice(0, i);
      const password = decoded.slice(i + 1);
      pair = { login, password, key: authKey(login, password) };
    }
    if (DECODED.size >= 1000) DECODED.clear();
    DECODED.set(header, pair);
  }
  return pair;
}

export class ClientAuth {
  constructor(
    readonly directory: DirectoryClient,
    readonly ntlm: NtlmServer,
    readonly netbiosDomain: string,
    /** Realm of the Basic challenge: the name the client used. */
    readonly realm: (req: FrontRequest) => string,
  ) {}

  /** The result last given for a decoded Basic header, and the directory's user it was made from. */
  readonly #lastBasic = new WeakMap<NonNullable<BasicPair>, { user: DirUser; result: ClientAuthResult }>();

  /** The 401 offers for the allowed schemes (Negotiate/NTLM first, as IIS lists them). */
  offers(req: FrontRequest, allow: readonly ClientScheme[]): string[] {
    const out: string[] = [];
    if (allow.includes('ntlm')) out.push('WWW-Authenticate', 'Negotiate', 'WWW-Authenticate', 'NTLM');
    if (allow.includes('basic')) out.push('WWW-Authenticate', `Basic realm="${this.realm(req).replace(/"/g, '')}"`);
    return out;
  }

  /**
   * Check a request's credentials: the answer itself when no question to the directory is needed (Basic
   * credentials found good within the cache's time, a refusal), else a promise of it (issue 14: no
   * await on a proxied request's path when nothing is waited for). Rejects with
   * DirectoryUnavailableError when the directory does not answer.
   */
  check(req: FrontRequest, allow: readonly ClientScheme[]): ClientAuthResult | Promise<ClientAuthResult> {
    const header = req.headers.authorization;
    if (header && /^basic\s/i.test(header)) {
      if (!allow.includes('basic')) return this.#fail(req, allow, 'Basic is not offered here');
      const pair = decodeBasic(header);
      if (!pair) return this.#fail(req, allow, 'malformed Basic credentials');
      const known = this.directory.authenticatedNow(pair.login, pair.password, pair.key);
      if (known) {
        // The same header found good for the same directory answer as last time: the same result, not a
        // new one per request (issue 14). A user the directory answered again is a new object.
        const last = this.#lastBasic.get(pair);
        if (last !== undefined && last.user === known) return last.result;
        const result = this.#basic(known, pair.login, pair.password);
        this.#lastBasic.set(pair, { user: known, result });
        return result;
      }
      return this.directory.authenticate(pair.login, pair.password).then((user) => (user ? this.#basic(user, pair.login, pair.password) : this.#fail(req, allow, `wrong credentials for ${pair.login}`)));
    }
    return this.#other(req, allow, header);
  }

  #basic(user: DirUser, login: string, password: string): ClientAuthResult {
    return { ok: true, creds: { user, login, password, samAccountName: user.samAccountName, domain: this.netbiosDomain, scheme: 'Basic' } };
  }

  /** NTLM, or no usable credentials. */
  async #other(req: FrontRequest, allow: readonly ClientScheme[], header: string | undefined): Promise<ClientAuthResult> {
    if (allow.includes('ntlm')) {
      const step = this.ntlm.step(req.socket, header);
      if (step.kind === 'challenge') return { ok: false, headers: ['WWW-Authenticate', step.header], reason: 'NTLM challenge sent' };
      if (step.kind === 'authenticated') {
        const user = await this.directory.user(step.account.samAccountName);
        if (!user) return this.#fail(req, allow, `NTLM user ${step.account.samAccountName} unknown to the directory`);
        const a = step.account;
        return { ok: true, creds: { user, login: `${this.netbiosDomain}\\${a.samAccountName}`, password: a.password, samAccountName: a.samAccountName, domain: this.netbiosDomain, scheme: 'NTLM' } };
      }
      if (step.kind === 'failed') return this.#fail(req, allow, `NTLM: ${step.reason}`);
    }
    return this.#fail(req, allow, header ? 'unsupported authentication scheme' : 'no credentials');
  }

  /** A refusal with the 401 offers of `allow` (a method, not a closure per request). */
  #fail(req: FrontRequest, allow: readonly ClientScheme[], reason: string): ClientAuthResult {
    return { ok: false, headers: this.offers(req, allow), reason };
  }
}
