/**
 * Helpers for the real-proxy adapters' own tests (frontdoors/<name>/<name>.test.ts): one EAS OPTIONS
 * of a lab user through a started candidate, and the processes still running from a run dir (a stop
 * must leave none behind).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'undici';
import type { Lab } from '../../lab/lab.ts';
import type { CandidateHandle } from '../launcher.ts';
import { createLabAgent } from '../../clients/lab-agent.ts';
import { findUser } from '../../topology/index.ts';

/** Lab names with the front door's namespaces pointing at the candidate. */
export function candidateHosts(lab: Lab, handle: CandidateHandle): { name: string; address: string }[] {
  const ns = new Set(lab.topology.frontDoor.namespaces);
  return lab.hosts().map((h) => (ns.has(h.name) ? { name: h.name, address: handle.address } : h));
}

/**
 * A device's EAS OPTIONS (Basic, DOMAIN\user) to `https://<namespace>:<port>/Microsoft-Server-ActiveSync`.
 * @example
 * const r = await easOptionsThrough(lab, handle, 'Red');
 * expect(r.status).toBe(200);
 */
export async function easOptionsThrough(lab: Lab, handle: CandidateHandle, userName: string): Promise<{ status: number; headers: Record<string, unknown> }> {
  const u = findUser(lab.topology, userName) ?? lab.topology.users.find((x) => x.name === userName);
  if (!u) throw new Error(`no user ${userName}`);
  const agent = createLabAgent({ hosts: candidateHosts(lab, handle), ca: lab.trustBundle(), maxCachedSessions: 0 });
  const ns = lab.topology.frontDoor.namespaces[0]!;
  const device = u.devices[0] ?? { id: 'TEST0001', type: 'iPhone' };
  const query = new URLSearchParams({ Cmd: 'Sync', User: u.samAccountName, DeviceId: device.id, DeviceType: device.type });
  const auth = Buffer.from(`${lab.topology.organisation.netbiosDomain}\\${u.samAccountName}:${u.password}`).toString('base64');
  try {
    const r = await request(`https://${ns}:${handle.ports.https}/Microsoft-Server-ActiveSync?${query}`, {
      method: 'OPTIONS',
      dispatcher: agent,
      headers: { authorization: `Basic ${auth}`, 'user-agent': 'Apple-iPhone/1002.329', 'ms-asprotocolversion': '14.0' },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await r.body.dump();
    return { status: r.statusCode, headers: r.headers };
  } finally {
    await agent.close();
  }
}

/** Pids of running processes whose command line mentions `needle` (a run dir or config path). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (cmd.includes(needle) && !/\) Z /.test(stat)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
