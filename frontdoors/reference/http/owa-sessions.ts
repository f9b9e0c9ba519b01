/**
 * The front door's own OWA sessions (its forms logon sets the `FrontDoorSession` cookie). A session
 * remembers the user's credentials in memory only, so the front door can sign the user in to a
 * legacy OWA again when affinity moves to another CAS (failover), and which legacy CAS set which
 * cookie, so a cookie is only ever sent back to the server that set it (RULES.md COOK-02: a newer
 * user-context cookie never reaches an older CAS). Bounded; idle sessions expire.
 */
import { randomBytes } from 'node:crypto';
import type { ClientCreds } from './client-auth.ts';

export const SESSION_COOKIE = 'FrontDoorSession';

export interface OwaSession {
  id: string;
  creds: ClientCreds;
  /** The legacy CAS the user is signed in to through the front door. */
  target?: string;
  /** cookie name -> FQDN of the legacy CAS that set it. */
  cookieOwner: Map<string, string>;
  /** Cookies a sign-in to a legacy CAS set, per FQDN (name, value). */
  targetCookies: Map<string, [string, string][]>;
  lastUsed: number;
}

const IDLE_MS = 8 * 3600_000;

export class OwaSessions {
  #m = new Map<string, OwaSession>();
  constructor(readonly max = 10_000) {}

  create(creds: ClientCreds): OwaSession {
    const s: OwaSession = { id: randomBytes(24).toString('base64url'), creds, cookieOwner: new Map(), targetCookies: new Map(), lastUsed: Date.now() };
    this.#m.set(s.id, s);
    if (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value!);
    return s;
  }

  get(id: string | undefined): OwaSession | undefined {
    if (!id) return undefined;
    const s = this.#m.get(id);
    if (!s) return undefined;
    if (Date.now() - s.lastUsed > IDLE_MS) {
      this.#m.delete(id);
      return undefined;
    }
    s.lastUsed = Date.now();
    return s;
  }

  delete(id: string): void {
    this.#m.delete(id);
  }
}
