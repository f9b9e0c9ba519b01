import { describe, expect, test } from 'vitest';
import { buildNginxConfig, type NginxConfigInput } from './nginx-config.ts';
import type { HopTarget } from '../shared/targets.ts';
import type { DirServer } from '../../harness/topology/directory-contract.ts';

const target = (fqdn: string, address: string, port: number, vdirs: string[]): HopTarget => ({
  fqdn, address, httpsPort: port, product: 2010, build: 'b', vdirs, imap4: [], pop3: [], server: { site: 'Site1' } as DirServer,
});
const input = (o: Partial<NginxConfigInput> = {}): NginxConfigInput => ({
  runDir: '/run/fd', listenAddress: '127.0.1.10', ports: { https: 8443, imap: 8143, imaps: 8993, pop3: 8110, pop3s: 8995 }, serverNames: ['mail.contoso.lab', 'autodiscover.contoso.lab'],
  certFile: '/c.crt', keyFile: '/c.key', caFile: '/ca.crt',
  targets: [target('cas2010.site1.lab', '127.0.1.11', 4001, ['owa', 'eas', 'ecp']), target('cas2007.site1.lab', '127.0.1.12', 4002, ['owa', 'eas'])],
  mail: null, ...o,
});

describe('buildNginxConfig', () => {
  test('one upstream per CAS; each vdir on the primary with the backup chained by error_page, Host and SNI per server', () => {
    const c = buildNginxConfig(input());
    expect(c).toContain('upstream cas2010_site1_lab {\n        server 127.0.1.11:4001;');
    expect(c).toContain('listen 127.0.1.10:8443 ssl default_server;');
    expect(c).toMatch(/location ~\* \^\/owa\(\/\|\$\) \{\n\s+proxy_pass https:\/\/cas2010_site1_lab;/);
    expect(c).toContain('error_page 502 504 = @owa_cas2007_site1_lab;');
    expect(c).toMatch(/location @owa_cas2007_site1_lab \{\n\s+proxy_pass https:\/\/cas2007_site1_lab;[^}]*proxy_ssl_name cas2007.site1.lab;\n\s+proxy_set_header Host cas2007.site1.lab;/);
    // ecp exists only on the 2010 server: no backup location, no error_page to nowhere
    expect(c).not.toContain('@ecp_');
    expect(c).not.toMatch(/\{\{|\}\}/);
    expect(c).not.toContain('mail {');
    expect(c).not.toContain('load_module');
  });
  test('EAS and Outlook Anywhere get 3650 s; Outlook Anywhere is not buffered', () => {
    const c = buildNginxConfig(input({ targets: [target('a.lab', '127.0.1.11', 1, ['eas', 'rpc'])] }));
    expect(c).toMatch(/Microsoft-Server-ActiveSync[^}]+proxy_read_timeout 3650s;/);
    expect(c).toMatch(/\^\/rpc[^}]+proxy_request_buffering off;/);
  });
  test('the mail block: auth_http, four listeners, load_module for a dynamic module', () => {
    const c = buildNginxConfig(input({ mail: { authUrl: 'http://127.0.0.1:9/auth', modulePath: '/usr/lib/nginx/modules/ngx_mail_module.so' } }));
    expect(c.startsWith('#')).toBe(true);
    expect(c).toContain('load_module /usr/lib/nginx/modules/ngx_mail_module.so;');
    expect(c).toContain('auth_http http://127.0.0.1:9/auth;');
    expect(c).toContain('listen 127.0.1.10:8993 ssl;');
    expect(c).toMatch(/listen 127.0.1.10:8143;\n\s+protocol imap;\n\s+starttls on;/);
    expect(c).toMatch(/listen 127.0.1.10:8995 ssl;\n\s+protocol pop3;\n\s+starttls off;/);
  });
  test('no target is an error', () => {
    expect(() => buildNginxConfig(input({ targets: [] }))).toThrow(/no hop target/);
  });
});
