/**
 * Outlook's way with EWS, for the load scenario: one keep-alive client connection, an NTLM handshake
 * the first time (Type 1, the challenge, Type 3), then requests WITHOUT an Authorization header on the
 * same connection, because NTLM authenticates the connection (IIS binds the identity to it). That is the
 * traffic that exposes a front door pooling authenticated upstream connections between users (issue 11:
 * nginx's keep-alive upstreams served 22 of 22 such requests as another user). When the front door
 * offers Basic only, Basic on every request. The dispatcher must hold one connection per origin
 * (createLabAgent({ connections: 1 })) and the caller sends one request at a time.
 */
import { request, type Dispatcher } from 'undici';
import { createType1, createType3 } from '../clients/ntlm.ts';
import { challengeOf, offersBasic } from '../clients/www-authenticate.ts';

export interface NtlmCredentials {
  user: string;
  password: string;
  domain: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** How this request was authenticated: a fresh handshake, the connection's identity, or Basic. */
  auth: 'ntlm' | 'ntlm-connection' | 'basic';
  /** Handshakes this call made (0 when the connection's identity carried it). */
  handshakes: number;
}

const MAX_BODY = 1024 * 1024;


/**
 * @example
 * const s = new NtlmKeepAlive(agent, { user: 'red', password, domain: 'CONTOSO' }, 10_000);
 * await s.send(url, 'POST', headers, body); // handshake
 * await s.send(url, 'POST', headers, body); // no Authorization: the connection's identity
 */
export class NtlmKeepAlive {
  #mode: 'none' | 'ntlm' | 'basic' = 'none';

  constructor(readonly dispatcher: Dispatcher, readonly creds: NtlmCredentials, readonly timeoutMs: number) {}

  async #raw(url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<Omit<HttpAnswer, 'auth' | 'handshakes'>> {
    const res = await request(url, { dispatcher: this.dispatcher, method: method as Dispatcher.HttpMethod, headers, body, headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, signal: AbortSignal.timeout(this.timeoutMs + 1000) });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of res.body) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) {
        res.body.destroy();
        break;
      }
      chunks.push(c as Buffer);
    }
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** One request; throws on a transport failure (the caller counts it as an error). */
  async send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<HttpAnswer> {
    const basic = `Basic ${Buffer.from(`${this.creds.domain}\\${this.creds.user}:${this.creds.password}`).toString('base64')}`;
    if (this.#mode === 'basic') return { ...(await this.#raw(url, method, { ...headers, authorization: basic }, body)), auth: 'basic', handshakes: 0 };
    if (this.#mode === 'ntlm') {
      const again = await this.#raw(url, method, headers, body);
      if (again.status !== 401) return { ...again, auth: 'ntlm-connection', handshakes: 0 };
    }
    const r1 = await this.#raw(url, method, { ...headers, authorization: `NTLM ${createType1().toString('base64')}` }, body);
    const token = r1.status === 401 ? challengeOf(r1.headers['www-authenticate']) : null;
    if (!token) {
      if (r1.status === 401 && offersBasic(r1.headers['www-authenticate'])) {
        this.#mode = 'basic';
        return { ...(await this.#raw(url, method, { ...headers, authorization: basic }, body)), auth: 'basic', handshakes: 0 };
      }
      this.#mode = 'none';
      return { ...r1, auth: 'ntlm', handshakes: 1 };
    }
    const type3 = createType3(token, { user: this.creds.user, password: this.creds.password, domain: this.creds.domain });
    const r3 = await this.#raw(url, method, { ...headers, authorization: `NTLM ${type3.toString('base64')}` }, body);
    this.#mode = r3.status === 401 ? 'none' : 'ntlm';
    return { ...r3, auth: 'ntlm', handshakes: 1 };
  }

  /** Forget the connection's identity (after the connection was lost). */
  reset(): void {
    if (this.#mode === 'ntlm') this.#mode = 'none';
  }
}
