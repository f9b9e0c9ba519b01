/**
 * The lab state file: a documented contract for scripts and front doors (docs/lab-state.md).
 * `cas-conformance lab up --state s.json` writes it; `frontdoor … --state s.json` reads it.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { LabError } from '../errors.ts';

export interface LabStateServer {
  fqdn: string;
  site: string;
  build: string;
  buildNumber: string;
  address: string;
  certificate: 'lab-ca' | 'self-signed';
  /** Real ports: https, http, imaps, imap (STARTTLS), imapPlain, pop3s, pop3 (STLS), pop3Plain — where it has them. */
  ports: { https: number; http?: number; imaps?: number; imap?: number; imapPlain?: number; pop3s?: number; pop3?: number; pop3Plain?: number };
  mail: { protocol: 'imap4' | 'pop3'; method: 'ssl' | 'tls' | 'plain'; logicalPort: number; port: number }[];
}

export interface LabState {
  version: 1;
  topology: { name: string; digest: string };
  controlUrl: string;
  controlToken: string;
  directoryUrl: string;
  /** The lab CA (PEM). */
  caFile: string;
  /** The lab CA plus every self-signed server certificate (for clients that talk to mocks directly). */
  trustBundleFile: string;
  /** Every certificate and key (cas-conformance pki export). */
  pkiDir: string;
  /** `address<TAB>name` lines for every lab name. */
  hostsFile: string;
  /** The validated topology, defaults filled in. */
  topologyFile: string;
  portable: boolean;
  frontDoor: { address: string; namespaces: string[]; ports: { https: number; imap: number; imaps: number; pop3: number; pop3s: number } };
  servers: LabStateServer[];
}

export function readLabState(file: string): LabState {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LabError(`cannot read the lab state file ${file}: ${(err as Error).message}`);
  }
  const s = doc as Partial<LabState>;
  for (const k of ['controlUrl', 'controlToken', 'directoryUrl', 'caFile', 'hostsFile'] as const) {
    if (typeof s[k] !== 'string') throw new LabError(`lab state file ${file}: ${k} is missing`);
  }
  if (!s.frontDoor || !Array.isArray(s.servers)) throw new LabError(`lab state file ${file}: frontDoor or servers missing`);
  return s as LabState;
}

/**
 * Write a state file readable by its owner only (0600): it holds the control API's bearer token.
 * chmod as well, for a file that existed before with wider rights.
 * @example
 * writeStateFile('s.json', lab.state());
 */
export function writeStateFile(file: string, state: LabState): void {
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}
