/**
 * The CAS-CAS proxy hop of a legacy CAS: one HTTPS request to the target CAS's InternalURL, authenticated
 * with Integrated Windows authentication as the user (003: "the virtual directories must use Integrated
 * Windows authentication"; real Exchange uses Kerberos, the lab uses NTLM with the user's password —
 * documented in docs/legacy-behaviour.md). The hop does not follow redirects (PROTOCOL-FACTS) and, like
 * a CAS talking to a non-Internet-facing CAS, accepts its default self-signed certificate (003 Note).
 */
import { Client } from 'undici';
import type { UserSpec } from '../../../harness/topology/index.ts';
import { createType1, createType3 } from '../../auth/ntlm/client-messages.ts';
import type { CasContext } from '../context.ts';

export interface HopRequest {
  protocol: string;
  /** Absolute URL with the logical port (as the topology writes InternalURLs); mapped to the lab's port here. */
  url: string;
  targetServer: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  user: UserSpec;
}

export interface HopResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** Request headers a CAS passes on (end-to-end ones); hop-by-hop, credentials and the listener's internal context header are not copied. */
const DROP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-authorization', 'authorization', 'content-length', 'cookie', 'x-cas-lab-context']);

export function hopHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    if (!DROP.has(k)) out[k] = v;
  });
  return out;
}

const HOP_TIMEOUT_MS = 10_000;

/** Send the hop; throws on connection or TLS failure (the caller fails over or answers 503). */
export async function sendHop(ctx: CasContext, h: HopRequest): Promise<HopResponse> {
  const u = new URL(h.url);
  const logical = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const port = ctx.ports(u.hostname, logical);
  const address = ctx.resolveHost(u.hostname);
  if (!address) throw new Error(`cannot resolve ${u.hostname}`);
  const origin = `${u.protocol}//${u.hostname}:${port}`;
  const client = new Client(origin, {
    connect: {
      lookup: (_h: string, opts: { all?: boolean }, cb: (e: Error | null, a: string | { address: string; family: number }[], f?: number) => void) =>
        opts?.all ? cb(null, [{ address, family: 4 }]) : cb(null, address, 4),
      servername: u.protocol === 'https:' ? u.hostname : undefined,
      rejectUnauthorized: false,
    },
    pipelining: 1,
    headersTimeout: HOP_TIMEOUT_MS,
    bodyTimeout: HOP_TIMEOUT_MS,
  });
  const path = u.pathname + u.search;
  const host = port === (u.protocol === 'https:' ? 443 : 80) ? u.hostname : `${u.hostname}:${port}`;
  try {
    // Leg 1: NTLM negotiate on this connection (IIS binds the identity to it).
    const r1 = await client.request({ path, method: h.method as 'GET', headers: { ...h.headers, host, authorization: `NTLM ${createType1().toString('base64')}`, 'content-length': '0' } });
    await r1.body.dump();
    const challenge = ([] as string[]).concat(r1.headers['www-authenticate'] ?? []).find((v) => /^NTLM \S+/.test(v));
    if (r1.statusCode !== 401 || !challenge) {
      // The target did not offer NTLM: what it answered is the answer (403, 404, …).
      return { status: r1.statusCode, headers: flatHeaders(r1.headers), body: new Uint8Array(0) };
    }
    const type3 = createType3(Buffer.from(challenge.slice(5), 'base64'), { user: h.user.samAccountName, password: h.user.password, domain: ctx.topology.organisation.netbiosDomain, workstation: ctx.server.fqdn.split('.')[0]!.toUpperCase() });
    const r2 = await client.request({ path, method: h.method as 'GET', headers: { ...h.headers, host, authorization: `NTLM ${type3.toString('base64')}` }, body: h.body ?? undefined });
    const body = new Uint8Array(await r2.body.arrayBuffer());
    return { status: r2.statusCode, headers: flatHeaders(r2.headers), body };
  } finally {
    await client.close().catch(() => {});
  }
}

function flatHeaders(h: Record<string, string | string[] | undefined>): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(h)) for (const x of ([] as string[]).concat(v ?? [])) out.push([k, x]);
  return out;
}
