/**
 * `--front-door caddy`: Caddy 2 as the candidate (frontdoors/caddy). `caddy run` stays in the
 * foreground; admin endpoint off, no ACME, storage and autosave in the run dir (XDG_* point there),
 * the lab's hosts as its /etc/hosts (private-hosts.ts) so upstreams are named by FQDN.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontDoorLauncher } from '../launcher.ts';
import { assertPortsFree, configDigest } from '../../../frontdoors/shared/index.ts';
import { renderCaddyConfig } from '../../../frontdoors/caddy/caddy-config.ts';
import { configTest, httpProxyInput, launchError, prepareLaunch, requireBinary, versionOf } from './adapter-steps.ts';
import { privateHosts } from './private-hosts.ts';
import { startProxyProcess } from './proxy-process.ts';

export interface CaddyFrontDoorOptions {
  /** caddy binary (default: caddy on PATH). */
  binary?: string;
  /** Caddyfile directives added at the end of the site block. */
  extraConfig?: string;
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
    async start(lab, o) {
      const bin = requireBinary('caddy', ['caddy'], 'caddy', opts.binary);
      const launch = await prepareLaunch(lab, o, 'caddy');
      const { runDir, contract, targets } = launch;
      const hosts = await privateHosts(contract.hostsFile, runDir, targets[0]?.fqdn ?? 'localhost', { userNamespace: true });
      let text: string;
      try {
        text = renderCaddyConfig(httpProxyInput(launch, hosts.mode === 'namespace', o, opts.extraConfig));
      } catch (err) {
        throw launchError('caddy', err);
      }
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
      const { command, args } = hosts.wrap(bin, ['run', '--config', conf, '--adapter', 'caddyfile']);
      return startProxyProcess({
        name: 'caddy',
        command,
        args,
        env,
        contract,
        logFiles: [],
        version: v ? `Caddy ${v}` : null,
        configDigest: configDigest(text),
        ...(o.startTimeoutMs ? { startTimeoutMs: o.startTimeoutMs } : {}),
        notes: hosts.reason ? [`upstreams by address, not FQDN: ${hosts.reason}`] : [],
      });
    },
  };
}
