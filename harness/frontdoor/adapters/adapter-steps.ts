/**
 * The steps every real-proxy launcher of this folder takes before it spawns its proxy (Apache, Caddy,
 * Dovecot): find the binary, build the contract and run dir, read the directory, refuse a lab whose
 * front-door address is taken by a mock, test the generated config with the proxy's own checker, ask
 * its version. Each failure is a FrontDoorLaunchError in words a user can act on.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import { contractFor, type LaunchOptions } from '../launcher.ts';
import { probeTimeoutOf, type FrontDoorContract } from '../../topology/contract.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { ConfigSlots, contractSlots, slotTargets } from './config-slots.ts';
import { AdapterError, fetchDirectory, findBinary, hostsMap, runProcess, siteTargets, type DirectorySnapshot, type HopTarget, type HttpProxyConfigInput } from '../../../frontdoors/shared/index.ts';

export interface LaunchContext {
  runDir: string;
  contract: FrontDoorContract;
  dir: DirectorySnapshot;
  /** CAS of the front door's site, primary first. */
  targets: HopTarget[];
}

/**
 * The first installed binary of `names`, else FrontDoorLaunchError "<label> is not installed (apt-get install <pkg>)".
 * @example
 * const bin = requireBinary('apache', ['apache2', 'httpd'], 'apache2');
 */
export function requireBinary(label: string, names: string[], pkg: string, override?: string): string {
  for (const n of override ? [override] : names) {
    const p = findBinary(n);
    if (p) return p;
  }
  throw new FrontDoorLaunchError(`${label} is not installed (apt-get install ${pkg})${override ? `: ${override} not found` : ''}`);
}

/** Wrap an AdapterError (template, directory, port) into the launcher's error, keeping its words. */
export function launchError(label: string, err: unknown): FrontDoorLaunchError {
  if (err instanceof FrontDoorLaunchError) return err;
  const msg = err instanceof AdapterError || err instanceof Error ? err.message : String(err);
  return new FrontDoorLaunchError(`${label}: ${msg}`, { cause: err });
}

/**
 * Contract, run dir (`<lab state>/frontdoor-<name>`), directory snapshot and the site's CAS.
 * @example
 * const { contract, targets } = await prepareLaunch(lab, o, 'apache');
 */
export async function prepareLaunch(lab: Lab, o: LaunchOptions, name: string): Promise<LaunchContext> {
  const runDir = join(lab.stateDir, `frontdoor-${name}`);
  mkdirSync(runDir, { recursive: true });
  const contract = contractFor(lab, o, runDir);
  let dir: DirectorySnapshot;
  try {
    dir = await fetchDirectory(contract.directoryUrl);
  } catch (err) {
    throw launchError(name, err);
  }
  // exchange2010/2007 labs put a mock CAS at the front door's address (profile-topology.ts): a real
  // proxy cannot stand there. Say so instead of failing on a taken port.
  const squatter = dir.servers.find((s) => s.address === dir.frontDoor.address);
  if (squatter) throw new FrontDoorLaunchError(`${name} is judged in the exchange2013 profile only: in profile ${o.profile} the lab puts the mock ${squatter.fqdn} at the front door's address`);
  const targets = siteTargets(dir, hostsMap(contract.hostsFile));
  return { runDir, contract, dir, targets };
}

/**
 * Run the proxy's config test; a rejection is a FrontDoorLaunchError with the proxy's own words.
 * @example
 * await configTest('apache', bin, ['-t', '-f', conf]);
 */
export async function configTest(label: string, bin: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await runProcess(bin, args, { timeoutMs: 20_000, ...(env ? { env } : {}) });
  const said = `${r.stderr}${r.stdout}`.trim();
  if (r.spawnError) throw new FrontDoorLaunchError(`${label}: cannot run ${bin}: ${r.spawnError}`);
  if (r.timedOut) throw new FrontDoorLaunchError(`${label}: config test (${bin} ${args.join(' ')}) did not finish within 20 s`);
  if (r.code !== 0) throw new FrontDoorLaunchError(`${label} rejected its generated config (${bin} ${args.join(' ')}):\n${said.slice(-3000)}`);
  return said;
}

/**
 * The proxy's version line, matched by `pattern` (group 1) in its stdout+stderr; null when silent.
 * @example
 * await versionOf(bin, ['-v'], /Server version:\s*(.+)/); // 'Apache/2.4.71 (Debian)'
 */
export async function versionOf(bin: string, args: string[], pattern: RegExp, env?: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await runProcess(bin, args, { timeoutMs: 10_000, ...(env ? { env } : {}) });
  const m = pattern.exec(`${r.stdout}\n${r.stderr}`);
  return m?.[1]?.trim() ?? null;
}

/**
 * The reverse-proxy config input every HTTP adapter builds the same way from its launch context
 * (frontdoors/shared HttpProxyConfigInput); adapters add their own fields beside it.
 */
export function httpProxyInput(c: LaunchContext, byName: boolean, o: LaunchOptions, extraConfig?: string): HttpProxyConfigInput {
  return {
    runDir: c.runDir,
    listenAddress: c.contract.listenAddress,
    httpsPort: c.contract.ports.https,
    namespaces: c.dir.frontDoor.namespaces,
    certFile: c.contract.certFile,
    keyFile: c.contract.keyFile,
    caFile: c.contract.caFile,
    targets: c.targets,
    byName,
    healthIntervalMs: o.healthIntervalMs,
    healthTimeoutMs: probeTimeoutOf(c.contract),
    ...(extraConfig ? { extraConfig } : {}),
  };
}

/**
 * The same input through config slots (issue 12): real values for a run, `{{PLACEHOLDERS}}` for
 * `--print-config`, and the names a user's `--config` template may use.
 * @example
 * const text = slots.finish(renderCaddyConfig(slottedHttpInput(launch, byName, o, slots)));
 */
export function slottedHttpInput(c: LaunchContext, byName: boolean, o: LaunchOptions, slots: ConfigSlots, extraConfig?: string): HttpProxyConfigInput {
  const k = contractSlots(slots, { ...c.contract, healthIntervalMs: o.healthIntervalMs }, { http: true, mail: false });
  return {
    runDir: k.runDir,
    listenAddress: k.listenAddress,
    httpsPort: k.ports.https,
    namespaces: c.dir.frontDoor.namespaces,
    certFile: k.certFile,
    keyFile: k.keyFile,
    caFile: k.caFile,
    targets: slotTargets(slots, c.targets),
    byName,
    healthIntervalMs: k.healthIntervalMs,
    healthTimeoutMs: k.healthTimeoutMs,
    ...(extraConfig ? { extraConfig } : {}),
  };
}
