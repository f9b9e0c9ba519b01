/**
 * `--front-door dovecot`: Dovecot as an IMAP4/POP3-only front door (frontdoors/dovecot). `dovecot -F`
 * stays in the foreground; base_dir, state_dir and logs are in the run dir. It is ready when the IMAPS
 * port accepts (it has no HTTPS listener): the handle says so in `httpUnsupported`, and HTTP rules
 * reach a closed port, an `error` outcome (docs/frontdoors/dovecot.md).
 */
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import type { CandidateHandle, FrontDoorLauncher, LaunchOptions } from '../launcher.ts';
import { assertPortsFree, configDigest, hostsMap, siteTargets } from '../../../frontdoors/shared/index.ts';
import { DOVECOT_HTTP_REASON, renderDovecotConfig, renderPassdbFiles } from '../../../frontdoors/dovecot/dovecot-config.ts';
import { configTest, launchError, prepareLaunch, requireBinary, versionOf, type LaunchContext } from './adapter-steps.ts';
import { ConfigSlots, contractSlots, readTemplate, templateHeader } from './config-slots.ts';
import { productIdentity } from './product-identity.ts';
import { startProxyProcess } from './proxy-process.ts';
import { labTempRoot, ownTempDir } from '../../lab/temp-dir.ts';

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
  /** The user's dovecot.conf template (`--config`), {{PLACEHOLDERS}} filled (`frontdoor dovecot --print-config`); the passdb files stay generated. */
  configTemplate?: string;
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

interface DovecotPlan {
  bin: string;
  doveconf: string;
  launch: LaunchContext;
  root: boolean;
  internal: Account;
  login: Account;
  caFile: string;
}

async function planDovecot(lab: Lab, o: LaunchOptions, opts: DovecotFrontDoorOptions): Promise<DovecotPlan> {
  const bin = requireBinary('dovecot', ['dovecot'], 'dovecot-imapd dovecot-pop3d', opts.binary);
  const doveconf = requireBinary('dovecot', ['doveconf'], 'dovecot-core');
  const launch = await prepareLaunch(lab, o, 'dovecot');
  const root = process.getuid?.() === 0;
  // Dovecot drops privileges to its own accounts when root (the Debian package creates them).
  const internal = (root && account('dovecot')) || { name: process.env.USER ?? 'root', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const login = (root && account('dovenull')) || internal;
  // The lab's pki dir is private (0700): Dovecot's processes read the CA from the run dir.
  const caFile = join(launch.runDir, 'lab-ca.crt');
  copyFileSync(launch.contract.caFile, caFile);
  return { bin, doveconf, launch, root, internal, login, caFile };
}

/**
 * A folder for the passdb files that Dovecot's auth process (running as its own account) can reach:
 * the lab's folders are private to the harness (0700), so files inside them cannot be read by the
 * `dovecot` user. It sits in the run's temp root (CAS_LAB_TMP, traversable: `cas-conformance run`
 * removes it whole at the end, even when a suite worker is killed), mode 0711: traversable, not
 * listable; removed when the candidate stops, or at process exit.
 */
function passdbFolder(): { path: string; remove(): void } {
  const t = ownTempDir(mkdtempSync(join(labTempRoot(), 'cas-dovecot-')), false);
  chmodSync(t.path, 0o711);
  return t;
}

function renderDovecot(p: DovecotPlan, o: LaunchOptions, slots: ConfigSlots, passdbDir: string, extraConfig?: string): string {
  const c = contractSlots(slots, { ...p.launch.contract, caFile: p.caFile, healthIntervalMs: o.healthIntervalMs }, { http: false, mail: true, health: false });
  let text: string;
  try {
    text = renderDovecotConfig({
      runDir: c.runDir,
      listenAddress: c.listenAddress,
      ports: { imap: c.ports.imap, imaps: c.ports.imaps, pop3: c.ports.pop3, pop3s: c.ports.pop3s },
      certFile: c.certFile,
      keyFile: c.keyFile,
      caFile: c.caFile,
      internalUser: slots.str('DOVECOT_USER', p.internal.name, "Dovecot's internal account"),
      internalGroup: slots.str('DOVECOT_GROUP', groupName(p.internal.gid, p.internal.name), "Dovecot's internal group"),
      loginUser: slots.str('DOVECOT_LOGIN_USER', p.login.name, "the account of Dovecot's login processes"),
      ...(extraConfig ? { extraConfig } : {}),
    });
  } catch (err) {
    throw launchError('dovecot', err);
  }
  // The passdb files live outside the run dir (passdbFolder): their path is a slot of its own.
  const dir = slots.str('PASSDB_DIR', passdbDir, 'the folder of the generated passdb-* files (user -> CAS of the mailbox\'s site), readable by Dovecot\'s auth process');
  text = text.split(`${c.runDir}/passdb-`).join(`${dir}/passdb-`);
  // The instance name is derived from the run dir (two instances may not share one): a slot of its own.
  const instance = /^instance_name = (\S+)$/m.exec(text)?.[1];
  if (!instance) return slots.finish(text);
  const value = slots.str('DOVECOT_INSTANCE', slots.mode === 'real' ? instance : '(derived from the run dir per run)', 'a Dovecot instance name unique to this run dir');
  return slots.finish(text.replace(/^instance_name = \S+$/m, `instance_name = ${value}`));
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
    scope: ['mail'],
    async printConfig(lab, o) {
      const slots = new ConfigSlots('template');
      const text = renderDovecot(await planDovecot(lab, o, opts), o, slots, '/tmp/cas-dovecot-XXXXXX (made per run)', opts.extraConfig);
      return `${templateHeader('dovecot', slots)}# The passdb-* files are generated per run from the directory (user -> CAS of the mailbox's site).\n${text}`;
    },
    async start(lab, o): Promise<MailOnlyCandidateHandle> {
      const p = await planDovecot(lab, o, opts);
      const passdbDir = passdbFolder();
      try {
        const handle = await startDovecot(p, o, opts, passdbDir.path);
        const stop = handle.stop;
        return Object.assign(handle, { stop: async () => {
          await stop();
          await masterGone(join(p.launch.runDir, 'run', 'master.pid'));
          passdbDir.remove();
        } });
      } catch (err) {
        passdbDir.remove();
        throw err;
      }
    },
  };
}

