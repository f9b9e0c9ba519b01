/**
 * `--front-door caddy`: Caddy 2 as the candidate (frontdoors/caddy). `caddy run` stays in the
 * foreground; admin endpoint off, no ACME, storage and autosave in the run dir (XDG_* point there),
 * the lab's hosts as its /etc/hosts (private-hosts.ts) so upstreams are named by FQDN.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import type { FrontDoorLauncher, LaunchOptions } from '../launcher.ts';
import { assertPortsFree, configDigest } from '../../../frontdoors/shared/index.ts';
import { renderCaddyConfig } from '../../../frontdoors/caddy/caddy-config.ts';
import { configTest, launchError, prepareLaunch, requireBinary, slottedHttpInput, versionOf, type LaunchContext } from './adapter-steps.ts';
import { privateHosts, type PrivateHosts } from './private-hosts.ts';
import { ConfigSlots, readTemplate, templateHeader } from './config-slots.ts';
import { productIdentity } from './product-identity.ts';
import { startProxyProcess } from './proxy-process.ts';

export interface CaddyFrontDoorOptions {
  /** caddy binary (default: caddy on PATH). */
  binary?: string;
  /** Caddyfile directives added at the end of the site block. */
  extraConfig?: string;
  /** The user's Caddyfile template (`--config`), {{PLACEHOLDERS}} filled (`frontdoor caddy --print-config`). */
  configTemplate?: string;
}

interface CaddyPlan {
  bin: string;
  launch: LaunchContext;
  hosts: PrivateHosts;
}

async function planCaddy(lab: Lab, o: LaunchOptions, opts: CaddyFrontDoorOptions): Promise<CaddyPlan> {
  const bin = requireBinary('caddy', ['caddy'], 'caddy', opts.binary);
  const launch = await prepareLaunch(lab, o, 'caddy');
  const hosts = await privateHosts(launch.contract.hostsFile, launch.runDir, launch.targets[0]?.fqdn ?? 'localhost', { userNamespace: true });
  return { bin, launch, hosts };
}

function renderCaddy(p: CaddyPlan, o: LaunchOptions, slots: ConfigSlots, extraConfig?: string): string {
  try {
    return slots.finish(renderCaddyConfig(slottedHttpInput(p.launch, p.hosts.mode === 'namespace', o, slots, extraConfig)));
  } catch (err) {
    throw launchError('caddy', err);
  }
}

/**
 * The Caddy launcher.
 * @example
 * registerLauncher('caddy', createCaddyFrontDoor);
 * const handle = await createCaddyFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 */
export function createCaddyFrontDoor(opts: CaddyFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'caddy',
    scope: ['http'],
    async printConfig(lab, o) {
      const slots = new ConfigSlots('template');
      const text = renderCaddy(await planCaddy(lab, o, opts), o, slots, opts.extraConfig);
      return templateHeader('caddy', slots) + text;
    },
    async start(lab, o) {
      const p = await planCaddy(lab, o, opts);
      const { bin, hosts } = p;
      const { runDir, contract } = p.launch;
      const slots = new ConfigSlots('real');
      const generated = renderCaddy(p, o, slots, opts.extraConfig);
      const text = opts.configTemplate ? slots.fill(readTemplate(opts.configTemplate), opts.configTemplate) : generated;
      const conf = join(runDir, 'Caddyfile');
      writeFileSync(conf, text);
      // Caddy writes autosave.json and its data under XDG dirs (else $HOME): keep them in the run dir.
      const env = { ...process.env, XDG_CONFIG_HOME: join(runDir, 'config'), XDG_DATA_HOME: join(runDir, 'data'), HOME: runDir };
      mkdirSync(env.XDG_CONFIG_HOME, { recursive: true });
      mkdirSync(env.XDG_DATA_HOME, { recursive: true });
      try {
        await assertPortsFree(contract.listenAddress, { https: contract.ports.https });
      } catch (err) {
        throw launchError('caddy', err);
      }
      await configTest('caddy', bin, ['validate', '--config', conf, '--adapter', 'caddyfile'], env);
      const v = await versionOf(bin, ['version'], /^v?(\d+\.\d+\S*)/m, env);
      const id = await productIdentity.caddy(bin, env);
      const { command, args } = hosts.wrap(bin, ['run', '--config', conf, '--adapter', 'caddyfile']);
      const handle = await startProxyProcess({
        name: 'caddy',
        command,
        args,
        env,
        contract,
        logFiles: [],
        version: v ? `Caddy ${v}` : null,
        configDigest: configDigest(text),
        ...(o.startTimeoutMs ? { startTimeoutMs: o.startTimeoutMs } : {}),
        notes: [...(hosts.reason ? [`upstreams by address, not FQDN: ${hosts.reason}`] : []), ...(opts.configTemplate ? [`running the user's config template ${opts.configTemplate}`] : [])],
      });
      return Object.assign(handle, {
        scope: ['http' as const],
        tlsLibrary: id.tlsLibrary,
        modules: id.modules,
        config: [{ name: 'Caddyfile', origin: opts.configTemplate ? `template ${opts.configTemplate}` : 'generated', text }],
      });
    },
  };
}
