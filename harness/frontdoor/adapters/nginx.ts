/**
 * nginx as a candidate front door: HTTP reverse proxy for the Exchange vdirs and, when the mail
 * module is available (Debian: libnginx-mod-mail), the IMAP4/POP3 proxy with an auth_http service
 * run here (nginx-auth.ts). The config comes from frontdoors/nginx/ templates, filled from the
 * directory; it is checked with `nginx -t` before nginx starts in the foreground as one process.
 * @example
 * registerLauncher('nginx', createNginxFrontDoor);
 * const handle = await createNginxFrontDoor().start(lab, { profile: 'exchange2013', hardened: false, healthIntervalMs: 1000, options: {} });
 * await handle.stop();
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.ts';
import { contractFor, spawnCandidate, waitForListening, type CandidateHandle, type FrontDoorLauncher, type LaunchOptions } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { assertPortsFree, configDigest, fetchDirectory, findBinary, hostsMap, runProcess, siteTargets } from '../../../frontdoors/shared/index.ts';
import { buildNginxConfig } from '../../../frontdoors/nginx/nginx-config.ts';
import { startNginxAuth, type NginxAuthService } from './nginx-auth.ts';
import { ConfigSlots, contractSlots, readTemplate, slotTargets, templateHeader } from './config-slots.ts';
import { productIdentity } from './product-identity.ts';
import type { DirectorySnapshot, HopTarget } from '../../../frontdoors/shared/index.ts';
import type { FrontDoorContract } from '../../topology/contract.ts';
import type { Family } from '../../../reports/types.ts';

export interface NginxFrontDoorOptions {
  /** nginx binary (default: found on PATH or /usr/sbin). */
  binary?: string;
  /** Serve IMAP4/POP3 through ngx_mail (default true when the module exists). */
  mail?: boolean;
  /** Amend the generated nginx.conf before it is tested and used (an admin's own tweaks; tests break it on purpose). */
  editConfig?: (text: string) => string;
  /**
   * The user's nginx.conf template (`--config`): run it instead of the generated config, its
   * {{PLACEHOLDERS}} filled with the lab's values (`frontdoor nginx --print-config` prints the generated
   * one as a template: the worked example).
   */
  configTemplate?: string;
  /** What this nginx fronts (default HTTP and mail; a composite such as nginx+dovecot gives it HTTP). */
  scope?: Family[];
}

/** How this nginx offers the mail module: built in, a loadable .so, or not at all (with why). */
export async function nginxMailModule(bin: string): Promise<{ available: boolean; modulePath: string | null; why: string }> {
  const v = await runProcess(bin, ['-V'], { timeoutMs: 5000 });
  const text = v.stderr + v.stdout;
  if (/--with-mail(\s|$)/.test(text)) return { available: true, modulePath: null, why: 'built in' };
  if (!/--with-mail=dynamic/.test(text)) return { available: false, modulePath: null, why: 'this nginx was built without the mail module' };
  const dir = /--modules-path=(\S+)/.exec(text)?.[1] ?? '/usr/lib/nginx/modules';
  const so = join(dir, 'ngx_mail_module.so');
  if (!existsSync(so)) return { available: false, modulePath: null, why: `${so} is missing (apt-get install libnginx-mod-mail)` };
  return { available: true, modulePath: so, why: `dynamic module ${so}` };
}

/** `nginx/1.22.1` from `nginx -v` (printed on stderr). */
export async function nginxVersion(bin: string): Promise<string | null> {
  const v = await runProcess(bin, ['-v'], { timeoutMs: 5000 });
  return /nginx version:\s*(\S+)/.exec(v.stderr + v.stdout)?.[1] ?? null;
}

function launchError(err: unknown): FrontDoorLaunchError {
  if (err instanceof FrontDoorLaunchError) return err;
  return new FrontDoorLaunchError(`nginx: ${(err as Error).message}`, { cause: err });
}

interface NginxPlan {
  bin: string;
  runDir: string;
  contract: FrontDoorContract;
  dir: DirectorySnapshot;
  hosts: Map<string, string>;
  targets: HopTarget[];
  /** Mail through ngx_mail: the module, or why not. */
  mail: { on: boolean; modulePath: string | null; why: string };
}

/** Everything but the process: binary, run dir, contract, directory, targets, whether mail is on. */
async function planNginx(lab: Lab, o: LaunchOptions, opts: NginxFrontDoorOptions): Promise<NginxPlan> {
  const bin = opts.binary ?? findBinary('nginx');
  if (!bin) throw new FrontDoorLaunchError('nginx is not installed (apt-get install nginx libnginx-mod-mail)');
  const runDir = join(lab.stateDir, 'frontdoor-nginx');
  rmSync(runDir, { recursive: true, force: true });
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(runDir, 'tmp', d), { recursive: true });
  const contract = contractFor(lab, o, runDir);
  const dir = await fetchDirectory(contract.directoryUrl);
  const hosts = hostsMap(contract.hostsFile);
  const targets = siteTargets(dir, hosts);
  if (!targets.length) throw new FrontDoorLaunchError(`nginx: the front door's site ${dir.frontDoor.site} has no CAS in service to proxy to`);
  const wanted = opts.mail !== false && (opts.scope ?? ['mail']).includes('mail');
  const mailPorts = [contract.ports.imap, contract.ports.imaps, contract.ports.pop3, contract.ports.pop3s].some((p) => p > 0);
  const mod = !wanted ? { available: false, modulePath: null, why: opts.mail === false ? 'mail disabled by option' : 'this candidate fronts HTTP only' } : await nginxMailModule(bin);
  return { bin, runDir, contract, dir, hosts, targets, mail: { on: mod.available && mailPorts, modulePath: mod.modulePath, why: mailPorts ? mod.why : 'no mail ports in the contract' } };
}

