/**
 * HAProxy as a candidate front door: one backend per Exchange vdir (`path_beg -i`), TLS re-encrypted
 * to the CAS servers of the front door's site with verification and SNI, per-vdir health checks that
 * work on 2007/2010, and IMAPS/POP3S terminated and re-encrypted in `mode tcp`. The config comes from
 * frontdoors/haproxy/ templates, is checked with `haproxy -c`, and HAProxy runs in the foreground (-db).
 * @example
 * registerLauncher('haproxy', createHaproxyFrontDoor);
 * const handle = await createHaproxyFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 * await handle.stop();
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import { contractFor, spawnCandidate, waitForListening, type CandidateHandle, type FrontDoorLauncher, type LaunchOptions } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { assertPortsFree, configDigest, fetchDirectory, findBinary, hostsMap, runProcess, siteTargets } from '../../../frontdoors/shared/index.ts';
import { buildHaproxyConfig } from '../../../frontdoors/haproxy/haproxy-config.ts';
import { ConfigSlots, contractSlots, readTemplate, slotTargets, templateHeader } from './config-slots.ts';
import { productIdentity } from './product-identity.ts';
import type { HopTarget } from '../../../frontdoors/shared/index.ts';
import type { FrontDoorContract } from '../../topology/contract.ts';
import type { Family } from '../../../reports/types.ts';

export interface HaproxyFrontDoorOptions {
  /** haproxy binary (default: found on PATH or /usr/sbin). */
  binary?: string;
  /** Publish IMAPS/POP3S through `mode tcp` (default true). */
  mail?: boolean;
  /** Amend the generated haproxy.cfg before it is checked and used (an admin's tweaks; tests break it on purpose). */
  editConfig?: (text: string) => string;
  /** The user's haproxy.cfg template (`--config`), {{PLACEHOLDERS}} filled (`frontdoor haproxy --print-config`). */
  configTemplate?: string;
  /** What this HAProxy fronts (default HTTP and mail; haproxy+dovecot gives it HTTP). */
  scope?: Family[];
}

/** `haproxy/2.6.12-1+deb12u4` from `haproxy -v`. */
export async function haproxyVersion(bin: string): Promise<string | null> {
  const v = await runProcess(bin, ['-v'], { timeoutMs: 5000 });
  const m = /HA-?Proxy version\s+(\S+)/i.exec(v.stdout + v.stderr);
  return m ? `haproxy/${m[1]}` : null;
}

function launchError(err: unknown): FrontDoorLaunchError {
  if (err instanceof FrontDoorLaunchError) return err;
  return new FrontDoorLaunchError(`haproxy: ${(err as Error).message}`, { cause: err });
}

interface HaproxyPlan {
  bin: string;
  runDir: string;
  contract: FrontDoorContract;
  pemFile: string;
  targets: HopTarget[];
  mail: boolean;
}

async function planHaproxy(lab: Lab, o: LaunchOptions, opts: HaproxyFrontDoorOptions): Promise<HaproxyPlan> {
  const bin = opts.binary ?? findBinary('haproxy');
  if (!bin) throw new FrontDoorLaunchError('haproxy is not installed (apt-get install haproxy)');
  const runDir = join(lab.stateDir, 'frontdoor-haproxy');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const contract = contractFor(lab, o, runDir);
  // HAProxy wants certificate and key in one PEM.
  const pemFile = join(runDir, 'front-door.pem');
  writeFileSync(pemFile, `${readFileSync(contract.certFile, 'utf8').trim()}\n${readFileSync(contract.keyFile, 'utf8').trim()}\n`, { mode: 0o600 });
  const dir = await fetchDirectory(contract.directoryUrl);
  const targets = siteTargets(dir, hostsMap(contract.hostsFile));
  if (!targets.length) throw new FrontDoorLaunchError(`haproxy: the front door's site ${dir.frontDoor.site} has no CAS in service to proxy to`);
  const mail = opts.mail !== false && (opts.scope ?? ['mail']).includes('mail') && (contract.ports.imaps > 0 || contract.ports.pop3s > 0);
  return { bin, runDir, contract, pemFile, targets, mail };
}

