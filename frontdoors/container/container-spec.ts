/**
 * How a containerised front door is run (harness/frontdoor/adapters/container.ts builds the
 * testcontainers GenericContainer from this): the user's image, the front-door contract in its
 * environment (FRONTDOOR.md), the lab's state dir bind-mounted at the same path so every file the
 * contract names exists inside, and host networking.
 *
 * Why host networking (LIBRARIES.md "testcontainers 11"): the mocks listen on 127.0.x.y and the
 * candidate must listen on its own 127.0.1.10-style address; `TestContainers.exposeHostPorts` only
 * forwards `localhost:<port>`, and a bridge network cannot bind the host's loopback addresses.
 */
import { contractToEnv, type FrontDoorContract } from '../../harness/topology/contract.ts';

export interface ContainerSpec {
  image: string;
  networkMode: 'host';
  environment: Record<string, string>;
  bindMounts: { source: string; target: string; mode: 'rw' | 'ro' }[];
  /** Command override (default: the image's own entrypoint and command). */
  command: string[] | null;
}

/**
 * @example
 * const spec = containerSpec('ghcr.io/acme/exchange-frontdoor:1.2', contract, lab.stateDir);
 * spec.networkMode; // 'host'
 */
export function containerSpec(image: string, contract: FrontDoorContract, stateDir: string, command: string[] | null = null): ContainerSpec {
  if (!image.trim()) throw new RangeError('container front door: an image is required (CAS_FRONTDOOR_IMAGE or createContainerFrontDoor(image))');
  if (/\s/.test(image)) throw new RangeError(`container front door: "${image}" is not an image reference`);
  // Every path of the contract lives under the lab's state dir (PKI, hosts, topology, run dir).
  const paths = [contract.topologyFile, contract.caFile, contract.certFile, contract.keyFile, contract.hostsFile, contract.runDir];
  const outside = paths.filter((p) => !p.startsWith(`${stateDir}/`));
  if (outside.length) throw new RangeError(`container front door: contract files outside the lab state dir ${stateDir}: ${outside.join(', ')}`);
  return {
    image,
    networkMode: 'host',
    environment: contractToEnv(contract),
    bindMounts: [{ source: stateDir, target: stateDir, mode: 'rw' }],
    command,
  };
}
