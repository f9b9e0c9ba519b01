/**
 * TEST-ONLY helpers for the real-proxy launcher tests (frontdoors/<name>/<name>.test.ts): a client
 * agent that reaches the candidate under the front-door namespaces, Basic credentials of a lab user,
 * and a bounded scan of /proc for processes left behind. Not for product code (it imports the lab).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Agent } from 'undici';
import type { Lab } from '../../../harness/lab/lab.ts';
import type { CandidateHandle } from '../../../harness/frontdoor/launcher.ts';
import { createLabAgent } from '../../../harness/clients/lab-agent.ts';
import { findBinary } from '../run-process.ts';

/** Lab names with the front door's namespaces pointing at the candidate. */
export function candidateHosts(lab: Lab, h: CandidateHandle): { name: string; address: string }[] {
  const ns = new Set(lab.topology.frontDoor.namespaces);
  return lab.hosts().map((x) => (ns.has(x.name) ? { name: x.name, address: h.address } : x));
}

/** An undici agent: lab DNS with `mail.contoso.lab` at the candidate, lab trust. */
export function candidateAgent(lab: Lab, h: CandidateHandle, connections?: number): Agent {
  return createLabAgent({ hosts: candidateHosts(lab, h), ca: lab.trustBundle(), maxCachedSessions: 0, ...(connections ? { connections } : {}) });
}

/** `Basic base64(CONTOSO\sam:password)` for a lab user. */
export function basicFor(lab: Lab, sam: string, password?: string): string {
  const u = lab.topology.users.find((x) => x.samAccountName === sam);
  if (!u) throw new Error(`no user ${sam}`);
  return `Basic ${Buffer.from(`${lab.topology.organisation.netbiosDomain}\\${sam}:${password ?? u.password}`).toString('base64')}`;
}

/** PIDs whose command line contains `text` (e.g. the run dir), at most 10,000 entries of /proc read. */
export function processesWith(text: string): number[] {
  const out: number[] = [];
  let names: string[] = [];
  try {
    names = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).slice(0, 10_000);
  } catch {
    return out;
  }
  for (const n of names) {
    if (Number(n) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${n}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(text)) out.push(Number(n));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** True when the binary exists; prints why the tests skip otherwise. */
export function hasProxy(name: string, install: string): boolean {
  const found = findBinary(name) !== null;
  if (!found) console.warn(`[skip] ${name} is not installed (${install}): its launcher tests are skipped`);
  return found;
}
