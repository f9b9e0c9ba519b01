/**
 * Roles for rules (issue 13 "roles, not names"): a rule picks its users, servers and namespaces by the
 * seed role they play in the topology in use (harness/topology/roles.ts answers which), never by an
 * organisation's names; a state of the organisation a rule needs by situation (situations.ts). A role
 * or situation the organisation lacks makes the rule `n/a` with its reason. What a rule expects to
 * happen to them stays written in the rule, from the seeds (the oracle rule).
 * @example
 * const w = await t.world();
 * const blue = roleName(t, w, 'blue');              // 'Blue' on the built-in; n/a when the topology has no such mailbox
 * const pair = roleFqdns(t, w, 'blue');             // 001's Site3 pair on the built-in
 * const w2 = await t.world(situationSpec(t, 'owa-internalurl-http'));   // n/a on a user's own organisation
 */
import {
  builtInBaseOfTopology, frontDoorSiteServers, loadTopology, profileDefaultTopology, roleInternalHosts, roleMissingReason, roleNamespace, roleServers, roleSite, roleUser,
  situationMissingReason, situationVariant, versionTargets, RoleMissingError, type BuiltInBase, type SeedRole, type ServerSpec, type SituationKey, type Topology,
  type UserSpec, type VdirName, type VersionTarget,
} from '../../harness/topology/index.ts';
import type { Product } from '../../mocks/builds/catalogue.ts';
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

/** The run's topology as the suites' workers read it (the file `run` resolved, or the profile's default). */
function runTopology(): Topology {
  const run = runOptions();
  return loadTopology(run.topology ?? profileDefaultTopology(run.profile));
}

let runBase: BuiltInBase | null | undefined;
/**
 * The built-in base topology of the run, when the run's topology is a built-in one (or a file that
 * means the same to the rules, e.g. an import of its own exports: harness/topology/situations.ts),
 * so that its variants can be started; null on any other organisation.
 */
export function runBuiltInBase(): BuiltInBase | null {
  if (runBase === undefined) runBase = builtInBaseOfTopology(runTopology());
  return runBase;
}

/** Whether the run's topology is a built-in one whose variants can be started (see runBuiltInBase). */
export function runsBuiltInTopology(): boolean {
  return runBuiltInBase() !== null;
}

/**
 * A world spec for a situation a rule needs (harness/topology/situations.ts): the built-in variant that
 * sets it up when the run's topology is a built-in one; on a user's own organisation the rule is `n/a`
 * ("needs a topology where ...; yours (NAME) has none"), as a variant would judge the built-in organisation.
 */
export function situationSpec(t: RuleContext, key: SituationKey, rest: Omit<WorldSpec, 'variant'> = {}): WorldSpec {
  const base = runBuiltInBase();
  const variant = base ? situationVariant(key, base) : null;
  if (!variant) t.notApplicable(situationMissingReason(key, runTopology().name));
  return { ...rest, variant: variant! };
}

/**
 * A world of one rule's own (fresh state, stopped when the rule ends). On a built-in organisation it
 * has no version sites (world.ts `compact`): for rules that live in the seeds' main sites and need the
 * fast check interval (health failover, affinity, identity), the checks of five more CAS were load and
 * nothing else. A user's own organisation is used whole.
 * @example
 * const w = await t.world(privateWorld('hc-02'));
 */
export function privateWorld(key: string, variant?: string): WorldSpec {
  return { key, disposable: true, ...(variant ? { variant } : {}), ...(runsBuiltInTopology() ? { compact: true } : {}) };
}

/** The n/a reason of a rule whose situation the run's topology does not have (rules that look for it in the user's own topology first). */
export function situationMissing(key: SituationKey): string {
  return situationMissingReason(key, runTopology().name);
}

/** Whether every CAS serving the role's mailbox has its `vdir` as `pred` says (a situation read from the topology); n/a without the role. */
export function roleVdirsAll(t: RuleContext, w: World, role: SeedRole, vdir: 'owa' | 'eas', pred: (v: { internalUrl: string | null; auth: readonly string[] }) => boolean): boolean {
  const servers = roleServerSpecs(t, w, role);
  return servers.length > 0 && servers.every((s) => pred(s.vdirs[vdir]));
}

/** A vdir that accepts Basic authentication only (003: proxying needs Integrated Windows authentication on the target). */
export const basicOnly = (v: { auth: readonly string[] }) => v.auth.length > 0 && v.auth.every((a) => a === 'basic');

/**
 * The world where a rule's situation holds. On a built-in topology: the built-in variant that sets it up
 * (situationSpec). On another organisation: its own world, when `holds` finds the organisation already in
 * that situation (read from its topology: an http:// InternalUrl, a Basic-only vdir...); else `n/a`.
 */
export async function situationWorld(t: RuleContext, key: SituationKey, holds: (w: World) => boolean, rest: Omit<WorldSpec, 'variant'> = {}): Promise<World> {
  if (runsBuiltInTopology()) return t.world(situationSpec(t, key, rest));
  const w = await t.world(rest);
  if (!holds(w)) t.notApplicable(situationMissing(key));
  return w;
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
