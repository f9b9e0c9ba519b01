/** The front-door contract's probe timeout (CAS_HEALTH_TIMEOUT_MS): derived from the interval, carried by env, validated. */
import { describe, expect, test } from 'vitest';
import { contractFromEnv, contractToEnv, healthTimeoutFor, probeTimeoutOf, ContractError, type FrontDoorContract } from './contract.ts';

const contract: FrontDoorContract = {
  topologyFile: '/t.json', directoryUrl: 'http://127.0.0.1:1/', caFile: '/ca', certFile: '/c', keyFile: '/k', hostsFile: '/h',
  listenAddress: '127.0.1.10', ports: { https: 1, imap: 2, imaps: 3, pop3: 4, pop3s: 5 }, profile: 'exchange2013', hardened: false,
  healthIntervalMs: 2_000, options: {}, runDir: '/run',
};

describe('CAS_HEALTH_TIMEOUT_MS', () => {
  test('Exchange 2013\'s 5 s in real time; 1.25 intervals beside a short one, never under 1 s', () => {
    expect(healthTimeoutFor(50_000)).toBe(5_000);
    expect(healthTimeoutFor(2_000)).toBe(2_500);
    expect(healthTimeoutFor(100)).toBe(1_000);
  });

  test('written from the interval when the contract names none, read back; a value given is kept', () => {
    const env = contractToEnv(contract);
    expect(env.CAS_HEALTH_TIMEOUT_MS).toBe('2500');
    expect(contractFromEnv(env)).toMatchObject({ healthIntervalMs: 2_000, healthTimeoutMs: 2_500 });
    expect(probeTimeoutOf(contractFromEnv(contractToEnv({ ...contract, healthTimeoutMs: 4_000 })))).toBe(4_000);
  });

  test('absent (an older harness): derived from the interval; not a positive number: a contract error', () => {
    const { CAS_HEALTH_TIMEOUT_MS: _, ...older } = contractToEnv({ ...contract, healthIntervalMs: 50_000 });
    expect(contractFromEnv(older).healthTimeoutMs).toBe(5_000);
    expect(() => contractFromEnv({ ...older, CAS_HEALTH_TIMEOUT_MS: '0' })).toThrow(ContractError);
    expect(() => contractFromEnv({ ...older, CAS_HEALTH_TIMEOUT_MS: 'soon' })).toThrow(/CAS_HEALTH_TIMEOUT_MS/);
  });
});
