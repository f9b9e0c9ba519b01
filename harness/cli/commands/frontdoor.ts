/**
 * `cas-conformance frontdoor reference --state s.json [--profile P] [--hardened] [--defect NAME]`:
 * run the reference front door standalone against a running lab (`lab up --state s.json`), in the foreground.
 */
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLabState } from '../../lab/state.ts';
import { contractToEnv, type FrontDoorContract } from '../../topology/contract.ts';
import { LabError } from '../../errors.ts';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export async function frontdoorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { state: { type: 'string' }, profile: { type: 'string' }, hardened: { type: 'boolean' }, defect: { type: 'string', multiple: true } } });
  if (positionals[0] !== 'reference' || !values.state) throw new LabError('usage: cas-conformance frontdoor reference --state s.json [--profile P] [--hardened] [--defect NAME]');
  const s = readLabState(values.state);
  const runDir = join(s.pkiDir, '..', 'frontdoor-reference');
  mkdirSync(runDir, { recursive: true });
  const contract: FrontDoorContract = {
    topologyFile: s.topologyFile, directoryUrl: s.directoryUrl, caFile: s.caFile,
    certFile: join(s.pkiDir, 'front-door.crt'), keyFile: join(s.pkiDir, 'front-door.key'), hostsFile: s.hostsFile,
    listenAddress: s.frontDoor.address, ports: s.frontDoor.ports,
    profile: (values.profile ?? 'exchange2013') as FrontDoorContract['profile'], hardened: values.hardened ?? false,
    healthIntervalMs: 50_000, options: { defects: values.defect ?? [] }, runDir,
  };
  writeFileSync(join(runDir, 'contract.env'), Object.entries(contractToEnv(contract)).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn(process.execPath, [join(ROOT, 'bin/run-ts.js'), 'frontdoors/reference/main.ts'], { cwd: ROOT, env: { ...process.env, ...contractToEnv(contract) }, stdio: 'inherit' });
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return new Promise((r) => child.on('exit', (code) => r(code ?? 0)));
}
