/**
 * The lab has no DNS: its names live in CAS_HOSTS_FILE. A stock proxy resolves names through the
 * system resolver (/etc/hosts), and hops must go by FQDN (RULES.md TLS-06: Host and SNI are the
 * target's FQDN), so the proxy gets a private /etc/hosts: it runs in its own mount namespace
 * (`unshare --mount`, propagation private by default) where the lab's hosts file is bind-mounted over
 * /etc/hosts. Nothing outside the proxy's namespace changes. Where that is impossible (no unshare,
 * no privilege) the adapter falls back to addresses in its config and says so.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readHostsFile } from '../../topology/contract.ts';
import { findBinary, runProcess } from '../../../frontdoors/shared/index.ts';

export interface PrivateHosts {
  /** `namespace`: names resolve inside the proxy; `addresses`: the config must use addresses. */
  mode: 'namespace' | 'addresses';
  /** Why `addresses` (shown in the candidate's output and docs). */
  reason: string | null;
  /** The hosts file the proxy sees as /etc/hosts. */
  file: string;
  /** Wrap a command so it runs with the private /etc/hosts (identity in `addresses` mode). */
  wrap(command: string, args: string[]): { command: string; args: string[] };
}

// `$0` is the hosts file, `$@` the proxy: exec keeps one process (signals reach the proxy itself).
const SCRIPT = 'mount --bind "$0" /etc/hosts && exec "$@"';

/**
 * Write `<runDir>/etc-hosts` (localhost + every lab name) and check that a namespace with it as
 * /etc/hosts resolves `probeName` to its lab address.
 * @example
 * const ph = await privateHosts(contract.hostsFile, runDir, 'cas2010.site1.contoso.lab');
 * const { command, args } = ph.wrap('/usr/sbin/apache2', ['-DFOREGROUND', '-f', conf]);
 */
export async function privateHosts(hostsFile: string, runDir: string, probeName: string, o: { userNamespace?: boolean } = {}): Promise<PrivateHosts> {
  const entries = readHostsFile(hostsFile);
  const file = join(runDir, 'etc-hosts');
  writeFileSync(file, ['127.0.0.1\tlocalhost', '::1\tlocalhost', ...entries.map((e) => `${e.address}\t${e.name}`), ''].join('\n'));
  const identity = (reason: string): PrivateHosts => ({ mode: 'addresses', reason, file, wrap: (command, args) => ({ command, args }) });
  const unshare = findBinary('unshare');
  if (!unshare) return identity('unshare (util-linux) is not installed');
  const root = process.getuid?.() === 0;
  if (!root && !o.userNamespace) return identity('not running as root (a private /etc/hosts needs a mount namespace)');
  const pre = ['--mount', ...(root ? [] : ['--map-root-user']), 'sh', '-c', SCRIPT, file];
  const want = entries.find((e) => e.name.toLowerCase() === probeName.toLowerCase())?.address;
  const probe = await runProcess(unshare, [...pre, 'getent', 'hosts', probeName], { timeoutMs: 5000 });
  const got = probe.stdout.trim().split(/\s+/)[0];
  if (probe.code !== 0 || !want || got !== want) {
    return identity(`a private /etc/hosts is not available here (unshare --mount: ${(probe.stderr || probe.spawnError || `resolved ${got ?? 'nothing'}`).trim().slice(0, 200)})`);
  }
  return { mode: 'namespace', reason: null, file, wrap: (command, args) => ({ command: unshare, args: [...pre, command, ...args] }) };
}
