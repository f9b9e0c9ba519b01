/**
 * `--front-door container` (image from CAS_FRONTDOOR_IMAGE): a front door shipped as a container
 * image, run with testcontainers 11 under host networking (frontdoors/container/container-spec.ts says
 * why), the contract in its environment. Where no container engine exists (this project's CI
 * machines), the launcher says so in milliseconds and the run goes on: NoContainerEngineError is a
 * FrontDoorLaunchError, so every rule of that candidate is an `error` with the reason "no container
 * engine: ..." - never a pass, never a fail (docs/frontdoors/container.md).
 */
import { join } from 'node:path';
import type { Readable } from 'node:stream';
// Type-only at load time: testcontainers itself (0.7-1 s to import) loads when this launcher starts (issue 15).
import type { GenericContainer, StartedTestContainer } from 'testcontainers';
import { contractFor, waitForListening, type CandidateHandle, type FrontDoorLauncher } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { configDigest } from '../../../frontdoors/shared/index.ts';
import { containerSpec, type ContainerSpec } from '../../../frontdoors/container/container-spec.ts';

/** No Docker/Podman reachable: the candidate is skipped with this reason (an `error` outcome, never pass/fail). */
export class NoContainerEngineError extends FrontDoorLaunchError {
  /** Marker for callers that list candidates (compare-run): show "skipped: <reason>". */
  readonly skipped = true;
  constructor(readonly engineError: string) {
    super(`no container engine: ${engineError} (install Docker or Podman, or run the proxy with --front-door command:...)`);
  }
}

export type EngineCheck = { ok: true; info: string } | { ok: false; reason: string };

/**
 * Ask testcontainers for a working runtime; it answers "Could not find a working container runtime
 * strategy" within milliseconds when there is none.
 * @example
 * const e = await detectContainerEngine();
 * if (!e.ok) console.log(`container candidate skipped: ${e.reason}`);
 */
export async function detectContainerEngine(probe?: () => Promise<unknown>): Promise<EngineCheck> {
  try {
    const client = (await (probe ?? (await import('testcontainers')).getContainerRuntimeClient)()) as { info?: { containerRuntime?: { host?: string; remoteSocketPath?: string } } } | null;
    const rt = client?.info?.containerRuntime;
    return { ok: true, info: rt?.remoteSocketPath ?? rt?.host ?? 'container runtime' };
  } catch (err) {
    return { ok: false, reason: (err as Error).message || String(err) };
  }
}

export interface ContainerFrontDoorOptions {
  /** Override the image's command. */
  command?: string[];
  /** Engine probe (tests inject one). */
  probe?: () => Promise<unknown>;
}

async function toGenericContainer(spec: ContainerSpec, startTimeoutMs: number): Promise<GenericContainer> {
  const { GenericContainer } = await import('testcontainers');
  let c = new GenericContainer(spec.image)
    .withNetworkMode(spec.networkMode)
    .withEnvironment(spec.environment)
    .withBindMounts(spec.bindMounts)
    .withStartupTimeout(startTimeoutMs);
  if (spec.command) c = c.withCommand(spec.command);
  return c;
}

/**
 * The container launcher.
 * @example
 * registerLauncher('container', () => createContainerFrontDoor(process.env.CAS_FRONTDOOR_IMAGE ?? ''));
 * await createContainerFrontDoor('ghcr.io/acme/exchange-frontdoor:1.2').start(lab, launchOptions);
 */
export function createContainerFrontDoor(image: string, opts: ContainerFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'container',
    async start(lab, o) {
      // Engine first: on a machine without one that is the reason, whatever the image.
      const engine = await detectContainerEngine(opts.probe);
      if (!engine.ok) throw new NoContainerEngineError(engine.reason);
      const runDir = join(lab.stateDir, 'frontdoor-container');
      const contract = contractFor(lab, o, runDir);
      let spec: ContainerSpec;
      try {
        spec = containerSpec(image, contract, lab.stateDir, opts.command ?? null);
      } catch (err) {
        throw new FrontDoorLaunchError((err as Error).message, { cause: err });
      }
      const timeout = o.startTimeoutMs ?? 60_000; // image pulls take longer than a process start
      let started: StartedTestContainer;
      try {
        started = await (await toGenericContainer(spec, timeout)).start();
      } catch (err) {
        throw new FrontDoorLaunchError(`container ${image} did not start: ${(err as Error).message}`, { cause: err });
      }
      let out = '';
      let exit: string | null = null;
      const logs: Readable = await started.logs();
      logs.on('data', (d: Buffer | string) => void (out = (out + d.toString()).slice(-64 * 1024)));
      logs.on('end', () => void (exit = exit ?? `container ${started.getId().slice(0, 12)} exited; last output:\n${out.slice(-2000)}`));
      try {
        await waitForListening(contract.listenAddress, contract.ports.https, timeout, () => exit);
      } catch (err) {
        await started.stop({ timeout: 1000 }).catch(() => undefined);
        throw new FrontDoorLaunchError(`container ${image}: ${(err as Error).message}\n${out.slice(-2000)}`, { cause: err });
      }
      const handle: CandidateHandle = {
        name: image,
        version: image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : 'latest',
        launcher: `container (${engine.info})`,
        configDigest: configDigest(image, JSON.stringify(spec.command)),
        address: contract.listenAddress,
        ports: contract.ports,
        output: () => out,
        exitReason: () => exit,
        stop: async () => {
          exit = exit ?? 'stopped';
          await started.stop({ timeout: 3000 });
        },
      };
      return handle;
    },
  };
}
