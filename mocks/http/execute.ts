/**
 * msw's `getResponse` over a shortlist, without the per-request work of msw's RequestHandler.run that
 * the lab's handlers never use. msw's run clones the Request (a tee of its body), parses the Cookie
 * header and msw's own cookie store, matches the URL again (path-to-regexp compiles the path on every
 * call), makes an AbortController per handler and aborts it afterwards (a DOMException with a stack
 * trace): in a full run that was about a tenth of a suite worker's CPU, on every mock request. Here the
 * shortlist's match (HandlerSet, decided by msw's own matchRequestUrl) gives the params, and the
 * handler's resolver is called with what msw would pass it.
 *
 * Kept on msw's own path (`getResponse` for that handler): handlers msw must decide at run time (a
 * custom predicate, anything not an HttpHandler) and `once` handlers. A resolver that returns a
 * generator is a lab bug here (none does): it fails loudly rather than being half-handled.
 */
import { getResponse, type HttpHandler } from 'msw';
import type { Params, Shortlist } from './handler-set.ts';

/** What msw hands an HttpHandler's resolver (`cookies` is msw's parse of the Cookie header: the lab's handlers read the header themselves). */
type Resolver = (info: { request: Request; requestId: string; params: Params; cookies: Record<string, string> }) => unknown;

const NO_COOKIES: Record<string, string> = Object.freeze({}) as Record<string, string>;
let nextId = 0;

/** The resolver to call directly, or null when msw must run the handler itself. */
function directResolver(h: HttpHandler, params: Params | null): Resolver | null {
  if (params === null) return null;
  const options = (h as unknown as { options?: { once?: boolean } }).options;
  if (options?.once) return null;
  const resolver = (h as unknown as { resolver?: unknown }).resolver;
  return typeof resolver === 'function' ? (resolver as Resolver) : null;
}

const isIterable = (v: unknown): boolean => v !== null && typeof v === 'object' && (Symbol.iterator in v || Symbol.asyncIterator in v) && !(v instanceof Response);

/**
 * The first answer of the shortlist's handlers (in order) to `request`, as msw's getResponse would give
 * it; `params[i]` is the match of `list[i]` (null: let msw decide).
 * @example
 * const response = await execute(handlers.shortlist('GET', '/owa/', origin), request, { baseUrl: origin, quiet: true });
 */
export async function execute({ list, params }: Shortlist, request: Request, rc: { baseUrl: string; quiet: boolean }): Promise<Response | undefined> {
  for (let i = 0; i < list.length; i++) {
    const h = list[i]!;
    const resolver = directResolver(h, params[i] ?? null);
    if (!resolver) {
      const r = await getResponse([h], request, rc);
      if (r) return r;
      continue;
    }
    let out: unknown;
    try {
      out = await resolver({ request, requestId: `lab-${++nextId}`, params: params[i]!, cookies: NO_COOKIES });
    } catch (e) {
      // msw: a resolver may throw a Response instead of returning it.
      if (e instanceof Response) return e;
      throw e;
    }
    if (isIterable(out)) throw new TypeError(`${h.info.header}: a resolver returned a generator, which the lab's executor does not run (mocks/http/execute.ts)`);
    if (out instanceof Response) return out;
  }
  return undefined;
}
