/**
 * `cas-conformance frontdoor reference --state s.json [--profile P] [--hardened] [--defect NAME]`:
 * run the reference front door standalone against a running lab (`lab up --state s.json`), in the
 * foreground. It runs in its own process group with pdeathsig (process-group.ts), and stops by itself
 * (exit 3) when the lab goes away (frontdoors/reference/main.ts).
 * `cas-conformance frontdoor nginx|haproxy|apache|caddy|dovecot|nginx+dovecot --print-config [--topology T]`:
 * print the config the adapter generates, as a template with {{PLACEHOLDERS}} (issue 12: the worked
 * example for `run --front-door nginx --config FILE`). It starts a lab for the addresses and stops it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabState } from '../../lab/state.ts';
import { contractToEnv, type FrontDoorContract } from '../../topology/contract.ts';
import { spawnGroup, stopGroup } from '../../frontdoor/process-group.ts';
import { referenceArgs } from '../../frontdoor/reference-bundle.ts';
import { parseCommand, UsageError } from '../usage.ts';
import { FRONTDOOR_SPEC } from '../specs.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export async function frontdoorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(FRONTDOOR_SPEC, args) as { values: { state?: string; profile?: string; hardened?: boolean; defect?: string[]; 'print-config'?: boolean; topology?: string }; positionals: string[] };
  if (values['print-config']) return printConfig(positionals[0], values.topology);
  if (positionals[0] !== 'reference') throw new UsageError(positionals[0] ? `unknown front door "${positionals[0]}" (only the reference runs standalone)` : 'frontdoor needs "reference"', FRONTDOOR_SPEC);
  if (!values.state) throw new UsageError('frontdoor reference needs --state FILE (from lab up --state FILE)', FRONTDOOR_SPEC);
  const profile = values.profile ?? 'exchange2013';
  if (profile !== 'exchange2013' && profile !== 'exchange2010' && profile !== 'exchange2007') throw new UsageError(`--profile must be exchange2013, exchange2010 or exchange2007 (got "${profile}")`, FRONTDOOR_SPEC);
  const s = readLabState(values.state);
  const runDir = join(s.pkiDir, '..', 'frontdoor-reference');
  mkdirSync(runDir, { recursive: true });
  const contract: FrontDoorContract = {
    topologyFile: s.topologyFile, directoryUrl: s.directoryUrl, caFile: s.caFile,
    certFile: join(s.pkiDir, 'front-door.crt'), keyFile: join(s.pkiDir, 'front-door.key'), hostsFile: s.hostsFile,
    listenAddress: s.frontDoor.address, ports: s.frontDoor.ports,
    profile, hardened: values.hardened ?? false,
    healthIntervalMs: 50_000, options: { defects: values.defect ?? [] }, runDir,
  };
  writeFileSync(join(runDir, 'contract.env'), Object.entries(contractToEnv(contract)).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const g = spawnGroup(process.execPath, await referenceArgs(), { cwd: ROOT, env: { ...process.env, ...contractToEnv(contract) }, stdio: 'inherit' });
  const stop = () => void stopGroup(g, 5000);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((r) => g.child.on('exit', (code) => r(code ?? 0)));
}

/** `frontdoor NAME --print-config`: the adapter's generated config as a template, on stdout. */
async function printConfig(name: string | undefined, topologyName: string | undefined): Promise<number> {
  if (!name || name === 'reference') throw new UsageError('--print-config needs a real-proxy adapter: frontdoor nginx|haproxy|apache|caddy|dovecot --print-config', FRONTDOOR_SPEC);
  const { resolveLauncher } = await import('../../frontdoor/registry.ts');
  await import('../../frontdoor/adapters.ts');
  const launcher = resolveLauncher(name);
  if (!launcher.printConfig) throw new UsageError(`${name} has no config template to print`, FRONTDOOR_SPEC);
  const { startLab } = await import('../../lab/lab.ts');
  const { topologyForProfile } = await import('../../frontdoor/profile-topology.ts');
  const { profileDefaultTopology } = await import('../../topology/index.ts');
  const topology = topologyForProfile(topologyName ?? profileDefaultTopology('exchange2013'), { profile: 'exchange2013' });
  const lab = await startLab({ topology });
  try {
    const text = await launcher.printConfig(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: topology.frontDoor.fastHealthIntervalMs, options: {} });
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  } finally {
    await lab.stop();
  }
  return 0;
}
