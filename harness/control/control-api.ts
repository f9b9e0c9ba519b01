/**
 * The control API: loopback HTTP JSON with a bearer token (refuses without it). Read the journal since
 * a sequence number, inject and clear faults, reset, read the topology and the event log.
 *
 * GET  /journal?since=N[&kind=http][&limit=L] -> { seq, events, count, next, more } (paged, see below)
 * GET  /events?since=N[&limit=L]        -> event-log entries (42, 46, 4999, …), paged the same way
 * GET  /topology                        -> the validated topology
 * GET  /faults | POST /faults {FaultSpec} | DELETE /faults | DELETE /faults/:id
 * POST /reset                           -> clear faults and mock state (sessions, affinity)
 * POST /servers/:fqdn/owa-folders { add?: string[], remove?: string[] } -> 002's copy of a resource folder
 *
 * Memory stays bounded whoever calls (issue 15: `GET /journal?since=0` once answered 103 MB and
 * concurrent calls took the lab to 3.2 GB): journal reads are pages of at most `limit` events
 * (default 1000, at most 10000, and at most PAGE_BYTES of JSON) streamed as they are written, with a
 * `next` cursor to pass as `since`;
 * at most JOURNAL_READERS reads run at once, more get 429 with Retry-After.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Journal } from '../journal/journal.ts';
import type { JournalEvent } from '../journal/events.ts';
import type { Topology } from '../topology/index.ts';
import { FaultSpecSchema, type FaultTable } from './faults.ts';
import { parseOwaFolderChange, type OwaFolderChange } from './owa-folders.ts';
import { HttpJsonError, JsonStream, startJsonService } from '../lab/http-json.ts';
import { jsonPath } from '../topology/validate.ts';

export interface ControlApiDeps {
  token: string;
  journal: Journal;
  topology: Topology;
  faults: FaultTable;
  reset(): void;
  setOwaFolders(server: string, change: OwaFolderChange): string[];
}

/** Page sizes of GET /journal and GET /events. */
export const JOURNAL_PAGE = { default: 1000, max: 10_000 } as const;
/** Journal reads served at once; the next one is refused with 429 until one ends. */
export const JOURNAL_READERS = 4;
/** Events serialised per chunk of a streamed page. */
const CHUNK_EVENTS = 200;
/** Characters of one page at most (the page ends early, with `more`, past it). */
export const PAGE_BYTES = 4 * 1024 * 1024;

function tokenOk(header: string | undefined, token: string): boolean {
  if (!header?.startsWith('Bearer ')) return false;
  const a = Buffer.from(header.slice(7));
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** An integer query parameter within bounds, or a 400 naming it. */
function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) throw new HttpJsonError(400, `query ${name} must be an integer from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 40))})`);
  return n;
}

/**
 * `{ "seq": …, "events": [ … ], "count": …, "next": …, "more": … }` written in chunks of CHUNK_EVENTS
 * events, and cut at PAGE_BYTES characters: a page of 10,000 events carrying 4 KB hostile paths
 * would otherwise be 60 MB. The cursor comes last, so it names the last event actually written.
 */
function* pageChunks(seq: number, page: { events: JournalEvent[]; next: number; more: boolean }): Generator<string> {
  yield `{"seq":${seq},"events":[`;
  let bytes = 0;
  let count = 0;
  for (let i = 0; i < page.events.length && bytes < PAGE_BYTES; i += CHUNK_EVENTS) {
    const parts: string[] = [];
    for (const e of page.events.slice(i, i + CHUNK_EVENTS)) {
      if (bytes >= PAGE_BYTES) break;
      const text = JSON.stringify(e);
      bytes += text.length;
      parts.push(text);
    }
    yield (count ? ',' : '') + parts.join(',');
    count += parts.length;
  }
  const cut = count < page.events.length;
  const next = cut ? page.events[count - 1]!.seq : page.next;
  yield `],"count":${count},"next":${next},"more":${cut || page.more}}`;
}

