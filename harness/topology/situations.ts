/**
 * Situations (issue 13 "roles, not names"): a few rules need the organisation in a particular state
 * that the seeds describe (a CAS pair mid-upgrade, an http:// InternalUrl, a Basic-only vdir...). A rule
 * names the situation, never the organisation; this table says which built-in variant of the run's
 * built-in topology sets it up. On a user's own organisation no variant is started (it would judge the
 * built-in organisation, not theirs): the rule is `n/a` with `situationMissingReason`, unless the rule
 * can read the situation from the user's own topology (COOK-02, HC-06 do).
 * @example
 * const v = situationVariant('cas-out-of-service', 'contoso');   // the built-in variant, or null
 * situationMissingReason('cas-out-of-service', 'my-org');         // "needs a topology where ...; yours (my-org) has none"
 */
import { builtInBase, type BuiltInBase } from './defaults/variants.ts';
import { topologyEssence } from './import/essence.ts';
import { defaultTopologyNames, isBuiltInTopology, loadTopology } from './resolve.ts';
import type { Topology } from './schema.ts';

/** The situations rules ask for, by key. */
export type SituationKey =
  | 'cas-pair-mid-upgrade'
  | 'owa-internalurl-http'
  | 'basic-only-target-vdirs'
  | 'no-eas-internalurl'
  | 'cas-out-of-service'
  | 'mail-endpoints-leave-method-out';

/** One row: the situation, what it is (one line, by role), and the built-in variant of each base that provides it. */
export interface Situation {
  key: SituationKey;
  /** Completes "needs a topology where ...". */
  description: string;
  /** The built-in variant providing it, per built-in base topology (absent: that base has none). */
  variants: Partial<Record<BuiltInBase, string>>;
  /** Where the situation comes from (seed and rule). */
  source: string;
}

export const SITUATIONS: readonly Situation[] = [
  {
    key: 'cas-pair-mid-upgrade',
    description: "Blue's site CAS2010 pair is mid-upgrade (one SP2, one SP2 RU1)",
    variants: { contoso: 'contoso-midupgrade' },
    source: '000 upgrade order; COOK-02',
  },
  {
    key: 'owa-internalurl-http',
    description: "the OWA InternalUrl of a target site's CAS (Blue's; User3's on 2007) is http://",
    variants: { contoso: 'contoso-nossl', 'contoso-2007': 'contoso-2007-nossl' },
    source: '004 item 1; TLS-02, TLS-03',
  },
  {
    key: 'basic-only-target-vdirs',
    description: "User3's site CAS has OWA and EAS vdirs with Basic authentication only",
    variants: { 'contoso-2007': 'contoso-basic' },
    source: '003 "Proxying is not supported for virtual directories that use other authentication methods"; OWA-10, EAS-07',
  },
  {
    key: 'no-eas-internalurl',
    description: "User3's site CAS has an EAS vdir without InternalURL",
    variants: { 'contoso-2007': 'contoso-nointernalurl' },
    source: '003; EAS-07',
  },
  {
    key: 'cas-out-of-service',
    description: "a CAS2010 of Blue's site has IsOutOfService $true",
    variants: { contoso: 'contoso-outofservice' },
    source: '001 Set-ClientAccessServer -IsOutofService; HC-06',
  },
  {
    key: 'mail-endpoints-leave-method-out',
    description: 'POP3/IMAP4 endpoints of the target CAS leave a method out (no SSL, or no TLS)',
    variants: { contoso: 'contoso-mailorder' },
    source: '001 SSL/TLS/plaintext order; MAIL-03, MAIL-04',
  },
];

const BY_KEY = new Map(SITUATIONS.map((s) => [s.key, s]));

/** A situation by key. */
export function situation(key: SituationKey): Situation {
  const s = BY_KEY.get(key);
  if (!s) throw new RangeError(`no situation "${key}"`);
  return s;
}

/** The built-in variant that sets up `key` on the built-in `base`, or null when that base has none. */
export function situationVariant(key: SituationKey, base: BuiltInBase): string | null {
  return situation(key).variants[base] ?? null;
}

/** The situation a built-in topology provides (a variant's), or null (a base topology, a user's file). */
export function situationOfTopology(name: string): SituationKey | null {
  if (!isBuiltInTopology(name)) return null;
  return SITUATIONS.find((s) => Object.values(s.variants).includes(name))?.key ?? null;
}

/** The n/a reason of a rule whose situation the run's topology `name` does not have. */
export function situationMissingReason(key: SituationKey, name: string): string {
  return `needs a topology where ${situation(key).description}; yours (${name}) has none`;
}

/** The built-in base a built-in topology name belongs to (a base itself or one of its variants), or null. */
export function builtInBaseOf(name: string): BuiltInBase | null {
  return isBuiltInTopology(name) ? builtInBase(name) : null;
}

let essences: Map<string, string> | undefined;
/**
 * The built-in base whose variants a run on `t` may start: the base of a built-in topology, or of the
 * built-in that a user's file means the same as (topologyEssence: an import of the built-in's own
 * exports, issue 13 "the same outcomes as the built-in contoso"). Null for any other organisation.
 */
export function builtInBaseOfTopology(t: Topology): BuiltInBase | null {
  // By content only: a user's file may carry any name, a built-in's own name included.
  essences ??= new Map(defaultTopologyNames().map((n) => [JSON.stringify(topologyEssence(loadTopology(n))), n]));
  const same = essences.get(JSON.stringify(topologyEssence(t)));
  return same ? builtInBase(same) : null;
}
