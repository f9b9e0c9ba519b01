/**
 * `--front-door apache`: Apache httpd (mod_proxy, mod_ssl) as the candidate, configured as an admin
 * would for `mail` in front of the front-door site's legacy CAS (frontdoors/apache). httpd runs in the
 * foreground (`-DFOREGROUND`) as a child of the harness, its pid file, logs and mutexes in its run dir,
 * its workers as www-data when the harness is root (httpd refuses to serve as root), its /etc/hosts the
 * lab's (private-hosts.ts) so hops go by FQDN.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrontDoorLauncher } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { assertPortsFree, configDigest } from '../../../frontdoors/shared/index.ts';
import { renderApacheConfig } from '../../../frontdoors/apache/apache-config.ts';
import { configTest, httpProxyInput, launchError, prepareLaunch, requireBinary, versionOf } from './adapter-steps.ts';
import { privateHosts } from './private-hosts.ts';
import { startProxyProcess } from './proxy-process.ts';

export interface ApacheFrontDoorOptions {
  /** httpd binary (default: apache2, then httpd, on PATH or in /usr/sbin). */
  binary?: string;
  /** Folder with mod_proxy.so (default: the first of Debian's, RHEL's and the source build's). */
  modulesDir?: string;
  /** Directives added inside the VirtualHost. */
  extraConfig?: string;
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

/**
 * The Apache launcher.
 * @example
 * registerLauncher('apache', createApacheFrontDoor);
 * const handle = await createApacheFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 */
export function createApacheFrontDoor(opts: ApacheFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'apache',
    async start(lab, o) {
      const bin = requireBinary('apache', ['apache2', 'httpd'], 'apache2', opts.binary);
      const modulesDir = opts.modulesDir ?? MODULE_DIRS.find((d) => existsSync(join(d, 'mod_proxy.so')));
      if (!modulesDir || !existsSync(join(modulesDir, 'mod_proxy.so'))) throw new FrontDoorLaunchError(`apache: no mod_proxy.so in ${opts.modulesDir ?? MODULE_DIRS.join(', ')} (apt-get install apache2)`);
      const launch = await prepareLaunch(lab, o, 'apache');
      const { runDir, contract, targets } = launch;
      const hosts = await privateHosts(contract.hostsFile, runDir, targets[0]?.fqdn ?? 'localhost');
      const root = process.getuid?.() === 0;
      let text: string;
      try {
        text = renderApacheConfig({
          ...httpProxyInput(launch, hosts.mode === 'namespace', o, opts.extraConfig),
          modulesDir,
          runAs: root ? workerAccount() : null,
        });
      } catch (err) {
        throw launchError('apache', err);
      }
      const conf = join(runDir, 'httpd.conf');
      writeFileSync(conf, text);
      try {
        await assertPortsFree(contract.listenAddress, { https: contract.ports.https });
      } catch (err) {
        throw launchError('apache', err);
      }
      await configTest('apache', bin, ['-t', '-f', conf]);
      const version = await versionOf(bin, ['-v'], /Server version:\s*(.+)/);
      const { command, args } = hosts.wrap(bin, ['-DFOREGROUND', '-f', conf]);
      return startProxyProcess({
        name: 'apache',
        command,
        args,
        contract,
        logFiles: [join(runDir, 'error.log')],
        version,
        configDigest: configDigest(text),
        ...(o.startTimeoutMs ? { startTimeoutMs: o.startTimeoutMs } : {}),
        notes: hosts.reason ? [`hops go by address, not FQDN: ${hosts.reason}`] : [],
      });
    },
  };
}
