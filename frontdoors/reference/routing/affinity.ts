/**
 * Affinity: which CAS keeps serving a user (OWA, EWS, ...) or a device (EAS). 003: "a user who is
 * proxied to CAS-01 the first time will always be proxied to CAS-01 ... If CAS-01 is unavailable, the
 * user will be proxied to CAS-02." The first choice is rendezvous hashing (stable, spreads users);
 * a failover choice is remembered, so a user does not bounce back and forth. Bounded in size.
 */
import { createHash } from 'node:crypto';

/** Highest-random-weight choice of `key` among `candidates` (stable while the set is unchanged). */
export function rendezvous(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const c of candidates) {
    const score = createHash('sha1').update(`${key}\0${c}`).digest().readUInt32BE(0);
    if (score > bestScore || (score === bestScore && best !== undefined && c < best)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * @example
 * const a = new AffinityTable();
 * a.choose('owa|red', ['cas2010a', 'cas2010b']); // the same answer every time while both are up
 */
export class AffinityTable {
  #m = new Map<string, string>();
  constructor(readonly max = 100_000, readonly random = false) {}

  /** The member of `up` that serves `key`: the remembered one while it is up, else a new one. */
  choose(key: string, up: readonly string[]): string | undefined {
    if (!up.length) return undefined;
    if (this.random) return up[Math.floor(Math.random() * up.length)];
    const known = this.#m.get(key);
    if (known && up.includes(known)) return known;
    const pick = rendezvous(key, up)!;
    this.#m.delete(key);
    this.#m.set(key, pick);
    if (this.#m.size > this.max) this.#m.delete(this.#m.keys().next().value!);
    return pick;
  }

  /** The remembered choice, if any (for tests and logs). */
  peek(key: string): string | undefined {
    return this.#m.get(key);
  }
}
