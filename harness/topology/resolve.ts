/**
 * One topology path: a name or a file is resolved here, once, into a validated topology (defaults
 * filled in). `cas-conformance run` resolves `--topology` (or the profile's default) in the main
 * process and hands every suite worker the resolved file (writeResolvedTopology), so a worker never
 * guesses whether a string is a built-in name or a path.
 * @example
 * const t = loadTopology('contoso');                 // a built-in by name
 * const mine = loadTopology('./my-org.json');        // a user's own organisation (topology import)
 * const { file } = writeResolvedTopology('./my-org.json', runDir);   // CAS_RUN_OPTIONS.topology = file
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { contoso } from './defaults/contoso.ts';
import { contoso2007 } from './defaults/contoso-2007.ts';
import { variants } from './defaults/variants.ts';
import { parseTopology } from './validate.ts';
import type { Topology, TopologyInput } from './schema.ts';
import { TopologyError } from '../errors.ts';
import { TopologyNotFoundError } from './errors.ts';

const DEFAULTS: Record<string, () => TopologyInput> = {
  contoso: () => structuredClone(contoso),
  'contoso-2007': () => structuredClone(contoso2007),
  ...variants,
};

/** Names of the built-in topologies. */
export function defaultTopologyNames(): string[] {
  return Object.keys(DEFAULTS);
}

/** Whether a name is one of the built-in topologies. */
export function isBuiltInTopology(name: string): boolean {
  return Object.hasOwn(DEFAULTS, name);
}

/** The input document of a built-in topology (before defaults are filled in). */
export function defaultTopologyDocument(name: string): TopologyInput {
  const make = isBuiltInTopology(name) ? DEFAULTS[name] : undefined;
  if (!make) throw new TopologyNotFoundError(`no built-in topology "${name}" (built-in: ${defaultTopologyNames().join(', ')})`);
  return make();
}

/** Read and validate a topology file (JSON). Errors name the file and, for a missing file, list the built-ins. */
export function readTopologyFile(file: string): Topology {
  if (!existsSync(file)) {
    throw new TopologyNotFoundError(`no built-in topology and no file "${file}" (built-in: ${defaultTopologyNames().join(', ')}; or a JSON file of your own, e.g. from \`topology import\`)`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TopologyError([{ path: '(file)', message: `cannot read ${file}: ${(err as Error).message}` }], file);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new TopologyError([{ path: '(file)', message: `not JSON: ${(err as Error).message}` }], file);
  }
  return parseTopology(doc, file);
}

/** A built-in topology by name, or a JSON file by path, validated. */
export function loadTopology(nameOrFile: string): Topology {
  if (isBuiltInTopology(nameOrFile)) return parseTopology(defaultTopologyDocument(nameOrFile), nameOrFile);
  return readTopologyFile(nameOrFile);
}

/**
 * The document to build a lab from: a built-in's input document, or a file's validated topology
 * (a validated topology is a valid input: defaults are already filled in).
 */
export function topologyDocument(nameOrFile: string): TopologyInput {
  return isBuiltInTopology(nameOrFile) ? defaultTopologyDocument(nameOrFile) : readTopologyFile(nameOrFile);
}

/** The topology a profile runs by default (RULES.md "Profiles and their topologies"). */
export function profileDefaultTopology(profile: 'exchange2013' | 'exchange2010' | 'exchange2007'): string {
  return profile === 'exchange2007' ? 'contoso-2007' : 'contoso';
}

export interface ResolvedTopology {
  /** What the user gave: a built-in name or a path. */
  given: string;
  /** The resolved file (validated JSON, defaults filled in). */
  file: string;
  topology: Topology;
}

/**
 * Resolve a name or file once and write the validated topology to `<dir>/topology.json`: the one
 * file every worker of a run reads.
 */
export function writeResolvedTopology(nameOrFile: string, dir: string): ResolvedTopology {
  const topology = loadTopology(nameOrFile);
  mkdirSync(dir, { recursive: true });
  const file = resolve(join(dir, 'topology.json'));
  writeFileSync(file, `${JSON.stringify(topology, null, 2)}\n`);
  return { given: nameOrFile, file, topology };
}
