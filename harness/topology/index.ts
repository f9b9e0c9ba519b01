/**
 * Topologies: the schema, validation, the defaults of RULES.md and loading from a file.
 * @example
 * import { loadTopology } from './harness/topology/index.ts';
 * const topo = loadTopology('contoso');          // a default by name
 * const mine = loadTopology('./my-org.json');    // a user's own organisation
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { contoso } from './defaults/contoso.ts';
import { contoso2007 } from './defaults/contoso-2007.ts';
import { variants } from './defaults/variants.ts';
import { parseTopology } from './validate.ts';
import type { Topology, TopologyInput } from './schema.ts';
import { TopologyError } from '../errors.ts';

export * from './schema.ts';
export * from './model.ts';
export { parseTopology, jsonPath } from './validate.ts';

const DEFAULTS: Record<string, () => TopologyInput> = {
  contoso: () => structuredClone(contoso),
  'contoso-2007': () => structuredClone(contoso2007),
  ...variants,
};

/** Names of the built-in topologies. */
export function defaultTopologyNames(): string[] {
  return Object.keys(DEFAULTS);
}

/** The input document of a built-in topology (before defaults are filled in). */
export function defaultTopologyDocument(name: string): TopologyInput {
  const make = DEFAULTS[name];
  if (!make) throw new TopologyError([{ path: '(name)', message: `no built-in topology "${name}" (known: ${defaultTopologyNames().join(', ')})` }]);
  return make();
}

/** A built-in topology by name, or a JSON file by path. */
export function loadTopology(nameOrFile: string): Topology {
  if (DEFAULTS[nameOrFile]) return parseTopology(defaultTopologyDocument(nameOrFile), nameOrFile);
  let text: string;
  try {
    text = readFileSync(nameOrFile, 'utf8');
  } catch (err) {
    throw new TopologyError([{ path: '(file)', message: `cannot read ${nameOrFile}: ${(err as Error).message}` }], nameOrFile);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new TopologyError([{ path: '(file)', message: `not JSON: ${(err as Error).message}` }], nameOrFile);
  }
  return parseTopology(doc, nameOrFile);
}

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
