/** The front-door contract's probe timeout (CAS_HEALTH_TIMEOUT_MS): Exchange's 5 s by default, carried by env, validated. */
import { describe, expect, test } from 'vitest';
import { contractFromEnv, contractToEnv, probeTimeoutOf, ContractError, type FrontDoorContract } from './contract.ts';

const contract: FrontDoorContract = {
  topologyFile: '/t.json', directoryUrl: 'http://127.0.0.1:1/', caFile: '/ca', certFile: '/c', keyFile: '/k', hostsFile: '/h',
  listenAddress: '127.0.1.10', ports: { https: 1, imap: 2, imaps: 3, pop3: 4, pop3s: 5 }, profile: 'exchange2013', hardened: false,
  healthIntervalMs: 2_000, options: {}, runDir: '/run',
};

describe('CAS_HEALTH_TIMEOUT_MS', () => {
  test('Exchange 2013\'s 5 s when the contract names none, in the fast mode too; read back; a value given is kept', () => {
    const env = contractToEnv(contract);
    expect(env.CAS_HEALTH_TIMEOUT_MS).toBe('5000');
    expect(contractFromEnv(env)).toMatchObject({ healthIntervalMs: 2_000, healthTimeoutMs: 5_000 });
    expect(probeTimeoutOf(contractFromEnv(contractToEnv({ ...contract, healthTimeoutMs: 4_000 })))).toBe(4_000);
  });

  test('absent (an older harness): 5 s; not a positive number: a contract error', () => {
    const { CAS_HEALTH_TIMEOUT_MS: _, ...older } = contractToEnv({ ...contract, healthIntervalMs: 50_000 });
    expect(contractFromEnv(older).healthTimeoutMs).toBe(5_000);
    expect(() => contractFromEnv({ ...older, CAS_HEALTH_TIMEOUT_MS: '0' })).toThrow(ContractError);
    expect(() => contractFromEnv({ ...older, CAS_HEALTH_TIMEOUT_MS: 'soon' })).toThrow(/CAS_HEALTH_TIMEOUT_MS/);
  });
});
