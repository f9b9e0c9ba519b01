import { describe, expect, it } from 'vitest';
import { parseApacheM, parseCaddyBuildInfo, parseDovecotBuildOptions, parseHaproxyVV, parseNginxV } from './product-identity.ts';

// Output captured from Debian 12's packages.
describe('product identity parsers', () => {
  it('nginx -V: OpenSSL and the modules', () => {
    const id = parseNginxV('nginx version: nginx/1.22.1\nbuilt with OpenSSL 3.0.15 3 Sep 2024\nTLS SNI support enabled\nconfigure arguments: --with-cc-opt=\'-g\' --with-http_ssl_module --with-http_v2_module --with-mail=dynamic --with-mail_ssl_module --with-stream=dynamic\n');
    expect(id.tlsLibrary).toBe('OpenSSL 3.0.15 3 Sep 2024');
    expect(id.modules).toEqual(['http_ssl_module', 'http_v2_module', 'mail (dynamic)', 'mail_ssl_module', 'stream (dynamic)']);
    expect(parseNginxV('built with OpenSSL 3.0.2 15 Mar 2022 (running with OpenSSL 3.0.15 3 Sep 2024)\n').tlsLibrary).toBe('OpenSSL 3.0.2 15 Mar 2022 (running with OpenSSL 3.0.15 3 Sep 2024)');
  });

  it('haproxy -vv: built and running OpenSSL, enabled features', () => {
    const text = 'Feature list : -51DEGREES +ACCEPT4 +EPOLL -KQUEUE +OPENSSL\nBuilt with OpenSSL version : OpenSSL 3.0.15 3 Sep 2024\nRunning on OpenSSL version : OpenSSL 3.0.15 3 Sep 2024\n';
    expect(parseHaproxyVV(text)).toEqual({ tlsLibrary: 'OpenSSL 3.0.15 3 Sep 2024', modules: ['ACCEPT4', 'EPOLL', 'OPENSSL'] });
    expect(parseHaproxyVV('Built with OpenSSL version : OpenSSL 3.0.2\nRunning on OpenSSL version : OpenSSL 3.0.15\n').tlsLibrary).toBe('OpenSSL 3.0.2 (running on OpenSSL 3.0.15)');
  });

  it('apache2 -M: loaded modules, no TLS library claimed', () => {
    expect(parseApacheM('Loaded Modules:\n core_module (static)\n so_module (static)\n ssl_module (shared)\n')).toEqual({ tlsLibrary: null, modules: ['core_module (static)', 'so_module (static)', 'ssl_module (shared)'] });
  });

  it('caddy build-info: Go crypto/tls of its Go release', () => {
    expect(parseCaddyBuildInfo('go\tgo1.19.8\npath\tgithub.com/caddyserver/caddy/v2/cmd/caddy\n').tlsLibrary).toBe('Go crypto/tls (go1.19.8)');
  });

  it('dovecot --build-options: the SSL driver without a version, and the drivers', () => {
    const id = parseDovecotBuildOptions('Build options: ioloop=epoll notify=inotify openssl io_block_size=8192\nPassdb: passwd-file pam\nUserdb: static\n');
    expect(id).toEqual({ tlsLibrary: 'OpenSSL (SSL driver; version not reported)', modules: ['passdb passwd-file', 'passdb pam', 'userdb static'] });
  });
});