export async function startControlApi(deps: ControlApiDeps, host = '127.0.0.1', port = 0) {
  let readers = 0;
  /** A bounded, streamed page of the journal. */
  const journalPage = (url: URL, kind: string | null): JsonStream => {
    const since = intParam(url, 'since', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(url, 'limit', JOURNAL_PAGE.default, 1, JOURNAL_PAGE.max);
    if (readers >= JOURNAL_READERS) throw new HttpJsonError(429, `${JOURNAL_READERS} journal reads are running: retry when one ends`, { 'Retry-After': '1' });
    readers++;
    // The page is chosen now (a consistent cut); only its serialisation is spread over the writes.
    const page = deps.journal.page(since, limit, kind ? { kind: kind as JournalEvent['kind'] } : () => true);
    const seq = deps.journal.seq;
    return new JsonStream(200, () => pageChunks(seq, page), () => readers--);
  };
  return startJsonService({
    host,
    port,
    guard: (req) => (tokenOk(req.headers.authorization, deps.token) ? undefined : [401, 'missing or wrong bearer token']),
    routes: [
      { method: 'GET', path: '/journal', handler: (_r, _p, _b, url) => journalPage(url, url.searchParams.get('kind')) },
      { method: 'GET', path: '/events', handler: (_r, _p, _b, url) => journalPage(url, 'eventlog') },
      { method: 'GET', path: '/topology', handler: () => [200, deps.topology] },
      { method: 'GET', path: '/faults', handler: () => [200, deps.faults.list()] },
      {
        method: 'POST',
        path: '/faults',
        handler: (_r, _p, body) => {
          const parsed = FaultSpecSchema.safeParse(body);
          if (!parsed.success) throw new HttpJsonError(400, parsed.error.issues.map((i) => `${jsonPath(i.path)}: ${i.message}`).join('; '));
          if (!deps.topology.servers.some((s) => s.fqdn === parsed.data.server)) throw new HttpJsonError(404, `server: no server ${JSON.stringify(parsed.data.server)} in topology ${deps.topology.name}`);
          let f;
          try {
            f = deps.faults.inject(parsed.data);
          } catch (err) {
            throw new HttpJsonError(err instanceof RangeError && /too many/.test(err.message) ? 409 : 400, (err as Error).message);
          }
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
          if (!deps.faults.clear(p.id)) throw new HttpJsonError(404, `no fault ${JSON.stringify(p.id!.slice(0, 40))}`);
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
          if (!deps.topology.servers.some((s) => s.fqdn === p.fqdn)) throw new HttpJsonError(404, `:fqdn: no server ${JSON.stringify(p.fqdn!.slice(0, 120))} in topology ${deps.topology.name}`);
          const change = parseOwaFolderChange(body);
          if ('error' in change) throw new HttpJsonError(400, change.error);
          return [200, { folders: deps.setOwaFolders(p.fqdn!, change) }];
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

  /**
   * Every journal event after `since` (of `kind`), page after page, at most `maxEvents` in all.
   * @example
   * const events = await ctl.journal({ since: 0, kind: 'eventlog' });
   */
  async journal(o: { since?: number; kind?: string; path?: '/journal' | '/events'; limit?: number; maxEvents?: number } = {}): Promise<{ seq: number; next: number; events: JournalEvent[] }> {
    const events: JournalEvent[] = [];
    let since = o.since ?? 0;
    let seq = 0;
    // Bounded: at most maxEvents events (and so at most maxEvents / limit + 1 pages).
    for (let pages = 0; pages < 1000; pages++) {
      const q = new URLSearchParams({ since: String(since), limit: String(o.limit ?? JOURNAL_PAGE.default), ...(o.kind ? { kind: o.kind } : {}) });
      const page = await this.call<{ seq: number; next: number; more: boolean; events: JournalEvent[] }>('GET', `${o.path ?? '/journal'}?${q}`);
      events.push(...page.events);
      seq = page.seq;
      since = page.next;
      if (!page.more || events.length >= (o.maxEvents ?? 100_000)) break;
    }
    return { seq, next: since, events };
  }
}