/** nginx.conf for this plan, through slots (real values, or the template's placeholders). */
function renderNginx(p: NginxPlan, o: LaunchOptions, lab: Lab, slots: ConfigSlots, authUrl: string | null): string {
  const c = contractSlots(slots, { ...p.contract, healthIntervalMs: o.healthIntervalMs }, { http: true, mail: p.mail.on, health: false });
  return slots.finish(buildNginxConfig({
    runDir: c.runDir,
    listenAddress: c.listenAddress,
    ports: c.ports,
    serverNames: lab.topology.frontDoor.namespaces,
    certFile: c.certFile,
    keyFile: c.keyFile,
    caFile: c.caFile,
    targets: slotTargets(slots, p.targets),
    mail: p.mail.on && authUrl !== null
      ? {
        authUrl: slots.str('AUTH_HTTP_URL', authUrl, 'the auth_http service the harness runs for ngx_mail (checks the password, names the CAS)'),
        modulePath: p.mail.modulePath ? slots.str('NGINX_MAIL_MODULE', p.mail.modulePath, 'the ngx_mail module (load_module)') : null,
      }
      : null,
  }));
}

/** The nginx launcher (registered as `--front-door nginx`). */
export function createNginxFrontDoor(opts: NginxFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'nginx',
    scope: opts.scope ?? ['http', 'mail'],
    async printConfig(lab, o) {
      try {
        const p = await planNginx(lab, o, opts);
        const slots = new ConfigSlots('template');
        const text = renderNginx(p, o, lab, slots, p.mail.on ? 'http://127.0.0.1:<port>/auth (started per run)' : null);
        return templateHeader('nginx', slots) + text;
      } catch (err) {
        throw launchError(err);
      }
    },
    async start(lab, o): Promise<CandidateHandle> {
      const notes: string[] = [];
      const note = (l: string) => {
        notes.push(l);
        if (notes.length > 500) notes.shift();
      };
      let auth: NginxAuthService | null = null;
      try {
        const p = await planNginx(lab, o, opts);
        const { bin, runDir, contract, dir, hosts, targets } = p;
        note(`nginx: proxying to ${targets.map((t, i) => `${t.fqdn}${i ? ' (backup)' : ''}`).join(', ')}`);
        if (p.mail.on) auth = await startNginxAuth({ directoryUrl: contract.directoryUrl, servers: dir.servers, hosts, log: note });
        note(`nginx: mail ${auth ? `on (${p.mail.why}), auth_http ${auth.url}` : `off (${p.mail.why})`}`);
        const slots = new ConfigSlots('real');
        const generated = renderNginx(p, o, lab, slots, auth?.url ?? null);
        const filled = opts.configTemplate ? slots.fill(readTemplate(opts.configTemplate), opts.configTemplate) : generated;
        if (opts.configTemplate) note(`nginx: running the user's config template ${opts.configTemplate}`);
        const text = opts.editConfig ? opts.editConfig(filled) : filled;
        const conf = join(runDir, 'nginx.conf');
        writeFileSync(conf, text);
        const args = ['-p', `${runDir}/`, '-e', 'stderr', '-c', conf];
        const test = await runProcess(bin, ['-t', ...args], { timeoutMs: 15_000 });
        if (test.code !== 0) throw new FrontDoorLaunchError(`nginx rejected its configuration (${opts.configTemplate ? `from ${opts.configTemplate}, ` : ''}${conf}):\n${(test.stderr + test.stdout).trim() || test.spawnError || `exit ${test.code}`}`);
        const listen: Record<string, number> = auth ? { https: contract.ports.https, imap: contract.ports.imap, imaps: contract.ports.imaps, pop3: contract.ports.pop3, pop3s: contract.ports.pop3s } : { https: contract.ports.https };
        await assertPortsFree(contract.listenAddress, listen);
        const id = await productIdentity.nginx(bin);
        const handle = await spawnCandidate('nginx', 'nginx', bin, args, lab, o, runDir, { version: await nginxVersion(bin), configDigest: configDigest(text) });
        const service = auth;
        try {
          if (service) for (const port of [contract.ports.imap, contract.ports.imaps, contract.ports.pop3, contract.ports.pop3s].filter((x) => x > 0)) await waitForListening(contract.listenAddress, port, 5000, handle.exitReason);
        } catch (err) {
          await handle.stop();
          throw err;
        }
        return {
          ...handle,
          scope: service ? ['http', 'mail'] : ['http'],
          tlsLibrary: id.tlsLibrary,
          modules: id.modules,
          config: [{ name: 'nginx.conf', origin: opts.configTemplate ? `template ${opts.configTemplate}` : 'generated', text }],
          output: () => `${notes.join('\n')}\n${handle.output()}`,
          stop: async () => {
            await handle.stop();
            await service?.close();
          },
        };
      } catch (err) {
        await auth?.close();
        throw launchError(err);
      }
    },
  };
}
