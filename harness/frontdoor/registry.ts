/**
 * `--front-door` values to launchers: `reference`, `command:<cmd>`, `url:<https://host:port>`, and the
 * real proxies registered by frontdoors/ adapters (nginx, haproxy, apache, caddy, dovecot, container).
 */
import { FrontDoorLaunchError } from '../errors.ts';
import { createCommandFrontDoor, createReferenceFrontDoor, createUrlFrontDoor, type FrontDoorLauncher } from './launcher.ts';

const named = new Map<string, () => FrontDoorLauncher>([['reference', createReferenceFrontDoor]]);

/** Adapters register themselves here (harness/frontdoor/adapters.ts lists them). */
export function registerLauncher(name: string, make: () => FrontDoorLauncher): void {
  named.set(name, make);
}

export function knownLaunchers(): string[] {
  return [...named.keys(), 'command:<cmd>', 'url:<https://host:port>'];
}

export function resolveLauncher(spec: string): FrontDoorLauncher {
  if (spec.startsWith('command:')) return createCommandFrontDoor(spec.slice('command:'.length).replace(/^"|"$/g, ''));
  if (spec.startsWith('url:')) return createUrlFrontDoor(spec.slice('url:'.length));
  const make = named.get(spec);
  if (!make) throw new FrontDoorLaunchError(`unknown front door "${spec}" (known: ${knownLaunchers().join(', ')})`);
  return make();
}
