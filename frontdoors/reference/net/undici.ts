/**
 * The parts of undici the reference uses, loaded alone. The package's index loads all of undici (fetch,
 * WebSocket, EventSource, the mock agents, the cache stores with SQLite): about 150 ms of CPU at every
 * start of the reference, against 55 ms for the files below, and a run starts one reference per world
 * (21 in a full exchange2013 run, about 75 in `npm test`). Types come from the package. A version of
 * undici that moves these files stops the reference at its start, loudly (undici.test.ts checks each).
 * @example
 * import { Agent, request } from '../net/undici.ts';
 * const res = await request('https://cas2010.site1.contoso.lab:8443/EWS', { dispatcher: new Agent(), method: 'HEAD' });
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const load = createRequire(import.meta.url);

export const Agent: typeof Undici.Agent = load('undici/lib/dispatcher/agent.js');
export const Client: typeof Undici.Client = load('undici/lib/dispatcher/client.js');
export const buildConnector: typeof Undici.buildConnector = load('undici/lib/core/connect.js');
export type Agent = Undici.Agent;
export type Client = Undici.Client;

// `dispatcher.request()` is the one API method the reference calls on its agents and clients; undici's
// index attaches all of them to Dispatcher.prototype the same way (its own Object.assign).
const DispatcherClass = load('undici/lib/dispatcher/dispatcher.js') as { prototype: Record<string, unknown> };
DispatcherClass.prototype.request ??= load('undici/lib/api/api-request.js');

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Undici.Dispatcher.HttpMethod; dispatcher: Undici.Dispatcher };

/** undici's `request(url, { dispatcher, ... })`, always through the given dispatcher. */
export function request(url: string, opts: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  const u = new URL(url);
  const { dispatcher, method, ...rest } = opts;
  return dispatcher.request({ ...rest, origin: u.origin, path: `${u.pathname}${u.search}`, method: method ?? 'GET' });
}
