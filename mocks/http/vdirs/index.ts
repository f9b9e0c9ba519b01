/**
 * Every virtual directory of a mock CAS, listed by hand (no folder scanning). Order is priority:
 * the first handler that answers wins; a handler returning nothing falls through (msw).
 *
 * This is a public export: mount a CAS of any build in process with msw's `setupServer` to unit-test
 * your own Exchange client code without sockets.
 * @example
 * import { setupServer } from 'msw/node';
 * import { casHandlers, createCasContext } from 'cas-conformance/mocks/http/vdirs/index.ts';
 * const ctx = createCasContext({ topology: loadTopology('contoso'), server: 'cas2010.site1.contoso.lab' });
 * const server = setupServer(...casHandlers(ctx).map((h) => h)); // absolute URLs: see docs/in-process-mocks.md
 */
import type { HttpHandler } from 'msw';
import type { CasContext } from '../../cas/context.ts';
import { owaHandlers } from './owa.ts';
import { easHandlers } from './eas.ts';
import { ewsHandlers } from './ews.ts';
import { autodiscoverHandlers } from './autodiscover.ts';
import { oabHandlers } from './oab.ts';
import { adminHandlers } from './admin.ts';
import { rpcHandlers } from './rpc.ts';

export function casHandlers(ctx: CasContext): HttpHandler[] {
  return [
    ...owaHandlers(ctx),
    ...easHandlers(ctx),
    ...ewsHandlers(ctx),
    ...autodiscoverHandlers(ctx),
    ...oabHandlers(ctx),
    ...adminHandlers(ctx),
    ...rpcHandlers(ctx),
  ];
}

export { owaHandlers, easHandlers, ewsHandlers, autodiscoverHandlers, oabHandlers, adminHandlers, rpcHandlers };