/** Write the config and passdb files (into `passdbDir`), check the config, start Dovecot. */
async function startDovecot(p: DovecotPlan, o: LaunchOptions, opts: DovecotFrontDoorOptions, passdbDir: string): Promise<MailOnlyCandidateHandle> {
  const { bin, doveconf, root, internal } = p;
  const { runDir, contract, dir } = p.launch;
  const hosts = hostsMap(contract.hostsFile);
  const slots = new ConfigSlots('real');
  const generated = renderDovecot(p, o, slots, passdbDir, opts.extraConfig);
  const text = opts.configTemplate ? slots.fill(readTemplate(opts.configTemplate), opts.configTemplate) : generated;
  let passdbs: Record<string, string>;
  try {
    passdbs = renderPassdbFiles(dir.users, (site) => siteTargets(dir, hosts, site), opts.verifyPasswords ? { passwords: topologyPasswords(contract.topologyFile) } : {});
  } catch (err) {
    throw launchError('dovecot', err);
  }
  const conf = join(runDir, 'dovecot.conf');
  writeFileSync(conf, text);
  for (const [name, body] of Object.entries(passdbs)) {
    const file = join(passdbDir, name);
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
  const id = await productIdentity.dovecot(bin);
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
    notes: [`${DOVECOT_HTTP_REASON}: no HTTPS listener on ${contract.listenAddress}:${contract.ports.https}`, ...(opts.configTemplate ? [`running the user's config template ${opts.configTemplate}`] : [])],
  });
  const origin = opts.configTemplate ? `template ${opts.configTemplate}` : 'generated';
  // Passdb files with passwords (verifyPasswords) stay out of the report: nothing secret in it.
  const files = [{ name: 'dovecot.conf', origin, text }, ...Object.entries(passdbs).map(([name, body]) => ({ name, origin: 'generated', text: opts.verifyPasswords ? '(holds passwords: not shown)' : body }))];
  return Object.assign(handle, { httpUnsupported: DOVECOT_HTTP_REASON, scope: ['mail' as const], tlsLibrary: id.tlsLibrary, modules: id.modules, config: files });
}

/**
 * Wait (bounded) until the master named in `pidFile` has exited, then remove the file. The group stop
 * can return while Dovecot's master is still shutting down (its listeners already closed): a second
 * Dovecot started in the same run folder then read the old master.pid, found the process alive and
 * refused to start ("Dovecot is already running"), twice in a loaded npm test.
 */
async function masterGone(pidFile: string, timeoutMs = 5_000): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return; // never written, or already removed
  }
  // Alive and still a Dovecot: a number read from a file must never signal an unrelated process.
  const alive = () => {
    try {
      return /dovecot/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (pid > 1 && alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (pid > 1 && alive()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  rmSync(pidFile, { force: true });
}
