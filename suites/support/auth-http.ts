/**
 * Small HTTP helpers for the AUTH, TLS, AUTOD and OA areas: one recorded request to the front door
 * with or without credentials (what no real client does on purpose: AUTH-01 "missing credentials"),
 * the logon name a user types, and an agent that is closed after use.
 * @example
 * const r = await frontDoorRequest(w, { path: '/EWS/Exchange.asmx', method: 'POST' });
 * r.status; // 401: no credentials
 */
import type { Agent } from 'undici';
import { recordedRequest, Transcript, type TranscriptEntry } from '../../harness/clients/transcript.ts';
import type { World } from './world.ts';

export interface FrontDoorRequest {
  path: string;
  method?: string;
  /** A front-door namespace other than the first (e.g. autodiscover.example.lab). */
  namespace?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Basic credentials; none at all when absent. */
  basic?: { user: string; password: string };
  /** The simulated user the connection comes from (its own loopback address). */
  source?: string;
}

export interface FrontDoorAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  transcript: TranscriptEntry[];
}

/** `DOMAIN\sam`, as a user types it into OWA or a mail client. */
export function logonName(w: World, name: string): string {
  return `${w.lab.topology.organisation.netbiosDomain}\\${w.user(name).samAccountName}`;
}

/**
 * Run `fn` with a fresh lab agent and close it after (no sockets left behind between rules). `source`
 * names the simulated user the connections come from (its own loopback address: world.agent).
 */
export async function withAgent<T>(w: World, fn: (agent: Agent) => Promise<T>, source?: string): Promise<T> {
  const agent = w.agent(source ? { source } : {});
  try {
    return await fn(agent);
  } finally {
    await agent.close().catch(() => {});
  }
}

/** One request to the front door, recorded; never throws for a status. */
export function frontDoorRequest(w: World, r: FrontDoorRequest): Promise<FrontDoorAnswer> {
  const headers: Record<string, string> = { 'user-agent': 'cas-conformance', ...r.headers };
  if (r.basic) headers.authorization = `Basic ${Buffer.from(`${r.basic.user}:${r.basic.password}`).toString('base64')}`;
  return withAgent(w, async (agent) => {
    const t = new Transcript();
    const res = await recordedRequest(agent, t, { url: w.url(r.path, r.namespace), method: r.method ?? 'GET', headers, ...(r.body !== undefined ? { body: r.body } : {}) });
    return { status: res.status, headers: res.headers, body: Buffer.from(res.body).toString('utf8'), transcript: t.snapshot() };
  }, r.source);
}

/** The Autodiscover namespace of the front door when it has one (the built-in topology does), else its first namespace. */
export function autodiscoverNamespace(w: World): string {
  const ns = w.lab.topology.frontDoor.namespaces;
  return ns.find((n) => n.startsWith('autodiscover.')) ?? ns[0]!;
}
