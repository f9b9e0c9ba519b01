/**
 * The front door's Active Directory: a small client of the lab's directory (HTTP JSON on loopback).
 * 001: "When a CAS2013 starts up, it connects to Active Directory and enumerates a topology map":
 * servers, sites and the organisation are read at start and refreshed; users are looked up per
 * request (cached briefly); credentials are checked with POST /auth (good answers cached briefly,
 * bounded). Every failure becomes a DirectoryUnavailableError (503 to the client), never a crash.
 */
import { Agent, request } from '../net/undici.ts';
import { DirectoryUnavailableError } from '../errors.ts';
import type { DirOrganisation, DirServer, DirSite, DirUser } from '../../../harness/topology/directory-contract.ts';

export interface OrgMap {
  servers: DirServer[];
  sites: DirSite[];
  organisation: DirOrganisation;
  /** When it was read (ms since epoch). */
  readAt: number;
}

const USER_TTL_MS = 5_000;
const AUTH_TTL_MS = 30_000;
const CACHE_MAX = 10_000;
const TIMEOUT_MS = 5_000;

/** A bounded map whose entries expire (oldest dropped first when full). */
class TtlCache<V> {
  #m = new Map<string, { v: V; until: number }>();
  constructor(readonly ttlMs: number, readonly max = CACHE_MAX) {}
  get(k: string): V | undefined {
    const e = this.#m.get(k);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.#m.delete(k);
      return undefined;
    }
    return e.v;
  }
  set(k: string, v: V): void {
    this.#m.delete(k);
    this.#m.set(k, { v, until: Date.now() + this.ttlMs });
    if (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value!);
  }
  clear(): void {
    this.#m.clear();
  }
}

/**
 * The credential cache's key: a plain one (no hash per request: this runs for every Basic request); the
 * process holds the lab's passwords anyway (the topology file, the hop's credentials).
 */
export function authKey(login: string, password: string): string {
  return `${login.toLowerCase()}\0${password}`;
}

/**
 * @example
 * const dir = new DirectoryClient('http://127.0.0.1:40123');
 * const org = await dir.refresh();
 * const who = await dir.authenticate('CONTOSO\\red', 'Red-P@ss1'); // DirUser | null
 */
export class DirectoryClient {
  #agent = new Agent({ connections: 8, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  #org: OrgMap | undefined;
  #users = new TtlCache<DirUser | null>(USER_TTL_MS);
  #auth = new TtlCache<DirUser>(AUTH_TTL_MS);

  constructor(readonly baseUrl: string) {
    if (!/^https?:\/\//.test(baseUrl)) throw new TypeError(`directory URL must be http(s)://, got ${JSON.stringify(baseUrl)}`);
  }

  /** The last topology map read (undefined before the first successful read). */
  get org(): OrgMap | undefined {
    return this.#org;
  }

  /** Read servers, sites and organisation again. */
  async refresh(): Promise<OrgMap> {
    const [servers, sites, organisation] = await Promise.all([this.#get<DirServer[]>('/servers'), this.#get<DirSite[]>('/sites'), this.#get<DirOrganisation>('/organisation')]);
    if (!Array.isArray(servers) || !Array.isArray(sites) || !organisation || typeof organisation !== 'object') {
      throw new DirectoryUnavailableError('the directory answered a malformed topology map');
    }
    this.#org = { servers, sites, organisation, readAt: Date.now() };
    return this.#org;
  }

  /** The map, reading it first when none was read yet. */
  async orgMap(): Promise<OrgMap> {
    return this.#org ?? this.refresh();
  }

  /** A user by logon name (sam, email, DOMAIN\sam); null when the directory does not know it. */
  async user(login: string): Promise<DirUser | null> {
    const key = login.toLowerCase();
    const cached = this.#users.get(key);
    if (cached !== undefined) return cached;
    const { status, body } = await this.#call('GET', `/users/${encodeURIComponent(login)}`);
    if (status === 404) {
      this.#users.set(key, null);
      return null;
    }
    if (status !== 200) throw new DirectoryUnavailableError(`the directory answered ${status} for a user lookup`);
    const u = body as DirUser;
    this.#users.set(key, u);
    return u;
  }

  /** The user a password was found good for within AUTH_TTL_MS, without asking (undefined: ask with `authenticate`). */
  authenticatedNow(login: string, password: string, key = authKey(login, password)): DirUser | undefined {
    return this.#auth.get(key);
  }

  /** Check a password (POST /auth); the user when good, null when not. */
  async authenticate(login: string, password: string): Promise<DirUser | null> {
    const key = authKey(login, password);
    const cached = this.#auth.get(key);
    if (cached) return cached;
    const { status, body } = await this.#call('POST', '/auth', { user: login, password });
    if (status === 401 || status === 400 || status === 404) return null;
    if (status !== 200) throw new DirectoryUnavailableError(`the directory answered ${status} to a credential check`);
    const u = (body as { user?: DirUser }).user;
    if (!u || typeof u.samAccountName !== 'string') throw new DirectoryUnavailableError('the directory answered a malformed credential check');
    this.#auth.set(key, u);
    return u;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }

  async #get<T>(path: string): Promise<T> {
    const { status, body } = await this.#call('GET', path);
    if (status !== 200) throw new DirectoryUnavailableError(`the directory answered ${status} for ${path}`);
    return body as T;
  }

  async #call(method: 'GET' | 'POST', path: string, json?: unknown): Promise<{ status: number; body: unknown }> {
    try {
      const res = await request(this.baseUrl + path, {
        method,
        dispatcher: this.#agent,
        headers: json ? { 'content-type': 'application/json' } : {},
        body: json ? JSON.stringify(json) : null,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.body.text();
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        if (res.statusCode === 200) throw new DirectoryUnavailableError(`the directory answered non-JSON for ${path}`);
      }
      return { status: res.statusCode, body };
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw err;
      throw new DirectoryUnavailableError(`the directory at ${this.baseUrl} did not answer ${method} ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
