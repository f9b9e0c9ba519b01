/**
 * Static answers: handlers whose answer depends only on the method and URL (OWA's versioned
 * resource folders `/owa/<ver>/themes/...`, favicon). The listener may keep the first full answer
 * (status, reason, headers, body and the handler's journal note) and replay it without building a
 * Fetch Request or Response: ~0.9x a bare server instead of ~0.1x (LIBRARIES.md "msw on the hot path").
 * The handler stays an ordinary msw handler: in-process use and the first request run it as usual.
 */
import type { HttpHandler } from 'msw';

const marked = new WeakSet<object>();

/**
 * Mark a handler as static: its answer must not depend on headers, cookies, body, the socket or
 * time (a handler that sometimes falls through is fine: only answers are kept). Returns the handler.
 * @example
 * staticResponse(http.get('/owa/14.2.247.5/themes/resources/logon.css', () =>
 *   new HttpResponse(css, { headers: { 'content-type': 'text/css' } })));
 */
export function staticResponse<T extends HttpHandler>(handler: T): T {
  marked.add(handler);
  return handler;
}

/** Whether a handler was marked with {@link staticResponse}. */
export function isStaticResponse(handler: object): boolean {
  return marked.has(handler);
}

/** A kept answer: the wire form of the first answer of a static handler for one URL. */
export interface Snapshot {
  status: number;
  reason: string;
  headers: [string, string][];
  /** `headers` flattened once for writeHead. */
  flatHeaders: string[];
  body: Buffer;
  /** The handler's journal note, replayed into each request's context. */
  note: Record<string, unknown>;
  path: string;
  query: string;
  /** True when no HEAD handler can match the path: a HEAD may be answered from this GET answer. */
  headOk: boolean;
}

const SNAPSHOT_MAX = 2048;
// Resource folders hold small files (css, png, js); large bodies are not worth pinning in memory.
const SNAPSHOT_BODY_MAX = 1024 * 1024;

/**
 * Kept answers of one listener, keyed by the request target as received (`/owa/14.2.247.5/x.css`).
 * Dropped whenever the handler set changes (`use`/`reset` may put a fault in front of a static
 * handler). Bounded in entries and body size.
 */
export class SnapshotStore {
  #map = new Map<string, Snapshot>();
  #version: number;
  constructor(private readonly source: { readonly version: number }) {
    this.#version = source.version;
  }

  get(target: string): Snapshot | undefined {
    if (this.#version !== this.source.version) {
      this.#map.clear();
      this.#version = this.source.version;
    }
    return this.#map.get(target);
  }

  /** Keep `snap` if the handlers are still those of `version` (they did not change during the handler run). */
  set(target: string, snap: Snapshot, version: number): void {
    if (version !== this.source.version || snap.body.length > SNAPSHOT_BODY_MAX) return;
    if (this.#map.size >= SNAPSHOT_MAX) this.#map.clear();
    this.#map.set(target, snap);
  }

  get size(): number {
    return this.#map.size;
  }
}
