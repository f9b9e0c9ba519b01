import { describe, expect, test } from 'vitest';
import type { Lab } from '../../harness/lab/lab.ts';
import { createContainerFrontDoor, detectContainerEngine, NoContainerEngineError } from '../../harness/frontdoor/adapters/container.ts';
import type { LaunchOptions } from '../../harness/frontdoor/launcher.ts';
import { FrontDoorLaunchError } from '../../harness/errors.ts';
import type { FrontDoorContract } from '../../harness/topology/contract.ts';
import { containerSpec } from './container-spec.ts';

const LAUNCH: LaunchOptions = { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} };
// The launcher must decide before it touches the lab: a lab that throws on any use proves it.
const untouchableLab = new Proxy({}, { get: (_t, p) => { throw new Error(`lab.${String(p)} used before the engine check`); } }) as Lab;

const STATE = '/tmp/cas-lab-x';
const contract: FrontDoorContract = {
  topologyFile: `${STATE}/topology.json`, directoryUrl: 'http://127.0.0.1:4000', caFile: `${STATE}/pki/ca.crt`,
  certFile: `${STATE}/frontdoor-container/front-door.crt`, keyFile: `${STATE}/frontdoor-container/front-door.key`,
  hostsFile: `${STATE}/hosts`, listenAddress: '127.0.1.10', ports: { https: 8443, imap: 8143, imaps: 8993, pop3: 8110, pop3s: 8995 },
  profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {}, runDir: `${STATE}/frontdoor-container`,
};

describe('container engine detection', () => {
  test('the real probe answers within a second, whatever the machine has', async () => {
    const t0 = Date.now();
    const e = await detectContainerEngine();
    expect(Date.now() - t0).toBeLessThan(5000);
    if (!e.ok) expect(e.reason).toMatch(/container runtime/i);
    else expect(String(e.info).length).toBeGreaterThan(0);
  });

  test('no engine: start() rejects with NoContainerEngineError naming the reason, before any lab use', async () => {
    const probe = () => Promise.reject(new Error('Could not find a working container runtime strategy'));
    const err = await createContainerFrontDoor('example/frontdoor:1', { probe }).start(untouchableLab, LAUNCH).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NoContainerEngineError);
    expect(err).toBeInstanceOf(FrontDoorLaunchError); // an `error` outcome for every rule, never pass or fail
    expect((err as NoContainerEngineError).skipped).toBe(true);
    expect((err as Error).message).toMatch(/^no container engine: Could not find a working container runtime strategy/);
  });

  test('on this machine (no engine) the registered path reports the same', async () => {
    const e = await detectContainerEngine();
    if (e.ok) return; // an engine exists here: the first test covered it
    const err = await createContainerFrontDoor('').start(untouchableLab, LAUNCH).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(NoContainerEngineError);
  });
});

describe('containerSpec', () => {
  test('host networking, the contract in the environment, the lab state dir mounted at its own path', () => {
    const spec = containerSpec('ghcr.io/acme/frontdoor:1.2', contract, STATE);
    expect(spec.networkMode).toBe('host');
    expect(spec.environment).toMatchObject({ CAS_LISTEN_ADDRESS: '127.0.1.10', CAS_HTTPS_PORT: '8443', CAS_RUN_DIR: `${STATE}/frontdoor-container`, CAS_CA_FILE: `${STATE}/pki/ca.crt` });
    expect(spec.bindMounts).toEqual([{ source: STATE, target: STATE, mode: 'rw' }]);
  });
  test('refuses an empty image and contract files the mount would not carry', () => {
    expect(() => containerSpec(' ', contract, STATE)).toThrow(/image is required/);
    expect(() => containerSpec('img', { ...contract, caFile: '/etc/ssl/ca.crt' }, STATE)).toThrow(/outside the lab state dir/);
  });
});
