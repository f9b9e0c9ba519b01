/**
 * Seed roles: the seeds' users are roles, not names. Seed 001 names five mailboxes by where they
 * live relative to the front door (Red, Purple, Blue, Orange, Grey), seed 003 three (User1..3), and
 * the version rules need one user behind each CAS build. A topology may mark who plays which role
 * (`users[].role`); otherwise the roles are derived here from sites, OWA ExternalURLs and builds.
 * This file answers questions about a topology and holds no routing decision (the oracle rule).
 *
 * | role    | the mailbox is                                                     | seed |
 * |---------|--------------------------------------------------------------------|------|
 * | red     | Exchange 2010, in the front door's site                            | 001  |
 * | purple  | Exchange 2007, in the front door's site                            | 001  |
 * | blue    | Exchange 2010, in a site without an OWA ExternalURL (it has a CAS2010) | 001 |
 * | orange  | Exchange 2010, in another site whose CAS2010 has an OWA ExternalURL | 001 |
 * | grey    | Exchange 2007, in a site without an OWA ExternalURL (it has a CAS2007) | 001 |
 * | user1   | Exchange 2007, in the front door's site                            | 003  |
 * | user2   | Exchange 2007, in another site whose CAS2007 has an OWA ExternalURL | 003  |
 * | user3   | Exchange 2007, in a site without an OWA ExternalURL (it has a CAS2007) | 003 |
 * | version | behind a CAS of one build, outside the front door's and Internet-facing sites | 002, 003 |
 *
 * When several users fit a role, the one in the site with the most CAS of its version wins (001's
 * Site3 pair beats a one-CAS site), then a mailbox of the site's newest CAS build, then the site with
 * the most CAS, then topology order. The mock CAS that plays the front door in the exchange2010 and
 * exchange2007 profiles (the server at the front door's address) is never a role's server.
 * @example
 * const blue = roleUser(topology, 'blue');              // UserSpec, or throws RoleMissingError
 * const pair = roleServers(topology, 'blue');           // the CAS2010 of Blue's site (001: the Site3 pair)
 * const site1 = roleServers(topology, 'red');           // the front door's site CAS2010
 * const legacy = roleNamespace(topology, 'purple');     // 'legacy.contoso.lab' (the OWA ExternalURL host)
 * const why = roleMissingReason(topology, 'orange');    // null, or "your topology has no ..."
 * for (const v of versionTargets(topology)) console.log(v.build, v.user.name, v.servers.map((s) => s.fqdn));
 */
import type { ServerSpec, Topology, UserSpec, VdirName } from './schema.ts';
import { findBuild, compareBuilds, type Product } from '../../mocks/builds/catalogue.ts';
import { RoleMissingError } from './errors.ts';

/** The seed roles one user plays each. */
export type SeedRole = 'red' | 'purple' | 'blue' | 'orange' | 'grey' | 'user1' | 'user2' | 'user3';
/** What `users[].role` may say. */
export type RoleMark = SeedRole | 'version';

/** Where a role's mailbox lives, as data. */
export interface RoleDefinition {
  role: SeedRole;
  /** The name the seed uses (Red, User3). */
  seedName: string;
  product: Product;
  /** front-door-site; other-facing: another site with an OWA ExternalURL on a CAS of the product; internal: a site without any OWA ExternalURL, with a CAS of the product. */
  where: 'front-door-site' | 'other-facing' | 'internal';
  /** The n/a reason when no user fits. */
  missing: string;
}

export const ROLE_DEFINITIONS: readonly RoleDefinition[] = [
  { role: 'red', seedName: 'Red', product: 2010, where: 'front-door-site', missing: "your topology has no Exchange 2010 mailbox in the front door's site" },
  { role: 'purple', seedName: 'Purple', product: 2007, where: 'front-door-site', missing: "your topology has no Exchange 2007 mailbox in the front door's site" },
  { role: 'blue', seedName: 'Blue', product: 2010, where: 'internal', missing: 'your topology has no mailbox in a site without an OWA ExternalURL (an Exchange 2010 mailbox in a site with a CAS2010 and no OWA ExternalURL)' },
  { role: 'orange', seedName: 'Orange', product: 2010, where: 'other-facing', missing: 'your topology has no Exchange 2010 mailbox in another Internet-facing site (a site other than the front door\'s whose CAS2010 has an OWA ExternalURL)' },
  { role: 'grey', seedName: 'Grey', product: 2007, where: 'internal', missing: 'your topology has no Exchange 2007 mailbox in a site without an OWA ExternalURL (with a CAS2007 there)' },
  { role: 'user1', seedName: 'User1', product: 2007, where: 'front-door-site', missing: "your topology has no Exchange 2007 mailbox in the front door's site" },
  { role: 'user2', seedName: 'User2', product: 2007, where: 'other-facing', missing: 'your topology has no Exchange 2007 mailbox in another Internet-facing site (a site other than the front door\'s whose CAS2007 has an OWA ExternalURL)' },
  { role: 'user3', seedName: 'User3', product: 2007, where: 'internal', missing: 'your topology has no Exchange 2007 mailbox in a site without an OWA ExternalURL (with a CAS2007 there)' },
];

