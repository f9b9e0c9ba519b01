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
import { contractFor, spawnCandidate, waitForListening, type CandidateHandle, type FrontDoorLauncher } from '../launcher.ts';
import { FrontDoorLaunchError } from '../../errors.ts';
import { assertPortsFree, configDigest, fetchDirectory, findBinary, hostsMap, runProcess, siteTargets } from '../../../frontdoors/shared/index.ts';
import { buildNginxConfig } from '../../../frontdoors/nginx/nginx-config.ts';
import { startNginxAuth, type NginxAuthService } from './nginx-auth.ts';

export interface NginxFrontDoorOptions {
  /** nginx binary (default: found on PATH or /usr/sbin). */
  binary?: string;
  /** Serve IMAP4/POP3 through ngx_mail (default true when the module exists). */
  mail?: boolean;
  /** Amend the generated nginx.conf before it is tested and used (an admin's own tweaks; tests break it on purpose). */
  editConfig?: (text: string) => string;
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

/** The nginx launcher (registered as `--front-door nginx`). */
export function createNginxFrontDoor(opts: NginxFrontDoorOptions = {}): FrontDoorLauncher {
  return {
    name: 'nginx',
    async start(lab, o): Promise<CandidateHandle> {
      const bin = opts.binary ?? findBinary('nginx');
      if (!bin) throw new FrontDoorLaunchError('nginx is not installed (apt-get install nginx libnginx-mod-mail)');
      const runDir = join(lab.stateDir, 'frontdoor-nginx');
      rmSync(runDir, { recursive: true, force: true });
      for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(runDir, 'tmp', d), { recursive: true });
      const notes: string[] = [];
      const note = (l: string) => {
        notes.push(l);
        if (notes.length > 500) notes.shift();
      };
      let auth: NginxAuthService | null = null;
      try {
        const contract = contractFor(lab, o, runDir);
        const dir = await fetchDirectory(contract.directoryUrl);
        const hosts = hostsMap(contract.hostsFile);
        const targets = siteTargets(dir, hosts);
        if (!targets.length) throw new FrontDoorLaunchError(`nginx: the front door's site ${dir.frontDoor.site} has no CAS in service to proxy to`);
        note(`nginx: proxying to ${targets.map((t, i) => `${t.fqdn}${i ? ' (backup)' : ''}`).join(', ')}`);
        const mod = opts.mail === false ? { available: false, modulePath: null, why: 'mail disabled by option' } : await nginxMailModule(bin);
        const mailPorts = [contract.ports.imap, contract.ports.imaps, contract.ports.pop3, contract.ports.pop3s].some((p) => p > 0);
        if (mod.available && mailPorts) auth = await startNginxAuth({ directoryUrl: contract.directoryUrl, servers: dir.servers, hosts, log: note });
        note(`nginx: mail ${auth ? `on (${mod.why}), auth_http ${auth.url}` : `off (${mailPorts ? mod.why : 'no mail ports in the contract'})`}`);
        const generated = buildNginxConfig({
          runDir,
          listenAddress: contract.listenAddress,
          ports: contract.ports,
          serverNames: lab.topology.frontDoor.namespaces,
          certFile: contract.certFile,
          keyFile: contract.keyFile,
          caFile: contract.caFile,
          targets,
          mail: auth ? { authUrl: auth.url, modulePath: mod.modulePath } : null,
        });
        const text = opts.editConfig ? opts.editConfig(generated) : generated;
        const conf = join(runDir, 'nginx.conf');
        writeFileSync(conf, text);
        const args = ['-p', `${runDir}/`, '-e', 'stderr', '-c', conf];
        const test = await runProcess(bin, ['-t', ...args], { timeoutMs: 15_000 });
        if (test.code !== 0) throw new FrontDoorLaunchError(`nginx rejected its configuration (${conf}):\n${(test.stderr + test.stdout).trim() || test.spawnError || `exit ${test.code}`}`);
        const listen: Record<string, number> = auth ? { https: contract.ports.https, imap: contract.ports.imap, imaps: contract.ports.imaps, pop3: contract.ports.pop3, pop3s: contract.ports.pop3s } : { https: contract.ports.https };
        await assertPortsFree(contract.listenAddress, listen);
        const handle = await spawnCandidate('nginx', 'nginx', bin, args, lab, o, runDir, { version: await nginxVersion(bin), configDigest: configDigest(text) });
        const service = auth;
        try {
          if (service) for (const p of [contract.ports.imap, contract.ports.imaps, contract.ports.pop3, contract.ports.pop3s].filter((x) => x > 0)) await waitForListening(contract.listenAddress, p, 5000, handle.exitReason);
        } catch (err) {
          await handle.stop();
          throw err;
        }
        return {
          ...handle,
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
