/**
 * The lab's journal: every event of every mock, in order, queryable in process. Reads like undici's
 * MockCallHistory (`all`, `first`, `last`, `filter`) plus `waitFor` with a bound instead of sleeps.
 * Memory is bounded: past `capacity` events the oldest are dropped (sequence numbers keep counting).
 */
import { JournalTimeoutError } from '../errors.ts';
import type { JournalEvent, JournalKind, NewEvent } from './events.ts';

export type Predicate = (e: JournalEvent) => boolean;
/** A partial event: every given field must be equal (strings compare case-insensitively). */
export type Match = Partial<Record<string, unknown>> & { kind?: JournalKind };

function toPredicate(m: Match | Predicate): Predicate {
  if (typeof m === 'function') return m;
  const entries = Object.entries(m);
  return (e) =>
    entries.every(([k, v]) => {
      const actual = (e as unknown as Record<string, unknown>)[k];
      if (typeof v === 'string' && typeof actual === 'string') return v.toLowerCase() === actual.toLowerCase();
      return actual === v;
    });
}

export class Journal {
  #events: JournalEvent[] = [];
  #seq = 0;
  #waiters = new Set<(e: JournalEvent) => void>();
  constructor(readonly capacity = 200_000) {}

  /** Append an event; returns it with its sequence number. */
  record<E extends NewEvent>(event: E): JournalEvent {
    const full = { ...event, seq: ++this.#seq, time: new Date().toISOString() } as unknown as JournalEvent;
    this.#events.push(full);
    if (this.#events.length > this.capacity) this.#events.splice(0, this.#events.length - this.capacity);
    for (const w of [...this.#waiters]) w(full);
    return full;
  }

  /** The last sequence number handed out (0 before any event). */
  get seq(): number {
    return this.#seq;
  }

  all(): JournalEvent[] {
    return [...this.#events];
  }

  /** Events with a sequence number greater than `seq`. */
  since(seq: number): JournalEvent[] {
    return this.#events.filter((e) => e.seq > seq);
  }

  /**
   * Up to `limit` events after `since` that match, without copying the journal (the control API's
   * paged reads). `next` is the cursor for the following page: the last event returned, or the last
   * sequence number scanned; `more` says whether events after `next` remain to be scanned.
   * @example
   * for (let p = journal.page(0, 1000); ; p = journal.page(p.next, 1000)) { use(p.events); if (!p.more) break; }
   */
  page(since: number, limit: number, match: Match | Predicate = () => true): { events: JournalEvent[]; next: number; more: boolean } {
    const p = toPredicate(match);
    const ev = this.#events;
    // Sequence numbers increase along the array: binary search for the first event after `since`.
    let lo = 0;
    let hi = ev.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ev[mid]!.seq > since) hi = mid;
      else lo = mid + 1;
    }
    const events: JournalEvent[] = [];
    let next = since;
    for (let i = lo; i < ev.length; i++) {
      const e = ev[i]!;
      if (events.length >= limit) return { events, next, more: true };
      next = e.seq;
      if (p(e)) events.push(e);
    }
    return { events, next, more: false };
  }

  filter(match: Match | Predicate, sinceSeq = 0): JournalEvent[] {
    const p = toPredicate(match);
    return this.#events.filter((e) => e.seq > sinceSeq && p(e));
  }

  first(match: Match | Predicate = () => true): JournalEvent | undefined {
    return this.#events.find(toPredicate(match));
  }

  last(match: Match | Predicate = () => true): JournalEvent | undefined {
    const p = toPredicate(match);
    for (let i = this.#events.length - 1; i >= 0; i--) if (p(this.#events[i]!)) return this.#events[i];
    return undefined;
  }

  /**
   * Resolve with the first event (already recorded after `sinceSeq`, or arriving later) that matches.
   * @example
   * await lab.journal.waitFor({ kind: 'http', server: 'cas2010.site3.contoso.lab', vdir: 'owa' }, { timeoutMs: 5000 });
   */
  waitFor(match: Match | Predicate, opts: { timeoutMs: number; sinceSeq?: number; what?: string }): Promise<JournalEvent> {
    const p = toPredicate(match);
    const existing = this.#events.find((e) => e.seq > (opts.sinceSeq ?? 0) && p(e));
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter = (e: JournalEvent) => {
        if (!p(e)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new JournalTimeoutError(`no journal event ${opts.what ?? JSON.stringify(typeof match === 'function' ? 'matching the predicate' : match)} within ${opts.timeoutMs} ms`));
      }, opts.timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Call `fn` for every new event until the returned function is called. */
  subscribe(fn: (e: JournalEvent) => void): () => void {
    this.#waiters.add(fn);
    return () => this.#waiters.delete(fn);
  }

  /** Forget every event (sequence numbers keep counting, so `since` stays monotonic). */
  clear(): void {
    this.#events = [];
  }
}
