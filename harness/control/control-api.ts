/**
 * The control API: loopback HTTP JSON with a bearer token (refuses without it). Read the journal since
 * a sequence number, inject and clear faults, reset, read the topology and the event log.
 *
 * GET  /journal?since=N[&kind=http]     -> { seq, events }
 * GET  /events?since=N                  -> event-log entries (42, 46, 4999, …)
 * GET  /topology                        -> the validated topology
 * GET  /faults | POST /faults {FaultSpec} | DELETE /faults | DELETE /faults/:id
 * POST /reset                           -> clear faults and mock state (sessions, affinity)
 * POST /servers/:fqdn/owa-folders { add?: string[], remove?: string[] } -> 002's copy of a resource folder
 */
import { timingSafeEqual } from 'node:crypto';
import type { Journal } from '../journal/journal.ts';
import type { Topology } from '../topology/index.ts';
import { FaultSpecSchema, type FaultTable } from './faults.ts';
import { HttpJsonError, startJsonService } from '../lab/http-json.ts';
import { jsonPath } from '../topology/validate.ts';

export interface ControlApiDeps {
  token: string;
  journal: Journal;
  topology: Topology;
  faults: FaultTable;
  reset(): void;
  setOwaFolders(server: string, change: { add?: string[]; remove?: string[] }): string[];
}

function tokenOk(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startControlApi(deps: ControlApiDeps, host = '127.0.0.1', port = 0) {
  return startJsonService({
    host,
    port,
    guard: (req) => (tokenOk(req.headers.authorization, deps.token) ? undefined : [401, 'missing or wrong bearer token']),
    routes: [
      {
        method: 'GET',
        path: '/journal',
        handler: (_r, _p, _b, url) => {
          const since = Number(url.searchParams.get('since') ?? 0);
          const kind = url.searchParams.get('kind');
          const events = deps.journal.since(since).filter((e) => !kind || e.kind === kind);
          return [200, { seq: deps.journal.seq, events }];
        },
      },
      { method: 'GET', path: '/events', handler: (_r, _p, _b, url) => [200, deps.journal.filter({ kind: 'eventlog' }, Number(url.searchParams.get('since') ?? 0))] },
      { method: 'GET', path: '/topology', handler: () => [200, deps.topology] },
      { method: 'GET', path: '/faults', handler: () => [200, deps.faults.list()] },
      {
        method: 'POST',
        path: '/faults',
        handler: (_r, _p, body) => {
          const parsed = FaultSpecSchema.safeParse(body);
          if (!parsed.success) throw new HttpJsonError(400, parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; '));
          if (!deps.topology.servers.some((s) => s.fqdn === parsed.data.server)) throw new HttpJsonError(404, `no server ${parsed.data.server}`);
          const f = deps.faults.inject(parsed.data);
          deps.journal.record({ kind: 'fault', server: f.server, action: 'inject', description: JSON.stringify(parsed.data) });
          return [201, f];
        },
      },
      {
        method: 'DELETE',
        path: '/faults',
        handler: () => {
          deps.faults.clear();
          deps.journal.record({ kind: 'fault', server: 'lab', action: 'clear', description: 'all faults' });
          return [200, { cleared: true }];
        },
      },
      {
        method: 'DELETE',
        path: '/faults/:id',
        handler: (_r, p) => {
          if (!deps.faults.clear(p.id)) throw new HttpJsonError(404, `no fault ${p.id}`);
          deps.journal.record({ kind: 'fault', server: 'lab', action: 'clear', description: p.id! });
          return [200, { cleared: p.id }];
        },
      },
      {
        method: 'POST',
        path: '/reset',
        handler: () => {
          deps.reset();
          return [200, { reset: true }];
        },
      },
      {
        method: 'POST',
        path: '/servers/:fqdn/owa-folders',
        handler: (_r, p, body) => {
          const b = (body ?? {}) as { add?: string[]; remove?: string[] };
          return [200, { folders: deps.setOwaFolders(p.fqdn!, b) }];
        },
      },
    ],
  });
}

/** A small client for scripts and tests. */
export class ControlClient {
  constructor(readonly url: string, readonly token: string) {}
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`control API ${method} ${path}: ${res.status} ${data.error ?? ''}`);
    return data;
  }
}