function renderHaproxy(p: HaproxyPlan, o: LaunchOptions, slots: ConfigSlots): string {
  const c = contractSlots(slots, { ...p.contract, healthIntervalMs: o.healthIntervalMs }, { http: true, mail: p.mail });
  return slots.finish(buildHaproxyConfig({
    listenAddress: c.listenAddress,
    ports: c.ports,
    pemFile: slots.str('PEM_FILE', p.pemFile, "the front door's certificate and key in one PEM (HAProxy's crt)"),
    caFile: c.caFile,
    checkIntervalMs: c.healthIntervalMs,
    checkTimeoutMs: c.healthTimeoutMs,
    targets: slotTargets(slots, p.targets),
    mail: p.mail,
  }));
}

/** The HAProxy launcher (registered as `--front-door haproxy`). */
export function createHaproxyFrontDoor(opts: HaproxyFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'haproxy',
    scope: opts.scope ?? ['http', 'mail'],
    async printConfig(lab, o) {
      try {
        const slots = new ConfigSlots('template');
        const text = renderHaproxy(await planHaproxy(lab, o, opts), o, slots);
        return templateHeader('haproxy', slots) + text;
      } catch (err) {
        throw launchError(err);
      }
    },
    async start(lab, o): Promise<CandidateHandle> {
      try {
        const p = await planHaproxy(lab, o, opts);
        const { bin, runDir, contract, targets, mail } = p;
        const slots = new ConfigSlots('real');
        const generated = renderHaproxy(p, o, slots);
        const filled = opts.configTemplate ? slots.fill(readTemplate(opts.configTemplate), opts.configTemplate) : generated;
        const text = opts.editConfig ? opts.editConfig(filled) : filled;
        const conf = join(runDir, 'haproxy.cfg');
        writeFileSync(conf, text);
        const test = await runProcess(bin, ['-c', '-f', conf], { timeoutMs: 15_000 });
        if (test.code !== 0) throw new FrontDoorLaunchError(`haproxy rejected its configuration (${opts.configTemplate ? `from ${opts.configTemplate}, ` : ''}${conf}):\n${(test.stdout + test.stderr).trim() || test.spawnError || `exit ${test.code}`}`);
        const published: Record<string, number> = mail ? { https: contract.ports.https, imaps: contract.ports.imaps, pop3s: contract.ports.pop3s } : { https: contract.ports.https };
        await assertPortsFree(contract.listenAddress, published);
        const note = `haproxy: proxying to ${targets.map((t, i) => `${t.fqdn}${i ? ' (backup)' : ''}`).join(', ')}; mail ${mail ? 'IMAPS/POP3S only (no STARTTLS in HAProxy)' : 'off'}${opts.configTemplate ? `; the user's config template ${opts.configTemplate}` : ''}\n`;
        const id = await productIdentity.haproxy(bin);
        const handle = await spawnCandidate('haproxy', 'haproxy', bin, ['-db', '-f', conf, '-p', join(runDir, 'haproxy.pid')], lab, o, runDir, {
          version: await haproxyVersion(bin),
          configDigest: configDigest(text),
        });
        try {
          if (mail) for (const port of [contract.ports.imaps, contract.ports.pop3s].filter((x) => x > 0)) await waitForListening(contract.listenAddress, port, 5000, handle.exitReason);
        } catch (err) {
          await handle.stop();
          throw err;
        }
        return {
          ...handle,
          healthCheckUserAgents: ['HAProxy-Exchange-Check'],
          scope: mail ? ['http', 'mail'] : ['http'],
          tlsLibrary: id.tlsLibrary,
          modules: id.modules,
          config: [{ name: 'haproxy.cfg', origin: opts.configTemplate ? `template ${opts.configTemplate}` : 'generated', text }],
          output: () => note + handle.output(),
        };
      } catch (err) {
        throw launchError(err);
      }
    },
  };
}
