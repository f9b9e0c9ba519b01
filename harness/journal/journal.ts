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

/** Characters kept of a top-level string field (a path, a query), and of a nested one (a header value). */
export const MAX_FIELD = 4096;
const MAX_NESTED = 1024;
/** Items kept of an array field (mail commands are bounded at the source already). */
const MAX_ITEMS = 256;

function cutString(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...(+${s.length - max} chars)` : s;
}

/**
 * The event with every string cut to a bound (saying how much was cut) and its approximate size in
 * characters. Legitimate values are far below the bounds; a hostile 8 KB request target is not.
 */
export function boundEvent(e: Record<string, unknown>): [Record<string, unknown>, number] {
  let size = 64;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    size += k.length;
    if (typeof v === 'string') {
      out[k] = cutString(v, MAX_FIELD);
      size += (out[k] as string).length;
    } else if (Array.isArray(v)) {
      out[k] = v.slice(0, MAX_ITEMS).map((x) => (typeof x === 'string' ? cutString(x, MAX_NESTED) : x));
      for (const x of out[k] as unknown[]) size += typeof x === 'string' ? x.length : 32;
    } else if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k2, x] of Object.entries(v).slice(0, MAX_ITEMS)) {
        o[k2] = typeof x === 'string' ? cutString(x, MAX_NESTED) : x;
        size += k2.length + (typeof o[k2] === 'string' ? (o[k2] as string).length : 32);
      }
      out[k] = o;
    } else {
      out[k] = v;
      size += 8;
    }
  }
  return [out, size];
}

/** Index of the first event with a sequence number greater than `seq` (events are in sequence order). */
function firstAfter(events: readonly JournalEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.seq > seq) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class Journal {
  #events: JournalEvent[] = [];
  /** The same events by kind (paged reads of one kind must not scan the whole journal). */
  #byKind = new Map<string, JournalEvent[]>();
  #sizes: number[] = [];
  #bytes = 0;
  #seq = 0;
  #waiters = new Set<(e: JournalEvent) => void>();
  /**
   * @param capacity events kept at most
   * @param maxBytes approximate characters kept at most (hostile clients send 8 KB paths: issue 15's
   *   memory bound counts bytes, not events)
   */
  constructor(readonly capacity = 200_000, readonly maxBytes = 64 * 1024 * 1024) {}

  /** Append an event (long strings cut, see boundEvent); returns it with its sequence number. */
  record<E extends NewEvent>(event: E): JournalEvent {
    const [bounded, size] = boundEvent(event as unknown as Record<string, unknown>);
    const full = { ...bounded, seq: ++this.#seq, time: new Date().toISOString() } as unknown as JournalEvent;
    this.#events.push(full);
    const same = this.#byKind.get(full.kind);
    if (same) same.push(full);
    else this.#byKind.set(full.kind, [full]);
    this.#sizes.push(size);
    this.#bytes += size;
    if (this.#events.length > this.capacity || this.#bytes > this.maxBytes) this.#dropOldest();
    for (const w of [...this.#waiters]) w(full);
    return full;
  }

  /** Drop the oldest tenth at once (one splice instead of one per event once full). */
  #dropOldest(): void {
    let n = Math.max(1, this.#events.length - Math.floor(this.capacity * 0.9));
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += this.#sizes[i]!;
    while (this.#bytes - bytes > this.maxBytes * 0.9 && n < this.#events.length - 1) bytes += this.#sizes[n++]!;
    this.#events.splice(0, n);
    this.#sizes.splice(0, n);
    this.#bytes -= bytes;
    const oldest = this.#events[0]?.seq ?? Infinity;
    for (const list of this.#byKind.values()) list.splice(0, firstAfter(list, oldest - 1));
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
    // One kind only: read that kind's list (a binary search, no scan of the other kinds).
    const kindOnly = typeof match === 'object' && Object.keys(match).length === 1 && typeof match.kind === 'string';
    const ev = kindOnly ? (this.#byKind.get((match as { kind: string }).kind) ?? []) : this.#events;
    const p = kindOnly ? () => true : toPredicate(match);
    const events: JournalEvent[] = [];
    let next = since;
    for (let i = firstAfter(ev, since); i < ev.length; i++) {
      const e = ev[i]!;
      if (events.length >= limit) return { events, next, more: true };
      next = e.seq;
      if (p(e)) events.push(e);
    }
    // Everything up to the last sequence number handed out has been looked at.
    return { events, next: Math.max(next, since, kindOnly ? this.#seq : next), more: false };
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
    this.#byKind = new Map();
    this.#sizes = [];
    this.#bytes = 0;
  }
}
