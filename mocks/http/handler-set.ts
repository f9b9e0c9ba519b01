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

/** One mock's msw handlers in priority order, with msw's use/reset and a memoised shortlist per method and path. */
export class HandlerSet {
  readonly #initial: HttpHandler[];
  #current: HttpHandler[];
  #memo = new Map<string, HttpHandler[]>();
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
    const key = `${method} ${origin}${path}`;
    let list = this.#memo.get(key);
    if (list) return list;
    list = this.#shortlist(method, path, origin);
    if (this.#memo.size >= MEMO_MAX) this.#memo.clear();
    this.#memo.set(key, list);
    return list;
  }

  #shortlist(method: string, path: string, origin: string): HttpHandler[] {
    let url: URL;
    try {
      url = new URL(path, origin);
    } catch {
      return this.#current.filter((h) => !isHttpHandler(h) || typeof h.info.path === 'function');
    }
    return this.#current.filter((h) => {
      if (!isHttpHandler(h)) return true;
      const { method: m, path: p } = h.info;
      // Same method test as msw's HttpHandler.matchMethod (case-insensitive string, or RegExp).
      if (m instanceof RegExp ? !m.test(method) : m.toLowerCase() !== method.toLowerCase()) return false;
      if (typeof p === 'function') return true;
      return matchRequestUrl(url, p, origin).matches;
    });
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

/** Duck-typed (not instanceof): a second copy of msw in the module graph must not change matching. */
function isHttpHandler(h: HttpHandler): boolean {
  const info = (h as { info?: { method?: unknown } }).info;
  return info !== undefined && (typeof info.method === 'string' || info.method instanceof RegExp) && 'path' in info;
}
