/**
 * The real-proxy launchers, registered by name for `--front-door <name>` (registry.ts imports this file),
 * each with what it can front (issue 12 scope) and whether it takes a `--config` template.
 */
import { registerLauncher } from './registry.ts';
import { createNginxFrontDoor } from './adapters/nginx.ts';
import { createHaproxyFrontDoor } from './adapters/haproxy.ts';
import { createApacheFrontDoor } from './adapters/apache.ts';
import { createCaddyFrontDoor } from './adapters/caddy.ts';
import { createDovecotFrontDoor } from './adapters/dovecot.ts';
import { createContainerFrontDoor } from './adapters/container.ts';

const template = (p?: string) => (p ? { configTemplate: p } : {});

// nginx and HAProxy front HTTP and mail (ngx_mail; HAProxy IMAPS/POP3S in mode tcp).
registerLauncher('nginx', (o) => createNginxFrontDoor({ scope: o.scope, ...template(o.configTemplate) }), { scope: ['http', 'mail'], configurable: true });
registerLauncher('haproxy', (o) => createHaproxyFrontDoor({ scope: o.scope, ...template(o.configTemplate) }), { scope: ['http', 'mail'], configurable: true });
// Apache and Caddy are HTTP reverse proxies; Dovecot is a mail proxy.
registerLauncher('apache', (o) => createApacheFrontDoor(template(o.configTemplate)), { scope: ['http'], configurable: true });
registerLauncher('caddy', (o) => createCaddyFrontDoor(template(o.configTemplate)), { scope: ['http'], configurable: true });
registerLauncher('dovecot', (o) => createDovecotFrontDoor(template(o.configTemplate)), { scope: ['mail'], configurable: true });
// A container image fronts what it says: `--scope` (default both).
registerLauncher('container', () => createContainerFrontDoor(process.env.CAS_FRONTDOOR_IMAGE ?? ''), { scope: ['http', 'mail'] });
