/**
 * Who the simulated users are: the topology's users that play a seed role (Red, Purple, Blue, Orange,
 * Grey; User1..3), and the users whose mailbox lives where a role holder's does (contoso's Cyan next to
 * Blue, so the Site3 pair carries two people), cycled until M simulated users exist. Each simulated user
 * is one person with a browser, Outlook and a phone, connecting from a loopback address of its own
 * (127.0.250.x, as suites/support/world.ts hands out), so a front door keying anything by client
 * address is seen doing so.
 */
import type { Topology, UserSpec } from '../topology/index.ts';
import { mailboxPlace, roleMap } from '../topology/roles.ts';
import { expectations, type Expectation, type LoadProtocol } from './oracle.ts';

export interface SimUserSpec {
  /** `u01`, `u02`, ... */
  id: string;
  index: number;
  user: UserSpec;
  /** Seed roles the topology user plays (may be empty for a neighbour such as Cyan). */
  roles: string[];
  /** Source address of every connection (null in portable mode). */
  address: string | null;
  /** EAS DeviceId of the phone (MS-ASHTTP: letters and digits). */
  deviceId: string;
  expect: Record<LoadProtocol, Expectation>;
}

/** The topology users the scenario draws from, role holders first (roles.ts table order). */
export function loadUsers(t: Topology): { user: UserSpec; roles: string[] }[] {
  const map = roleMap(t);
  const out: { user: UserSpec; roles: string[] }[] = [];
  for (const r of map.roles) {
    const seen = out.find((o) => o.user === r.user);
    if (seen) seen.roles.push(r.seedName);
    else out.push({ user: r.user, roles: [r.seedName] });
  }
  const places = new Set(out.map((o) => JSON.stringify(mailboxPlace(t, o.user))));
  for (const u of t.users) {
    if (out.some((o) => o.user === u)) continue;
    const p = mailboxPlace(t, u);
    if (p && places.has(JSON.stringify(p))) out.push({ user: u, roles: [] });
  }
  return out.length ? out : t.users.map((user) => ({ user, roles: [] }));
}

/** The loopback address of the i-th simulated user (127.0.250.1, ...). */
export function simAddress(i: number): string {
  return `127.0.${250 + Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * M simulated users over the topology's users, round robin.
 * @example
 * population(contoso, 20, 'a1b2', false).map((s) => s.user.name) // ['Red', 'Purple', 'Blue', 'Orange', 'Grey', 'Cyan', 'Red', ...]
 */
export function population(t: Topology, m: number, tag: string, portable: boolean): SimUserSpec[] {
  const pool = loadUsers(t);
  return Array.from({ length: m }, (_, i) => {
    const { user, roles } = pool[i % pool.length]!;
    const id = `u${String(i + 1).padStart(2, '0')}`;
    return {
      id,
      index: i,
      user,
      roles,
      address: portable ? null : simAddress(i),
      deviceId: `LOAD${tag}${id}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 32),
      expect: expectations(t, user),
    };
  });
}

/** The User-Agent marker every request of a simulated user carries (mocks copy it on their own hops). */
export function uaMarker(tag: string, id: string): string {
  return `cas-load/1 (${tag} ${id})`;
}

/** The simulated user a User-Agent names, for this run's tag; null for anyone else (probes, other runs). */
export function simOf(userAgent: string | null, tag: string): string | null {
  if (!userAgent) return null;
  const m = /cas-load\/1 \(([0-9a-f]+) (u\d+)\)/.exec(userAgent);
  return m && m[1] === tag ? m[2]! : null;
}
