/**
 * A composite candidate (issue 12): two products as one front door, `nginx+dovecot` or
 * `haproxy+dovecot` — HTTP to the first, IMAP4/POP3 to the second, both on the front door's address
 * (each binds only its own ports). They start in order and stop together; if one exits, the candidate
 * has exited. Its identity names both: `nginx/1.22.1 + Dovecot 2.3.19.1`, both config files, and each
 * product with what it fronts.
 * @example
 * const door = createCompositeFrontDoor('nginx+dovecot', [nginxLauncher, dovecotLauncher]);
 */
import type { CandidateHandle, FrontDoorLauncher } from './launcher.ts';
import { FrontDoorLaunchError } from '../errors.ts';
import { configDigest } from '../../frontdoors/shared/index.ts';
import type { Family } from '../../reports/types.ts';

export function createCompositeFrontDoor(name: string, parts: FrontDoorLauncher[]): FrontDoorLauncher {
  const scope = [...new Set(parts.flatMap((p) => p.scope ?? []))] as Family[];
  return {
    name,
    scope,
    async start(lab, o): Promise<CandidateHandle> {
      const started: CandidateHandle[] = [];
      try {
        for (const p of parts) started.push(await p.start(lab, o));
      } catch (err) {
        await Promise.allSettled(started.map((h) => h.stop()));
        throw new FrontDoorLaunchError(`${name}: ${(err as Error).message}`, { cause: err });
      }
      return combine(name, parts, started);
    },
    async printConfig(lab, o) {
      const texts: string[] = [];
      for (const p of parts) {
        if (!p.printConfig) throw new FrontDoorLaunchError(`${p.name} has no config to print`);
        texts.push(`# ===== ${p.name} (${(p.scope ?? []).join(', ')}) =====\n${await p.printConfig(lab, o)}`);
      }
      return texts.join('\n');
    },
  };
}

function combine(name: string, parts: FrontDoorLauncher[], hs: CandidateHandle[]): CandidateHandle {
  const [first] = hs as [CandidateHandle];
  const config = hs.flatMap((h) => h.config ?? []);
  const tls = hs.filter((h) => h.tlsLibrary).map((h) => `${h.name}: ${h.tlsLibrary}`);
  const agents = [...new Set(hs.flatMap((h) => h.healthCheckUserAgents ?? []))];
  return {
    name,
    version: hs.some((h) => h.version) ? hs.map((h) => h.version ?? `${h.name} (version unknown)`).join(' + ') : null,
    launcher: name,
    configDigest: hs.some((h) => h.configDigest) ? configDigest(...hs.map((h) => h.configDigest ?? '')) : null,
    address: first.address,
    ports: first.ports,
    scope: [...new Set(parts.flatMap((p) => p.scope ?? []))] as Family[],
    tlsLibrary: tls.length ? tls.join('; ') : null,
    modules: hs.flatMap((h) => (h.modules ?? []).map((m) => `${h.name}: ${m}`)),
    ...(config.length ? { config } : {}),
    components: hs.map((h, i) => ({
      name: h.name,
      version: h.version,
      scope: parts[i]!.scope ?? [],
      ...(h.tlsLibrary !== undefined ? { tlsLibrary: h.tlsLibrary } : {}),
      ...(h.modules ? { modules: h.modules } : {}),
    })),
    ...(agents.length ? { healthCheckUserAgents: agents } : {}),
    output: () => hs.map((h) => `===== ${h.name} =====\n${h.output()}`).join('\n'),
    exitReason: () => {
      for (const h of hs) {
        const r = h.exitReason();
        if (r) return `${h.name} (part of ${name}) exited: ${r}`;
      }
      return null;
    },
    stop: async () => {
      await Promise.allSettled(hs.map((h) => h.stop()));
    },
  };
}
