/**
 * Roles for rules (issue 13 "roles, not names"): a rule picks its users, servers and namespaces by the
 * seed role they play in the topology in use (harness/topology/roles.ts answers which), never by a
 * contoso name. A role the organisation lacks makes the rule `n/a` with the role API's reason. What a
 * rule expects to happen to them stays written in the rule, from the seeds (the oracle rule).
 * @example
 * const w = await t.world();
 * const blue = roleName(t, w, 'blue');              // 'Blue' on contoso; n/a when the topology has no such mailbox
 * const pair = roleFqdns(t, w, 'blue');             // 001's Site3 pair on contoso
 * const w2 = await t.world(variantSpec(t, 'contoso-nossl', 'Blue\'s Site3 CAS publishing OWA on http://'));
 */
import {
  frontDoorSiteServers, isBuiltInTopology, loadTopology, profileDefaultTopology, roleInternalHosts, roleMissingReason, roleNamespace, roleServers, roleSite, roleUser,
  versionTargets, RoleMissingError, type SeedRole, type ServerSpec, type UserSpec, type VdirName, type VersionTarget,
} from '../../harness/topology/index.ts';
import type { Product } from '../../mocks/builds/catalogue.ts';
import { topologyEssence } from '../../harness/topology/import/essence.ts';
import type { RuleContext } from './rule.ts';
import type { World, WorldSpec } from './world.ts';
import { runOptions } from './run-options.ts';

type Vdir = Exclude<VdirName, 'rpc'>;

/** Run a role question; a RoleMissingError is the rule's `n/a` with its reason (the sentence the role API wrote). */
export function byRole<T>(t: RuleContext, ask: () => T): T {
  try {
    return ask();
  } catch (err) {
    if (err instanceof RoleMissingError) t.notApplicable(err.message);
    throw err;
  }
}

/** The user playing `role` in the world's topology, or n/a. */
export function roleOf(t: RuleContext, w: World, role: SeedRole): UserSpec {
  return byRole(t, () => roleUser(w.roleTopology, role));
}

/** The display name of the user playing `role` (what w.user() and the support clients take), or n/a. */
export function roleName(t: RuleContext, w: World, role: SeedRole): string {
  return roleOf(t, w, role).name;
}

/** FQDNs of the CAS that serve the role's mailbox (its site's CAS of its version), or n/a. */
export function roleFqdns(t: RuleContext, w: World, role: SeedRole, opts: { vdir?: Vdir } = {}): string[] {
  return byRole(t, () => roleServers(w.roleTopology, role, opts).map((s) => s.fqdn));
}

/** The CAS that serve the role's mailbox, as specs, or n/a. */
export function roleServerSpecs(t: RuleContext, w: World, role: SeedRole, opts: { vdir?: Vdir } = {}): ServerSpec[] {
  return byRole(t, () => roleServers(w.roleTopology, role, opts));
}

/** The role's site, or n/a. */
export function roleSiteOf(t: RuleContext, w: World, role: SeedRole): string {
  return byRole(t, () => roleSite(w.roleTopology, role));
}

/** The ExternalURL host of the role's site CAS for `vdir` (Purple: legacy, Orange: mail-region), or n/a. */
export function roleHost(t: RuleContext, w: World, role: SeedRole, vdir: Vdir = 'owa'): string {
  return byRole(t, () => roleNamespace(w.roleTopology, role, vdir));
}

/** The InternalURL hosts of `vdir` on the role's CAS, or n/a. */
export function roleInternal(t: RuleContext, w: World, role: SeedRole, vdir: Vdir): string[] {
  return byRole(t, () => roleInternalHosts(w.roleTopology, role, vdir));
}

/** FQDNs of the front door's site CAS of a product (never the front-door mock); n/a when there is none. */
export function frontDoorSite(t: RuleContext, w: World, product?: Product): string[] {
  const out = frontDoorSiteServers(w.roleTopology, product).map((s) => s.fqdn);
  if (!out.length) t.notApplicable(`your topology has no ${product ? `CAS${product}` : 'legacy CAS'} in the front door's site (${w.roleTopology.frontDoor.site})`);
  return out;
}

/** The version targets of the world's topology (VER-01/02, OWA-09). */
export function versionsOf(w: World): VersionTarget[] {
  return versionTargets(w.roleTopology);
}

/** The name of the run's topology (the file `run` resolved, or the profile's default). */
function runTopologyName(): string {
  const run = runOptions();
  if (!run.topology) return profileDefaultTopology(run.profile);
  return isBuiltInTopology(run.topology) ? run.topology : loadTopology(run.topology).name;
}

let contosoRun: boolean | undefined;
/**
 * Whether the run uses the built-in contoso organisation: a built-in topology, or a file that means the
 * same to the rules (topologyEssence: an import of contoso's exports, issue 13 "the same outcomes as
 * the built-in contoso"). Then the named variants are contoso's with one change, and judge that organisation.
 */
export function runsContoso(): boolean {
  if (contosoRun !== undefined) return contosoRun;
  const run = runOptions();
  if (isBuiltInTopology(runTopologyName()) || !run.topology) return (contosoRun = true);
  const mine = JSON.stringify(topologyEssence(loadTopology(run.topology)));
  const builtIns = (['exchange2013', 'exchange2007'] as const).map((p) => JSON.stringify(topologyEssence(loadTopology(profileDefaultTopology(p)))));
  return (contosoRun = builtIns.includes(mine));
}

/**
 * A world spec for a named contoso variant (contoso-nossl, contoso-midupgrade, ...). Variants are
 * contoso with one change: on a user's own topology the rule is `n/a` (the variant would judge contoso,
 * not their organisation) with `situation` saying what the variant sets up.
 */
export function variantSpec(t: RuleContext, variant: string, situation: string, rest: Omit<WorldSpec, 'variant'> = {}): WorldSpec {
  if (!runsContoso()) t.notApplicable(`needs the contoso variant ${variant} (${situation}); your topology ${runTopologyName()} is not contoso and the roles do not derive that situation`);
  return { ...rest, variant };
}

/**
 * The roles of `roles` the world's topology has, with their users' names (for rules that judge several
 * users); the missing ones are noted with their reasons. None at all: the rule is n/a with the first reason.
 */
export function presentRoles(t: RuleContext, w: World, roles: readonly SeedRole[]): { role: SeedRole; name: string }[] {
  const out: { role: SeedRole; name: string }[] = [];
  const missing: string[] = [];
  for (const role of roles) {
    const why = roleMissingReason(w.roleTopology, role);
    if (why) missing.push(why);
    else out.push({ role, name: roleUser(w.roleTopology, role).name });
  }
  if (!out.length) t.notApplicable(missing[0]!);
  for (const m of missing) t.note(`not judged: ${m}`);
  return out;
}
