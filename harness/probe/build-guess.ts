/**
 * `--build auto`: the catalogue build a probe file names by X-OWA-Version (PROTOCOL-FACTS: every
 * 2007/2010 OWA answer carries it). A number the catalogue lacks (a later rollup) maps to the
 * nearest older build of the same version and service pack, and says so.
 */
import { BUILDS, compareBuilds, findBuild, parseBuild, type BuildTraits } from '../../mocks/builds/catalogue.ts';
import { ProbeError } from './errors.ts';
import type { ProbeDoc } from './schema.ts';

export interface BuildChoice {
  build: BuildTraits;
  /** How it was chosen, for the reader. */
  reason: string;
}

/** The build named on the command line (id, number or alias), or read from the probe for `auto`. */
export function chooseBuild(arg: string, doc: ProbeDoc): BuildChoice {
  if (arg !== 'auto') {
    const b = findBuild(arg);
    if (!b) throw new ProbeError(`unknown build "${arg}" (known: ${BUILDS.map((x) => x.id).join(', ')}; or auto)`);
    return { build: b, reason: `--build ${arg}` };
  }
  const v = (doc.summary.xOwaVersion ?? doc.http.owa.root.headers['x-owa-version'] ?? '').trim();
  if (!v) throw new ProbeError('the probe file has no X-OWA-Version (did a front door strip it?): give --build <build>');
  const exact = findBuild(v);
  if (exact) return { build: exact, reason: `X-OWA-Version ${v}` };
  let parts: number[];
  try {
    parts = parseBuild(v);
  } catch {
    throw new ProbeError(`X-OWA-Version "${v}" is not a build number: give --build <build>`);
  }
  const near = BUILDS.filter((b) => {
    const [ma, mi] = parseBuild(b.build);
    return ma === parts[0] && mi === parts[1] && compareBuilds(b.build, v) <= 0;
  }).at(-1);
  if (!near) throw new ProbeError(`X-OWA-Version ${v} is not in the build catalogue and no older build of ${parts[0]}.${parts[1]} is: give --build <build>`);
  return { build: near, reason: `X-OWA-Version ${v} is not in the catalogue; nearest older build of ${parts[0]}.${parts[1]}: ${near.build}` };
}