/** Every seed role, in table order. */
export const SEED_ROLES: readonly SeedRole[] = ROLE_DEFINITIONS.map((d) => d.role);

function definition(role: SeedRole): RoleDefinition {
  const d = ROLE_DEFINITIONS.find((x) => x.role === role);
  if (!d) throw new RangeError(`unknown seed role "${role}" (known: ${SEED_ROLES.join(', ')})`);
  return d;
}

/** The product line of a catalogue build id (null when unknown: validation reports it). */
function productOf(build: string): Product | null {
  return findBuild(build)?.product ?? null;
}

/** The mock CAS playing the front door (exchange2010/2007 profiles), if the topology has one. */
export function frontDoorMockServer(t: Topology): ServerSpec | undefined {
  return t.servers.find((s) => s.address === t.frontDoor.address);
}

/** The legacy CAS of a site (never the front-door mock), optionally of one product, in topology order. */
export function siteServers(t: Topology, site: string, product?: Product): ServerSpec[] {
  return t.servers.filter((s) => s.site === site && s.address !== t.frontDoor.address && (product === undefined || productOf(s.build) === product));
}

/** The front door's site's legacy CAS (001: CAS2010 and CAS2007 of Site1), optionally of one product. */
export function frontDoorSiteServers(t: Topology, product?: Product): ServerSpec[] {
  return siteServers(t, t.frontDoor.site, product);
}

/** Whether any legacy CAS of the site (of the product, when given) publishes an OWA ExternalURL. */
export function siteHasOwaExternalUrl(t: Topology, site: string, product?: Product): boolean {
  return siteServers(t, site, product).some((s) => s.vdirs.owa.externalUrl);
}

/** Where a user's mailbox is: site, product, build. */
export interface MailboxPlace {
  site: string;
  product: Product | null;
  build: string;
}

/** A user's mailbox place, or null when the mailbox server is unknown. */
export function mailboxPlace(t: Topology, u: UserSpec): MailboxPlace | null {
  const m = t.mailboxServers.find((x) => x.name === u.mailboxServer);
  return m ? { site: m.site, product: productOf(m.build), build: m.build } : null;
}

/** Whether a mailbox place fits a role's definition; a sentence saying why not otherwise. */
export function roleMismatch(t: Topology, place: MailboxPlace, role: SeedRole): string | null {
  const d = definition(role);
  const fd = t.frontDoor.site;
  const at = `Exchange ${place.product ?? '?'} in ${place.site}`;
  if (place.product !== d.product) return `${d.seedName} is an Exchange ${d.product} mailbox; this one is ${at}`;
  if (d.where === 'front-door-site') return place.site === fd ? null : `${d.seedName}'s mailbox is in the front door's site (${fd}); this one is ${at}`;
  if (place.site === fd) return `${d.seedName}'s mailbox is outside the front door's site (${fd}); this one is ${at}`;
  if (siteServers(t, place.site, d.product).length === 0) return `${d.seedName}'s site has a CAS${d.product}; ${place.site} has none`;
  const facing = siteHasOwaExternalUrl(t, place.site, d.where === 'other-facing' ? d.product : undefined);
  if (d.where === 'other-facing') return facing ? null : `${d.seedName}'s site has a CAS${d.product} with an OWA ExternalURL; ${place.site} has none`;
  return facing ? `${d.seedName}'s site has no OWA ExternalURL; a CAS in ${place.site} has one` : null;
}

/** One role and who plays it. */
export interface RoleAssignment {
  role: SeedRole;
  seedName: string;
  user: UserSpec;
  place: MailboxPlace;
  /** marked in the topology (`users[].role`) or derived here. */
  how: 'marked' | 'derived';
}

