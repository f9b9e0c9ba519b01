/**
 * OWA forms-based sessions of one mock CAS: `sessionid` + `cadata` cookies after a good sign-in
 * (PROTOCOL-FACTS: "Success sets cookies sessionid and cadata"), and the user-context cookie in the
 * build's form (seed 000; the RU1 form is a documented model: pre-RU1 = 32-hex GUID, RU1 = 76-char canary).
 */
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import type { UserContextForm } from '../builds/catalogue.ts';

export interface OwaSession {
  id: string;
  cadata: string;
  user: string;
  createdAt: number;
}

export class SessionStore {
  #byId = new Map<string, OwaSession>();
  /** Bounded: a lab never needs more; the oldest go first. */
  constructor(readonly max = 10_000) {}

  create(user: string): OwaSession {
    const s: OwaSession = { id: randomUUID(), cadata: randomBytes(48).toString('base64'), user, createdAt: Date.now() };
    this.#byId.set(s.id, s);
    if (this.#byId.size > this.max) this.#byId.delete(this.#byId.keys().next().value!);
    return s;
  }

  /** The session a request's cookies name, when both cookies match. */
  find(cookies: Map<string, string>): OwaSession | undefined {
    const id = cookies.get('sessionid');
    if (!id) return undefined;
    const s = this.#byId.get(id);
    return s && cookies.get('cadata') === s.cadata ? s : undefined;
  }

  delete(id: string): void {
    this.#byId.delete(id);
  }
}

/** A user-context cookie value in the given form. */
export function userContextValue(form: UserContextForm, issuedAt = Date.now()): string {
  const guid = randomBytes(16);
  if (form === 'guid32') return guid.toString('hex');
  // 56 bytes: 16-byte GUID, 8-byte expiry in .NET ticks (issue + 48 h), 32-byte SHA-256; base64 with + -> -, / -> _, = -> .
  const ticks = (BigInt(issuedAt) + 48n * 3600n * 1000n) * 10_000n + 621_355_968_000_000_000n;
  const expiry = Buffer.alloc(8);
  expiry.writeBigUInt64LE(ticks);
  const hash = createHash('sha256').update(Buffer.concat([guid, expiry])).digest();
  return Buffer.concat([guid, expiry, hash]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '.');
}

/** Recognise a user-context value's form (what the journal notes and what an older CAS can read). */
export function userContextForm(value: string): UserContextForm | 'other' {
  if (/^[0-9a-f]{32}(&.*)?$/i.test(value)) return 'guid32';
  if (/^[A-Za-z0-9_\-.]{76}$/.test(value)) return 'canary76';
  return 'other';
}

/** Parse a Cookie header into a map (first value wins, as IIS does). */
export function parseCookies(header: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) out.set(k, part.slice(i + 1).trim());
  }
  return out;
}
