/**
 * Topologies: the schema, validation, the defaults of RULES.md, loading from a file (resolve.ts),
 * seed roles (roles.ts), the situations some rules need (situations.ts) and the directory contract (directory-contract.ts).
 * @example
 * import { loadTopology } from './harness/topology/index.ts';
 * const topo = loadTopology('contoso');          // a default by name
 * const mine = loadTopology('./my-org.json');    // a user's own organisation
 */
import { createHash } from 'node:crypto';
import type { Topology } from './schema.ts';

export * from './schema.ts';
export * from './model.ts';
export { parseTopology, jsonPath } from './validate.ts';
export * from './roles.ts';
export * from './situations.ts';
export type { BuiltInBase } from './defaults/variants.ts';
export { TopologyNotFoundError, RoleMissingError, TopologyImportError } from './errors.ts';
export {
  defaultTopologyNames, isBuiltInTopology, defaultTopologyDocument, readTopologyFile, loadTopology, topologyDocument,
  profileDefaultTopology, writeResolvedTopology, type ResolvedTopology,
} from './resolve.ts';

/** A stable digest of a validated topology (keys the PKI cache and the report). */
export function topologyDigest(t: Topology): string {
  return createHash('sha256').update(canonicalJson(t)).digest('hex').slice(0, 16);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
export { withoutVersionSites } from './defaults/without-version-sites.ts';
