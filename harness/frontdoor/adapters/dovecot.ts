/**
 * `--front-door dovecot`: Dovecot as an IMAP4/POP3-only front door (frontdoors/dovecot). `dovecot -F`
 * stays in the foreground; base_dir, state_dir and logs are in the run dir. It is ready when the IMAPS
 * port accepts (it has no HTTPS listener): the handle says so in `httpUnsupported`, and HTTP rules
 * reach a closed port, an `error` outcome (docs/frontdoors/dovecot.md).
 */
import { chmodSync, chownSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CandidateHandle, FrontDoorLauncher } from '../launcher.ts';
import { assertPortsFree, configDigest, hostsMap, siteTargets } from '../../../frontdoors/shared/index.ts';
import { DOVECOT_HTTP_REASON, renderDovecotConfig, renderPassdbFiles } from '../../../frontdoors/dovecot/dovecot-config.ts';
import { configTest, launchError, prepareLaunch, requireBinary, versionOf } from './adapter-steps.ts';
import { startProxyProcess } from './proxy-process.ts';

export interface DovecotFrontDoorOptions {
  /** dovecot binary (default: dovecot on PATH or in /usr/sbin). */
  binary?: string;
  /**
   * Check passwords at the front door (from the topology file, the lab's stand-in for AD) before
   * proxying. Default false: `nopassword=y`, the CAS checks them, as passwordless Dovecot proxies do.
   */
  verifyPasswords?: boolean;
  /** Settings appended to dovecot.conf. */
  extraConfig?: string;
}

/** A candidate that serves mail only: `httpUnsupported` is why HTTP rules cannot be judged. */
export interface MailOnlyCandidateHandle extends CandidateHandle {
  readonly httpUnsupported: string;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

function account(name: string): Account | null {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) return null;
    const [, , uid, gid] = line.split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

function groupName(gid: number, fallback: string): string {
  try {
    return readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid))?.split(':')[0] ?? fallback;
  } catch {
    return fallback;
  }
}

/** Users' passwords from the topology file (samAccountName -> password). */
function topologyPasswords(file: string): Map<string, string> {
  const t = JSON.parse(readFileSync(file, 'utf8')) as { users?: { samAccountName?: string; password?: string }[] };
  return new Map((t.users ?? []).filter((u) => u.samAccountName && u.password).map((u) => [u.samAccountName!, u.password!]));
}

/**
 * The Dovecot launcher.
 * @example
 * registerLauncher('dovecot', createDovecotFrontDoor);
 * const handle = await createDovecotFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 * handle.ports.imaps; // where IMAP clients go
 */
export function createDovecotFrontDoor(opts: DovecotFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'dovecot',
    async start(lab, o): Promise<MailOnlyCandidateHandle> {
      const bin = requireBinary('dovecot', ['dovecot'], 'dovecot-imapd dovecot-pop3d', opts.binary);
      const doveconf = requireBinary('dovecot', ['doveconf'], 'dovecot-core');
      const { runDir, contract, dir } = await prepareLaunch(lab, o, 'dovecot');
      const root = process.getuid?.() === 0;
      // Dovecot drops privileges to its own accounts when root (the Debian package creates them).
      const internal = (root && account('dovecot')) || { name: process.env.USER ?? 'root', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
      const login = (root && account('dovenull')) || internal;
      // The lab's pki dir is private (0700): Dovecot's processes read the CA from the run dir.
      const caFile = join(runDir, 'lab-ca.crt');
      copyFileSync(contract.caFile, caFile);
      const hosts = hostsMap(contract.hostsFile);
      let text: string;
      let passdbs: Record<string, string>;
      try {
        text = renderDovecotConfig({
          runDir,
          listenAddress: contract.listenAddress,
          ports: { imap: contract.ports.imap, imaps: contract.ports.imaps, pop3: contract.ports.pop3, pop3s: contract.ports.pop3s },
          certFile: contract.certFile,
          keyFile: contract.keyFile,
          caFile,
          internalUser: internal.name,
          internalGroup: groupName(internal.gid, internal.name),
          loginUser: login.name,
          ...(opts.extraConfig ? { extraConfig: opts.extraConfig } : {}),
        });
        passdbs = renderPassdbFiles(dir.users, (site) => siteTargets(dir, hosts, site), opts.verifyPasswords ? { passwords: topologyPasswords(contract.topologyFile) } : {});
      } catch (err) {
        throw launchError('dovecot', err);
      }
      const conf = join(runDir, 'dovecot.conf');
      writeFileSync(conf, text);
      for (const [name, body] of Object.entries(passdbs)) {
        const file = join(runDir, name);
        // With passwords inside, only the auth process's account may read the file.
        writeFileSync(file, body);
        chmodSync(file, opts.verifyPasswords ? 0o600 : 0o644);
        if (root) chownSync(file, opts.verifyPasswords ? internal.uid : 0, opts.verifyPasswords ? internal.gid : 0);
      }
      const { imap, imaps, pop3, pop3s } = contract.ports;
      try {
        await assertPortsFree(contract.listenAddress, { imap, imaps, pop3, pop3s });
      } catch (err) {
        throw launchError('dovecot', err);
      }
      await configTest('dovecot', doveconf, ['-n', '-c', conf]);
      const version = await versionOf(bin, ['--version'], /^(\d+\.\d+\S*(?: \([0-9a-f]+\))?)/m);
      const handle = await startProxyProcess({
        name: 'dovecot',
        command: bin,
        args: ['-F', '-c', conf],
        contract,
        readyPort: imaps,
        logFiles: [join(runDir, 'dovecot.log')],
        version: version ? `Dovecot ${version}` : null,
        configDigest: configDigest(text, ...Object.values(passdbs)),
        ...(o.startTimeoutMs ? { startTimeoutMs: o.startTimeoutMs } : {}),
        notes: [`${DOVECOT_HTTP_REASON}: no HTTPS listener on ${contract.listenAddress}:${contract.ports.https}`],
      });
      return Object.assign(handle, { httpUnsupported: DOVECOT_HTTP_REASON });
    },
  };
}