/** Ranking of candidates for a role (see the file comment): lower sorts first. */
function rank(t: Topology, u: UserSpec, place: MailboxPlace, product: Product): number[] {
  const cas = siteServers(t, place.site, product);
  const newest = cas.map((s) => findBuild(s.build)?.build ?? '0.0.0.0').sort(compareBuilds).at(-1);
  const ownBuild = findBuild(place.build)?.build;
  return [-cas.length, ownBuild && ownBuild === newest ? 0 : 1, -siteServers(t, place.site).length, t.users.indexOf(u)];
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Who plays `role`, or null. Marked users win; otherwise the best-ranked user that fits and is not marked for another role. */
export function findRole(t: Topology, role: SeedRole): RoleAssignment | null {
  const d = definition(role);
  const marked = t.users.find((u) => u.role === role);
  if (marked) {
    const place = mailboxPlace(t, marked);
    return place ? { role, seedName: d.seedName, user: marked, place, how: 'marked' } : null;
  }
  const fits = t.users
    .filter((u) => u.role === undefined)
    .map((u) => ({ u, place: mailboxPlace(t, u) }))
    .filter((c): c is { u: UserSpec; place: MailboxPlace } => !!c.place && roleMismatch(t, c.place, role) === null)
    .sort((a, b) => compareRanks(rank(t, a.u, a.place, d.product), rank(t, b.u, b.place, d.product)));
  const best = fits[0];
  return best ? { role, seedName: d.seedName, user: best.u, place: best.place, how: 'derived' } : null;
}

/** The n/a reason when the topology has nobody for `role`, else null. */
export function roleMissingReason(t: Topology, role: SeedRole): string | null {
  return findRole(t, role) ? null : definition(role).missing;
}

/**
 * The user playing `role`.
 * @throws RoleMissingError with the n/a reason ("your topology has no mailbox in a site without an OWA ExternalURL ...")
 */
export function roleUser(t: Topology, role: SeedRole): UserSpec {
  const a = findRole(t, role);
  if (!a) throw new RoleMissingError(role, definition(role).missing);
  return a.user;
}

/** The site of the role's mailbox. @throws RoleMissingError */
export function roleSite(t: Topology, role: SeedRole): string {
  const a = findRole(t, role);
  if (!a) throw new RoleMissingError(role, definition(role).missing);
  return a.place.site;
}

/**
 * The legacy CAS that serve the role's mailbox: the CAS of its version in its site (Red: the front
 * door's site CAS2010; Purple: the front door's site CAS2007; Blue: 001's Site3 pair; User3: 003's Hub
 * CAS), never the front-door mock. `vdir` keeps only those whose vdir has an InternalURL.
 * @throws RoleMissingError when nobody plays the role or no such CAS exists
 */
export function roleServers(t: Topology, role: SeedRole, opts: { vdir?: Exclude<VdirName, 'rpc'> } = {}): ServerSpec[] {
  const a = findRole(t, role);
  const d = definition(role);
  if (!a) throw new RoleMissingError(role, d.missing);
  const all = siteServers(t, a.place.site, d.product);
  const out = opts.vdir ? all.filter((s) => s.vdirs[opts.vdir!]?.internalUrl) : all;
  if (!out.length) {
    const what = opts.vdir ? `CAS${d.product} with an ${opts.vdir.toUpperCase()} InternalURL` : `CAS${d.product}`;
    throw new RoleMissingError(role, `your topology has no ${what} in ${a.place.site}, the site of ${d.seedName}'s mailbox (${a.user.name})`);
  }
  return out;
}

/**
 * The host of the OWA (or another vdir's) ExternalURL of the CAS of the role's site: Purple -> 001's
 * `legacy`, Orange -> `mail-region`, User2 -> 003's `www.europe`. For the front door's site the front
 * door's own namespace is excluded (Purple's is the CAS2007's legacy name, not mail).
 * @throws RoleMissingError when the site's CAS of that version publish no such ExternalURL
 */
export function roleNamespace(t: Topology, role: SeedRole, vdir: Exclude<VdirName, 'rpc'> = 'owa'): string {
  const a = findRole(t, role);
  const d = definition(role);
  if (!a) throw new RoleMissingError(role, d.missing);
  const own = new Set(t.frontDoor.namespaces);
  for (const s of siteServers(t, a.place.site, d.product)) {
    const url = s.vdirs[vdir]?.externalUrl;
    const host = url ? new URL(url).hostname : null;
    if (host && !own.has(host)) return host;
  }
  throw new RoleMissingError(role, `your topology has no CAS${d.product} with a ${vdir.toUpperCase()} ExternalURL (other than the front door's namespace) in ${a.place.site}, the site of ${d.seedName}'s mailbox`);
}

/** The hosts of a vdir's InternalURLs on the role's CAS (001 EAS-05: the CAS2007 InternalURL host). @throws RoleMissingError */
export function roleInternalHosts(t: Topology, role: SeedRole, vdir: Exclude<VdirName, 'rpc'>): string[] {
  return [...new Set(roleServers(t, role, { vdir }).map((s) => new URL(s.vdirs[vdir]!.internalUrl!).hostname))];
}

/** A user behind one CAS build (VER-01, VER-02, OWA-09) and the CAS of that build in the user's site. */
export interface VersionTarget {
  build: string;
  product: Product;
  user: UserSpec;
  servers: ServerSpec[];
  how: 'marked' | 'derived';
}

/**
 * One target per CAS build found outside the front door's site and outside Internet-facing sites:
 * a user whose mailbox (of the build's product) sits in a site with CAS of that build. Preferred:
 * users marked `version`, then a one-CAS site whose mailbox has the same build (contoso's Site4-*),
 * then seed-role holders (contoso: Grey for 2007 SP3, Blue for 2010 SP2 RU1), then anyone, in order.
 */
export function versionTargets(t: Topology): VersionTarget[] {
  const fd = t.frontDoor.site;
  const roleHolders = new Set(SEED_ROLES.map((r) => findRole(t, r)?.user).filter((u): u is UserSpec => !!u));
  const builds = [...new Set(t.servers.filter((s) => s.address !== t.frontDoor.address && s.site !== fd).map((s) => s.build))];
  const out: VersionTarget[] = [];
  for (const build of builds) {
    const product = productOf(build);
    if (!product) continue;
    const candidates = t.users
      .map((u) => ({ u, place: mailboxPlace(t, u) }))
      .filter((c): c is { u: UserSpec; place: MailboxPlace } => !!c.place && c.place.product === product && c.place.site !== fd && !siteHasOwaExternalUrl(t, c.place.site))
      .map((c) => ({ ...c, servers: siteServers(t, c.place.site, product).filter((s) => s.build === build) }))
      .filter((c) => c.servers.length > 0 && (c.u.role === undefined || c.u.role === 'version' || roleHolders.has(c.u)));
    const score = (c: (typeof candidates)[number]) =>
      c.u.role === 'version' ? 0 : siteServers(t, c.place.site).length === 1 && c.place.build === build ? 1 : roleHolders.has(c.u) ? 2 : 3;
    candidates.sort((a, b) => score(a) - score(b) || t.users.indexOf(a.u) - t.users.indexOf(b.u));
    const best = candidates[0];
    if (best) out.push({ build, product, user: best.u, servers: best.servers, how: best.u.role === 'version' ? 'marked' : 'derived' });
  }
  return out.sort((a, b) => a.product - b.product || compareBuilds(findBuild(a.build)!.build, findBuild(b.build)!.build));
}

/** The whole mapping, for `topology show`: who plays each role, the missing ones with their reasons, the version targets. */
export interface RoleMap {
  roles: RoleAssignment[];
  missing: { role: SeedRole; seedName: string; reason: string }[];
  versions: VersionTarget[];
}

export function roleMap(t: Topology): RoleMap {
  const roles: RoleAssignment[] = [];
  const missing: RoleMap['missing'] = [];
  for (const d of ROLE_DEFINITIONS) {
    const a = findRole(t, d.role);
    if (a) roles.push(a);
    else missing.push({ role: d.role, seedName: d.seedName, reason: d.missing });
  }
  return { roles, missing, versions: versionTargets(t) };
}

/**
 * Problems with the roles a topology marks (validation): a seed role marked on two users, or on a
 * user whose mailbox does not fit it. Each with the JSON path of the mark.
 */
export function roleMarkIssues(t: Topology): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const seen = new Map<string, number>();
  t.users.forEach((u, i) => {
    if (!u.role || u.role === 'version') return;
    const path = `users[${i}].role`;
    const prev = seen.get(u.role);
    if (prev !== undefined) issues.push({ path, message: `role ${u.role} is already marked on users[${prev}] (${t.users[prev]!.name}); a seed role has one user` });
    else seen.set(u.role, i);
    const place = mailboxPlace(t, u);
    const why = place ? roleMismatch(t, place, u.role) : null;
    if (why) issues.push({ path, message: `${u.name} cannot play ${u.role}: ${why}` });
  });
  return issues;
}
