/**
 * The body of `POST /servers/:fqdn/owa-folders`: `{ "add"?: [folder…], "remove"?: [folder…] }`, a
 * folder being a build-numbered OWA resource folder such as `14.2.247.5` (seed 002: the versioned
 * folder copied by hand from a newer CAS). Checked field by field so a caller learns the JSON path
 * of the problem (issue 15: `{"add":"abc"}` used to add folders a, b and c).
 */
import { z } from 'zod';
import { jsonPath } from '../topology/validate.ts';

/** Same rule as the topology's `vdirs.owa.extraResourceFolders`. */
const FOLDER = z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'must be a build-numbered folder name such as "14.2.247.5"');

export const OwaFolderChangeSchema = z.strictObject({
  add: z.array(FOLDER).max(100).optional(),
  remove: z.array(FOLDER).max(100).optional(),
});
export type OwaFolderChange = z.infer<typeof OwaFolderChangeSchema>;

/**
 * Validate a request body; an error names the JSON path of each problem.
 * @example
 * parseOwaFolderChange({ add: 'abc' }) // { error: 'add: expected array, received string' }
 */
export function parseOwaFolderChange(body: unknown): OwaFolderChange | { error: string } {
  if (body === undefined) return { error: '(body): a JSON object { "add"?: [folder...], "remove"?: [folder...] } is required' };
  const r = OwaFolderChangeSchema.safeParse(body);
  if (r.success) return r.data;
  return { error: r.error.issues.map((i) => `${jsonPath(i.path) || '(body)'}: ${i.message}`).join('; ') };
}
