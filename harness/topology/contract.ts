/**
 * The front-door contract (FRONTDOOR.md): what a candidate is told, by environment variables and
 * files, when the harness launches it. Lives beside the topology types because front doors may import
 * only these (ARCHITECTURE.md "What may import what").
 *
 * | variable                | meaning |
 * |-------------------------|---------|
 * | CAS_TOPOLOGY_FILE       | the validated topology (JSON, defaults filled in) |
 * | CAS_DIRECTORY_URL       | the directory service (users, servers, sites, POST /auth) |
 * | CAS_CA_FILE             | the lab CA (PEM): trust anchor for CA-signed legacy CAS certificates |
 * | CAS_CERT_FILE, CAS_KEY_FILE | the front door's own certificate and key (SAN: its namespaces and address) |
 * | CAS_HOSTS_FILE          | `address<TAB>name` for every lab name (the lab has no DNS) |
 * | CAS_LISTEN_ADDRESS      | the address to listen on (127.0.x.y) |
 * | CAS_HTTPS_PORT          | HTTPS port |
 * | CAS_IMAP_PORT, CAS_IMAPS_PORT, CAS_POP3_PORT, CAS_POP3S_PORT | mail ports (when the profile covers mail) |
 * | CAS_PROFILE             | exchange2013, exchange2010 or exchange2007 |
 * | CAS_HARDENED            | `1` when the hardened add-on is judged |
 * | CAS_HEALTH_INTERVAL_MS  | health probe interval to use (fast mode in the lab) |
 * | CAS_HEALTH_TIMEOUT_MS   | how long a health probe waits for its answer before it counts as failed (5 s) |
 * | CAS_OPTIONS             | JSON object of profile options (crossSiteSilentRedirect, defects...) |
 * | CAS_RUN_DIR             | a private directory for the candidate's config, logs and pid files |
 */
import { readFileSync } from 'node:fs';

export interface FrontDoorContract {
  topologyFile: string;
  directoryUrl: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  hostsFile: string;
  listenAddress: string;
  ports: { https: number; imap: number; imaps: number; pop3: number; pop3s: number };
  profile: 'exchange2013' | 'exchange2010' | 'exchange2007';
  hardened: boolean;
  healthIntervalMs: number;
  /** Probe timeout; absent: {@link PROBE_TIMEOUT_MS}. */
  healthTimeoutMs?: number;
  options: Record<string, unknown>;
  runDir: string;
}

/**
 * The probe timeout the harness gives a candidate: Exchange 2013's 5 s (PROTOCOL-FACTS, the 2013 ping), in
 * the lab's fast mode too. 1.25 intervals (2.5 s beside the fast 2 s) was tried: HC-08 took 11 s instead
 * of 13, but in a loaded soak (8 busy loops, two runs side by side) a starved mock answered the
 * reference's checks later than that, the reference marked healthy CAS down, and HC-02 and HC-07 failed
 * it on their preconditions (Red's EWS and OWA not served) at 0.8 s of harness lag: a false fail.
 */
export const PROBE_TIMEOUT_MS = 5_000;

export const probeTimeoutOf = (c: Pick<FrontDoorContract, 'healthTimeoutMs'>): number => c.healthTimeoutMs ?? PROBE_TIMEOUT_MS;

export function contractToEnv(c: FrontDoorContract): Record<string, string> {
  return {
    CAS_TOPOLOGY_FILE: c.topologyFile,
    CAS_DIRECTORY_URL: c.directoryUrl,
    CAS_CA_FILE: c.caFile,
    CAS_CERT_FILE: c.certFile,
    CAS_KEY_FILE: c.keyFile,
    CAS_HOSTS_FILE: c.hostsFile,
    CAS_LISTEN_ADDRESS: c.listenAddress,
    CAS_HTTPS_PORT: String(c.ports.https),
    CAS_IMAP_PORT: String(c.ports.imap),
    CAS_IMAPS_PORT: String(c.ports.imaps),
    CAS_POP3_PORT: String(c.ports.pop3),
    CAS_POP3S_PORT: String(c.ports.pop3s),
    CAS_PROFILE: c.profile,
    CAS_HARDENED: c.hardened ? '1' : '0',
    CAS_HEALTH_INTERVAL_MS: String(c.healthIntervalMs),
    CAS_HEALTH_TIMEOUT_MS: String(probeTimeoutOf(c)),
    CAS_OPTIONS: JSON.stringify(c.options),
    CAS_RUN_DIR: c.runDir,
  };
}

export class ContractError extends Error {
  readonly code = 'CONTRACT_ERR';
}

export function contractFromEnv(env: NodeJS.ProcessEnv = process.env): FrontDoorContract {
  const need = (k: string) => {
    const v = env[k];
    if (!v) throw new ContractError(`front-door contract: environment variable ${k} is missing`);
    return v;
  };
  const port = (k: string) => {
    const n = Number(need(k));
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ContractError(`front-door contract: ${k} must be a port number`);
    return n;
  };
  let options: Record<string, unknown> = {};
  try {
    options = env.CAS_OPTIONS ? (JSON.parse(env.CAS_OPTIONS) as Record<string, unknown>) : {};
  } catch {
    throw new ContractError('front-door contract: CAS_OPTIONS is not JSON');
  }
  const positiveMs = (k: string) => {
    const n = Number(env[k]);
    if (!Number.isInteger(n) || n <= 0) throw new ContractError(`front-door contract: ${k} must be a positive number of milliseconds`);
    return n;
  };
  const profile = need('CAS_PROFILE');
  if (profile !== 'exchange2013' && profile !== 'exchange2010' && profile !== 'exchange2007') throw new ContractError(`front-door contract: CAS_PROFILE ${profile} is unknown`);
  return {
    topologyFile: need('CAS_TOPOLOGY_FILE'),
    directoryUrl: need('CAS_DIRECTORY_URL'),
    caFile: need('CAS_CA_FILE'),
    certFile: need('CAS_CERT_FILE'),
    keyFile: need('CAS_KEY_FILE'),
    hostsFile: need('CAS_HOSTS_FILE'),
    listenAddress: need('CAS_LISTEN_ADDRESS'),
    ports: { https: port('CAS_HTTPS_PORT'), imap: port('CAS_IMAP_PORT'), imaps: port('CAS_IMAPS_PORT'), pop3: port('CAS_POP3_PORT'), pop3s: port('CAS_POP3S_PORT') },
    profile,
    hardened: env.CAS_HARDENED === '1',
    healthIntervalMs: Number(env.CAS_HEALTH_INTERVAL_MS ?? 50_000),
    healthTimeoutMs: env.CAS_HEALTH_TIMEOUT_MS === undefined ? PROBE_TIMEOUT_MS : positiveMs('CAS_HEALTH_TIMEOUT_MS'),
    options,
    runDir: need('CAS_RUN_DIR'),
  };
}

/** Parse a hosts file (`address<TAB>name`). */
export function readHostsFile(file: string): { name: string; address: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [address, name] = l.split(/\s+/);
      return { name: name!, address: address! };
    });
}
