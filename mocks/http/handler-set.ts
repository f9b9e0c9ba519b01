/**
 * The handlers of one mock, with msw's `use` / `resetHandlers` semantics, plus the shortlist that
 * keeps msw affordable on the hot path (LIBRARIES.md "msw on the hot path": every non-matching
 * handler costs ~20 us inside `getResponse`). `candidates(method, path)` remembers, per method and
 * path, the handlers that can match, decided by msw's own `matchRequestUrl`, so msw stays the one
 * definition of what matches. Handlers whose match cannot be decided from method and path alone
 * (custom predicate functions; anything that is not an msw HttpHandler) are always kept, in their place.
 */
import { matchRequestUrl, type HttpHandler } from 'msw';

/** Base used for the memo when the caller gives no origin: relative handler paths resolve against it. */
export const DEFAULT_ORIGIN = 'http://in-process.invalid';
// Paths come from clients: bound the memo so a scan of random paths cannot grow it without end.
const MEMO_MAX = 4096;

/** The path parameters msw's match gives a resolver. */
export type Params = Record<string, string | readonly string[] | undefined>;

/**
 * The handlers that can answer one method and path, in priority order, and the params msw's match gave
 * each (what its resolver receives; null for a handler decided at run time). Shared: do not mutate.
 */
export interface Shortlist {
  readonly list: HttpHandler[];
  readonly params: (Params | null)[];
}

/** One mock's msw handlers in priority order, with msw's use/reset and a memoised shortlist per method and path. */
export class HandlerSet {
  readonly #initial: HttpHandler[];
  #current: HttpHandler[];
  #memo = new Map<string, Shortlist>();
  #version = 0;

  /**
   * @example
   * const handlers = new HandlerSet([...owaHandlers(ctx), ...easHandlers(ctx)]);
   * handlers.use(http.get('/owa/', () => new HttpResponse(null, { status: 503 }))); // a fault in front
   * handlers.reset(); // back to the vdirs
   */
  constructor(initial: HttpHandler[]) {
    if (!Array.isArray(initial)) throw new TypeError('HandlerSet: initial must be an array of msw handlers');
    this.#initial = [...initial];
    this.#current = [...initial];
  }

  /** Put overrides in front, in the given order (msw `server.use`). */
  use(...handlers: HttpHandler[]): void {
    this.#current = [...handlers, ...this.#current];
    this.#changed();
  }

  /** Back to the initial handlers (msw `resetHandlers()`), or to `next` when given (msw `resetHandlers(...next)`). */
  reset(...next: HttpHandler[]): void {
    this.#current = next.length > 0 ? [...next] : [...this.#initial];
    this.#changed();
  }

  /** The handlers in priority order (a copy). */
  list(): HttpHandler[] {
    return [...this.#current];
  }

  /** Entries in the shortlist memo (bounded). */
  get memoSize(): number {
    return this.#memo.size;
  }

  /** Increases on every use/reset: whoever caches answers derived from the handlers compares it. */
  get version(): number {
    return this.#version;
  }

  /**
   * The handlers that can answer `method path`, in priority order. `path` is the URL path without
   * query. `origin` is the listener's own origin (msw resolves relative handler paths against
   * `baseUrl`; absolute handler URLs match only that origin). The array is shared: do not mutate it.
   */
  candidates(method: string, path: string, origin: string = DEFAULT_ORIGIN): HttpHandler[] {
    return this.shortlist(method, path, origin).list;
  }

  /** `candidates` with the params each handler's resolver receives (execute.ts). */
  shortlist(method: string, path: string, origin: string = DEFAULT_ORIGIN): Shortlist {
    const key = `${method} ${origin}${path}`;
    let e = this.#memo.get(key);
    if (e) return e;
    e = this.#shortlist(method, path, origin);
    if (this.#memo.size >= MEMO_MAX) this.#memo.clear();
    this.#memo.set(key, e);
    return e;
  }

  #shortlist(method: string, path: string, origin: string): Shortlist {
    const list: HttpHandler[] = [];
    const params: (Params | null)[] = [];
    let url: URL | null;
    try {
      url = new URL(path, origin);
    } catch {
      url = null;
    }
    // A relative handler path matches a request to the listener's own origin the same way on every mock.
    const own = url !== null && url.origin === new URL(origin).origin;
    for (const h of this.#current) {
      if (!isHttpHandler(h)) {
        list.push(h), params.push(null);
        continue;
      }
      const { method: m, path: p } = h.info;
      // An unparsable path: only what msw decides at run time can answer it.
      if (!url) {
        if (typeof p === 'function') list.push(h), params.push(null);
        continue;
      }
      // Same method test as msw's HttpHandler.matchMethod (case-insensitive string, or RegExp).
      if (m instanceof RegExp ? !m.test(method) : m.toLowerCase() !== method.toLowerCase()) continue;
      if (typeof p === 'function') {
        list.push(h), params.push(null);
        continue;
      }
      const match = own && typeof p === 'string' && p.startsWith('/') ? matchRelative(p, url) : matchRequestUrl(url, p, origin);
      if (match.matches) list.push(h), params.push((match.params ?? {}) as Params);
    }
    return { list, params };
  }

  #changed(): void {
    this.#memo.clear();
    this.#version++;
  }
}

/**
 * Build handlers without msw recording where each was declared: msw's RequestHandler constructor reads
 * `new Error().stack` for its `info.callFrame` (shown only when msw prints a handler), and under vitest
 * a stack is source-mapped: a lab's ~13 mocks spent about 0.4 s of CPU per suite worker on it. The
 * handlers are otherwise the same; `callFrame` is undefined.
 */
export function withoutCallFrames<T>(build: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * msw's matchRequestUrl for a relative handler path and a request to the listener's own origin, shared by
 * every HandlerSet: the answer depends on the pattern and the request's path alone (msw resolves both
 * against the same origin), so it is worked out once against a stand-in origin. Per set, every world's
 * fresh mocks asked it again for each path, and path-to-regexp compiles the pattern on every call: about
 * 0.5-0.65 s of a large control run's suite worker. Bounded like the per-set memo.
 */
const RELATIVE = new Map<string, { matches: boolean; params: Params }>();
const RELATIVE_MAX = 16_384;
function matchRelative(pattern: string, url: URL): { matches: boolean; params: Params } {
  const key = `${pattern} ${url.pathname}`;
  let m = RELATIVE.get(key);
  if (m) return m;
  const r = matchRequestUrl(new URL(url.pathname, DEFAULT_ORIGIN), pattern, DEFAULT_ORIGIN);
  m = { matches: r.matches, params: Object.freeze({ ...(r.params as Params) }) };
  if (RELATIVE.size >= RELATIVE_MAX) RELATIVE.clear();
  RELATIVE.set(key, m);
  return m;
}

/** Duck-typed (not instanceof): a second copy of msw in the module graph must not change matching. */
function isHttpHandler(h: HttpHandler): boolean {
  const info = (h as { info?: { method?: unknown } }).info;
  return info !== undefined && (typeof info.method === 'string' || info.method instanceof RegExp) && 'path' in info;
}
