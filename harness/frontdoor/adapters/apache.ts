/**
 * `--front-door apache`: Apache httpd (mod_proxy, mod_ssl) as the candidate, configured as an admin
 * would for `mail` in front of the front-door site's legacy CAS (frontdoors/apache). httpd runs in the
 * foreground (`-DFOREGROUND`) as a child of the harness, its pid file, logs and mutexes in its run dir,
 * its workers as www-data when the harness is root (httpd refuses to serve as root), its /etc/hosts the
 * lab's (private-hosts.ts) so hops go by FQDN.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import type { FrontDoorLauncher, LaunchOptions } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { assertPortsFree, configDigest } from '../../../frontdoors/shared/index.ts';
import { renderApacheConfig } from '../../../frontdoors/apache/apache-config.ts';
import { configTest, launchError, prepareLaunch, requireBinary, slottedHttpInput, versionOf, type LaunchContext } from './adapter-steps.ts';
import { privateHosts, type PrivateHosts } from './private-hosts.ts';
import { ConfigSlots, readTemplate, templateHeader } from './config-slots.ts';
import { productIdentity } from './product-identity.ts';
import { startProxyProcess } from './proxy-process.ts';

export interface ApacheFrontDoorOptions {
  /** httpd binary (default: apache2, then httpd, on PATH or in /usr/sbin). */
  binary?: string;
  /** Folder with mod_proxy.so (default: the first of Debian's, RHEL's and the source build's). */
  modulesDir?: string;
  /** Directives added inside the VirtualHost. */
  extraConfig?: string;
  /** The user's httpd.conf template (`--config`), {{PLACEHOLDERS}} filled (`frontdoor apache --print-config`). */
  configTemplate?: string;
}

const MODULE_DIRS = ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules', '/usr/local/apache2/modules'];

/** An unprivileged account for httpd's workers: www-data (Debian), apache (RHEL), else nobody. */
function workerAccount(): { user: string; group: string } {
  const read = (f: string) => {
    try {
      return new Set(readFileSync(f, 'utf8').split('\n').map((l) => l.split(':')[0]));
    } catch {
      return new Set<string>();
    }
  };
  const users = read('/etc/passwd');
  const groups = read('/etc/group');
  for (const u of ['www-data', 'apache', 'daemon']) if (users.has(u)) return { user: u, group: groups.has(u) ? u : 'nogroup' };
  return { user: 'nobody', group: groups.has('nogroup') ? 'nogroup' : 'nobody' };
}

interface ApachePlan {
  bin: string;
  modulesDir: string;
  launch: LaunchContext;
  hosts: PrivateHosts;
  runAs: { user: string; group: string } | null;
}

async function planApache(lab: Lab, o: LaunchOptions, opts: ApacheFrontDoorOptions): Promise<ApachePlan> {
  const bin = requireBinary('apache', ['apache2', 'httpd'], 'apache2', opts.binary);
  const modulesDir = opts.modulesDir ?? MODULE_DIRS.find((d) => existsSync(join(d, 'mod_proxy.so')));
  if (!modulesDir || !existsSync(join(modulesDir, 'mod_proxy.so'))) throw new FrontDoorLaunchError(`apache: no mod_proxy.so in ${opts.modulesDir ?? MODULE_DIRS.join(', ')} (apt-get install apache2)`);
  const launch = await prepareLaunch(lab, o, 'apache');
  const hosts = await privateHosts(launch.contract.hostsFile, launch.runDir, launch.targets[0]?.fqdn ?? 'localhost');
  return { bin, modulesDir, launch, hosts, runAs: process.getuid?.() === 0 ? workerAccount() : null };
}

function renderApache(p: ApachePlan, o: LaunchOptions, slots: ConfigSlots, extraConfig?: string): string {
  try {
    return slots.finish(renderApacheConfig({
      ...slottedHttpInput(p.launch, p.hosts.mode === 'namespace', o, slots, extraConfig),
      modulesDir: slots.str('APACHE_MODULES_DIR', p.modulesDir, "the folder holding Apache's mod_*.so"),
      runAs: p.runAs ? { user: slots.str('RUN_USER', p.runAs.user, "httpd's worker account (httpd started as root)"), group: slots.str('RUN_GROUP', p.runAs.group, "httpd's worker group") } : null,
    }));
  } catch (err) {
    throw launchError('apache', err);
  }
}

/**
 * The Apache launcher.
 * @example
 * registerLauncher('apache', createApacheFrontDoor);
 * const handle = await createApacheFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 */
export function createApacheFrontDoor(opts: ApacheFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'apache',
    scope: ['http'],
    async printConfig(lab, o) {
      const slots = new ConfigSlots('template');
      const text = renderApache(await planApache(lab, o, opts), o, slots, opts.extraConfig);
      return templateHeader('apache', slots) + text;
    },
    async start(lab, o) {
      const p = await planApache(lab, o, opts);
      const { bin, hosts } = p;
      const { runDir, contract } = p.launch;
      const slots = new ConfigSlots('real');
      const generated = renderApache(p, o, slots, opts.extraConfig);
      const text = opts.configTemplate ? slots.fill(readTemplate(opts.configTemplate), opts.configTemplate) : generated;
      const conf = join(runDir, 'httpd.conf');
      writeFileSync(conf, text);
      try {
        await assertPortsFree(contract.listenAddress, { https: contract.ports.https });
      } catch (err) {
        throw launchError('apache', err);
      }
      await configTest('apache', bin, ['-t', '-f', conf]);
      const version = await versionOf(bin, ['-v'], /Server version:\s*(.+)/);
      const id = await productIdentity.apache(bin, conf);
      const { command, args } = hosts.wrap(bin, ['-DFOREGROUND', '-f', conf]);
      const handle = await startProxyProcess({
        name: 'apache',
        command,
        args,
        contract,
        logFiles: [join(runDir, 'error.log')],
        version,
        configDigest: configDigest(text),
        ...(o.startTimeoutMs ? { startTimeoutMs: o.startTimeoutMs } : {}),
        notes: [...(hosts.reason ? [`hops go by address, not FQDN: ${hosts.reason}`] : []), ...(opts.configTemplate ? [`running the user's config template ${opts.configTemplate}`] : [])],
      });
      return Object.assign(handle, {
        scope: ['http' as const],
        tlsLibrary: id.tlsLibrary,
        modules: id.modules,
        config: [{ name: 'httpd.conf', origin: opts.configTemplate ? `template ${opts.configTemplate}` : 'generated', text }],
      });
    },
  };
}
