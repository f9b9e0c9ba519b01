/**
 * Authenticated GETs and OPTIONS, only when the user gave credentials, and only on the vdirs of the
 * user's own mailbox. NTLM (or Negotiate carrying NTLM) is preferred: the password never leaves
 * this process, and the handshake runs on one connection as IIS binds the identity to it. Basic
 * sends the password itself, so it is used only over TLS whose certificate verified (else the step
 * is skipped and says why). Nothing of the handshake (challenge, target info) is kept.
 */
import { Client, type Dispatcher } from 'undici';
import { createType1, createType3 } from '../clients/ntlm.ts';
import { createProbeConnector, type ConnectionNote, type ProbeTls } from './transport.ts';
import { describeError, readBounded, reduce, splitOffers, step } from './http-step.ts';
import type { AuthAnswer } from './schema.ts';

export interface ProbeCredentials {
  user: string;
  /** NetBIOS domain (`CONTOSO\user`), '' for a UPN (`user@contoso.com`) or a bare name. */
  domain: string;
  password: string;
}

/** `DOMAIN\user`, `user@domain` or `user` into the NTLM parts (the password comes separately). */
export function parseUser(u: string): { user: string; domain: string } {
  const i = u.indexOf('\\');
  return i > 0 ? { domain: u.slice(0, i), user: u.slice(i + 1) } : { domain: '', user: u };
}

export interface AuthContext {
  origin: string;
  host: string;
  tls: ProbeTls;
  log: ConnectionNote[];
  agent: Dispatcher;
  creds: ProbeCredentials;
  /** The certificate of the target verified (tls-facts.ts): Basic may be sent. */
  tlsVerified: boolean;
}

export interface AuthRequest {
  method: 'GET' | 'OPTIONS';
  path: string;
  headers?: Record<string, string>;
  /** Scheme names the vdir offered to an unauthenticated request. */
  offered: string[];
}

/** One authenticated request; returns the answer and the body (bounded). */
export async function authStep(c: AuthContext, r: AuthRequest): Promise<{ answer: AuthAnswer; body: string }> {
  const label = `${r.method} ${r.path}`;
  const has = (s: string) => r.offered.some((o) => o.toLowerCase() === s.toLowerCase());
  const integrated = has('NTLM') ? 'NTLM' : has('Negotiate') ? 'Negotiate' : null;
  if (integrated) return ntlm(c, r, integrated);
  if (has('Basic')) {
    if (!c.tlsVerified) return skipped(label, 'Basic is offered but the certificate did not verify (give --ca); the password is not sent');
    const token = Buffer.from(`${c.creds.domain ? `${c.creds.domain}\\` : ''}${c.creds.user}:${c.creds.password}`).toString('base64');
    const s = await step(c.agent, c.origin, { method: r.method, path: r.path, headers: { ...r.headers, authorization: `Basic ${token}` } });
    return { answer: { ...s.answer, auth: 'Basic' }, body: s.body };
  }
  return skipped(label, `no NTLM, Negotiate or Basic offer (offered: ${r.offered.join(', ') || 'none'})`);
}

function skipped(label: string, why: string): { answer: AuthAnswer; body: string } {
  return { answer: { request: label, status: null, wwwAuthenticate: [], headers: {}, auth: null, skipped: why }, body: '' };
}

/** The NTLM handshake on one connection: Type 1, the 401 with the challenge, Type 3. */
async function ntlm(c: AuthContext, r: AuthRequest, scheme: 'NTLM' | 'Negotiate'): Promise<{ answer: AuthAnswer; body: string }> {
  const label = `${r.method} ${r.path}`;
  const client = new Client(c.origin, { connect: createProbeConnector(c.host, c.tls, c.log), pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const send = async (authorization: string) => {
    const res = await client.request({ path: r.path, method: r.method, headers: { ...r.headers, authorization }, signal: AbortSignal.timeout(11_000) });
    const text = await readBounded(res.body);
    const raw: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) raw[k.toLowerCase()] = Array.isArray(v) ? v : [String(v)];
    return { status: res.statusCode, raw, text };
  };
  try {
    const first = await send(`${scheme} ${createType1().toString('base64')}`);
    const token = (first.raw['www-authenticate'] ?? []).flatMap(splitOffers).map((o) => new RegExp(`^${scheme}\\s+([A-Za-z0-9+/]+=*)$`, 'i').exec(o)?.[1]).find(Boolean);
    if (first.status !== 401 || !token) {
      // No handshake (e.g. 404 before authentication): the answer stands, unauthenticated.
      return { answer: { ...reduce(label, first.status, first.raw, c.origin), auth: null }, body: first.text };
    }
    const type3 = createType3(Buffer.from(token, 'base64'), { user: c.creds.user, domain: c.creds.domain, password: c.creds.password, workstation: 'PROBE' });
    const second = await send(`${scheme} ${type3.toString('base64')}`);
    return { answer: { ...reduce(label, second.status, second.raw, c.origin), auth: scheme }, body: second.text };
  } catch (err) {
    return { answer: { request: label, status: null, error: describeError(err), wwwAuthenticate: [], headers: {}, auth: scheme }, body: '' };
  } finally {
    await client.close().catch(() => client.destroy());
  }
}
