/**
 * Version rules of CAS-CAS proxy (002, 003): "Proxying is supported from one Client Access server to
 * another Client Access server when the destination Client Access server is running the same version of
 * Exchange Server or an earlier version as the source"; for OWA to an older target, "The Internet-facing
 * CAS must have the highest control directory that is present on the destination CAS".
 */
import { compareBuilds, getBuild, type BuildTraits } from '../../builds/catalogue.ts';
import type { ServerSpec } from '../../../harness/topology/index.ts';
import type { CasContext } from '../context.ts';

/** The resource folders a server holds (its own, plus copies, minus removed ones). */
export function foldersOf(s: ServerSpec): string[] {
  const own = getBuild(s.build).owa.resourceFolder;
  return [own, ...s.vdirs.owa.extraResourceFolders].filter((f) => !s.vdirs.owa.missingResourceFolders.includes(f));
}

/** The highest version-named folder present on the target (002 step 7: "Right-click the highest folder"). */
export function highestFolder(s: ServerSpec): string {
  return foldersOf(s).sort((a, b) => compareBuilds(b, a))[0] ?? getBuild(s.build).owa.resourceFolder;
}

export type VersionVerdict = { ok: true } | { ok: false; reason: 'target-newer' | 'missing-folder'; folder?: string };

/** OWA from this CAS to a target: same build works; older works with the folder; newer is refused. */
export function owaVersionVerdict(ctx: CasContext, target: ServerSpec): VersionVerdict {
  const t: BuildTraits = getBuild(target.build);
  const c = compareBuilds(t.build, ctx.build.build);
  if (c === 0) return { ok: true };
  if (c > 0) return { ok: false, reason: 'target-newer' };
  const folder = highestFolder(target);
  return ctx.resourceFolders().has(folder) ? { ok: true } : { ok: false, reason: 'missing-folder', folder };
}

/** EAS and EWS: targets of build <= this CAS's build. */
export function notNewer(ctx: CasContext, target: ServerSpec): boolean {
  return compareBuilds(getBuild(target.build).build, ctx.build.build) <= 0;
}
