/**
 * AdminDisplayVersion -> the build catalogue (mocks/builds/catalogue.ts). Get-ExchangeServer prints
 * `Version 14.2 (Build 283.3)` (major.minor, then build.revision), i.e. build number 14.2.283.3.
 * Only builds the catalogue models can be imported; the error lists every known one.
 */
import { BUILDS, findBuild, type BuildTraits } from '../../../mocks/builds/catalogue.ts';
import type { ExportRow } from './table.ts';
import { need } from './cells.ts';

const ADMIN_DISPLAY_VERSION = /^Version\s+(\d+)\.(\d+)\s*\(Build\s+(\d+)\.(\d+)\)$/i;

/** `Version 14.2 (Build 283.3)` -> `14.2.283.3`; also accepts a bare four-part number. Null when neither. */
export function buildNumberOf(adminDisplayVersion: string): string | null {
  const m = ADMIN_DISPLAY_VERSION.exec(adminDisplayVersion.trim());
  if (m) return `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}.${Number(m[4])}`;
  return /^\d+\.\d+\.\d+\.\d+$/.test(adminDisplayVersion.trim()) ? adminDisplayVersion.trim() : null;
}

/** The catalogue's builds as `id (number)`, for messages. */
export function knownBuildList(): string {
  return BUILDS.map((b) => `${b.id} (${b.build})`).join(', ');
}

/** The catalogue build of a row's AdminDisplayVersion, or a one-line error with the known builds. */
export function buildOfRow(row: ExportRow, field = 'AdminDisplayVersion'): BuildTraits {
  const v = need(row, field);
  const n = buildNumberOf(v);
  if (!n) throw row.error(field, `"${v}" is not an AdminDisplayVersion such as "Version 14.2 (Build 283.3)"`);
  const b = findBuild(n);
  if (!b) throw row.error(field, `build ${n} ("${v}") is not in the build catalogue; known builds: ${knownBuildList()}`);
  return b;
}
