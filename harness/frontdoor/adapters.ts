/**
 * The real-proxy launchers, registered by name for `--front-door <name>` (registry.ts imports this file).
 */
import { registerLauncher } from './registry.ts';
import { createNginxFrontDoor } from './adapters/nginx.ts';
registerLauncher('nginx', createNginxFrontDoor);
import { createHaproxyFrontDoor } from './adapters/haproxy.ts';
registerLauncher('haproxy', createHaproxyFrontDoor);
import { createApacheFrontDoor } from './adapters/apache.ts';
registerLauncher('apache', createApacheFrontDoor);
import { createCaddyFrontDoor } from './adapters/caddy.ts';
registerLauncher('caddy', createCaddyFrontDoor);
import { createDovecotFrontDoor } from './adapters/dovecot.ts';
registerLauncher('dovecot', createDovecotFrontDoor);
import { createContainerFrontDoor } from './adapters/container.ts';
registerLauncher('container', () => createContainerFrontDoor(process.env.CAS_FRONTDOOR_IMAGE ?? ''));
