/**
 * SASL NTLM for IMAP4 AUTHENTICATE and POP3 AUTH, as Exchange advertises it (`AUTH=NTLM`, `SASL NTLM`):
 * the client's NEGOTIATE comes in a continuation (or as the initial response), the server answers the
 * CHALLENGE in a `+` line, the client's AUTHENTICATE is verified (NTLMv2 against the directory's
 * password, mocks/auth/ntlm). The session then logs in as that user through the usual credential check,
 * so LoginType, faults, wrong-site refusals and the journal apply as for PLAIN.
 */
import type { Socket } from 'node:net';
import type { MailListenerOptions } from './types.ts';

export interface SaslIo {
  continuation(text: string): void;
  readLine(): Promise<string | null>;
}

export type SaslNtlmResult = { ok: true; user: string; password: string } | { ok: false; cancelled: boolean };

export async function saslNtlm(opts: MailListenerOptions, io: SaslIo, initial: string | undefined): Promise<SaslNtlmResult> {
  const ntlm = opts.ntlm;
  if (!ntlm) return { ok: false, cancelled: false };
  // The authenticator keeps its state per key object: one key per SASL exchange.
  const key = {} as Socket;
  let line: string | null = initial && initial !== '=' ? initial : null;
  if (line === null) {
    io.continuation('');
    line = await io.readLine();
  }
  if (line === null || line.trim() === '*') return { ok: false, cancelled: line !== null };
  const first = ntlm.authenticator.step(key, `NTLM ${line.trim()}`);
  if (first.kind !== 'challenge') return { ok: false, cancelled: false };
  io.continuation(first.header.replace(/^NTLM\s+/i, ''));
  const third = await io.readLine();
  if (third === null || third.trim() === '*') return { ok: false, cancelled: third !== null };
  const done = ntlm.authenticator.step(key, `NTLM ${third.trim()}`);
  if (done.kind !== 'authenticated') return { ok: false, cancelled: false };
  const password = ntlm.passwordOf(done.user);
  return password === undefined ? { ok: false, cancelled: false } : { ok: true, user: done.user, password };
}
