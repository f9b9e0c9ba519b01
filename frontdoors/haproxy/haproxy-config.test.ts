import { describe, expect, test } from 'vitest';
import { buildHaproxyConfig, type HaproxyConfigInput } from './haproxy-config.ts';
import type { HopTarget } from '../shared/targets.ts';
import type { DirServer } from '../../harness/topology/directory-contract.ts';

const ssl = (host: string, labPort: number) => ({ host, port: 993, method: 'ssl' as const, setting: `${host}:993:SSL`, labPort, address: '127.0.1.11' });
const target = (fqdn: string, address: string, port: number, vdirs: string[], imaps: number): HopTarget => ({
  fqdn, address, httpsPort: port, product: 2010, build: 'b', vdirs, imap4: [ssl(fqdn, imaps), { ...ssl(fqdn, 1), method: 'tls' }], pop3: [], server: {} as DirServer,
});
const input = (o: Partial<HaproxyConfigInput> = {}): HaproxyConfigInput => ({
  listenAddress: '127.0.1.10', ports: { https: 8443, imap: 8143, imaps: 8993, pop3: 8110, pop3s: 8995 }, pemFile: '/fd.pem', caFile: '/ca.crt', checkIntervalMs: 1000,
  targets: [target('cas2010.site1.lab', '127.0.1.11', 4001, ['owa', 'eas', 'rpc', 'ecp'], 5993), target('cas2007.site1.lab', '127.0.1.12', 4002, ['owa', 'eas', 'rpc'], 6993)],
  mail: false, ...o,
});

describe('buildHaproxyConfig', () => {
  test('one backend per vdir by path_beg -i, primary plus backup, verified TLS with SNI', () => {
    const c = buildHaproxyConfig(input());
    expect(c).toContain('bind 127.0.1.10:8443 ssl crt /fd.pem');
    expect(c).toContain('acl is_eas path_beg -i /Microsoft-Server-ActiveSync\n    use_backend be_eas if is_eas');
    expect(c).toContain('server cas2010.site1.lab 127.0.1.11:4001 ssl verify required ca-file /ca.crt sni str(cas2010.site1.lab) check check-sni cas2010.site1.lab\n');
    expect(c).toContain('server cas2007.site1.lab 127.0.1.12:4002 ssl verify required ca-file /ca.crt sni str(cas2007.site1.lab) check check-sni cas2007.site1.lab backup\n');
    expect(c).toContain('default-server inter 1000ms fall 2 rise 2');
    expect(c).not.toContain('be_ews'); // no target has it
    expect(c).not.toMatch(/\{\{|\}\}/);
  });
  test('checks that work on 2007/2010 (never the 2013-only HealthCheck.htm), EAS with timeout server 3650s', () => {
    const c = buildHaproxyConfig(input());
    expect(c).toMatch(/backend be_owa[\s\S]*?http-check send meth GET uri \/owa\/ ver HTTP\/1\.1[^\n]*\n\s+http-check expect status 302/);
    expect(c).toMatch(/backend be_rpc[\s\S]*?http-check send meth RPC_IN_DATA uri \/rpc\/rpcproxy\.dll[^\n]*\n\s+http-check expect status 401/);
    expect(c).toMatch(/backend be_eas\n[\s\S]*?timeout server 3650s/);
    expect(c).not.toMatch(/uri \S*HealthCheck\.htm/i);
    // ecp only on the 2010 server: no backup line there
    expect(c).toMatch(/backend be_ecp[\s\S]*?server cas2010\.site1\.lab [^\n]*\n(?!\s+server)/);
  });
  test('Location from a CAS origin is turned into a front-door path', () => {
    const c = buildHaproxyConfig(input());
    expect(c).toContain('http-response replace-header Location ^https?://(cas2010[.]site1[.]lab|cas2007[.]site1[.]lab)(:[0-9]+)?(/.*)?$ \\3');
  });
  test('mail: IMAPS/POP3S frontends in mode tcp re-encrypting to the SSL endpoints only', () => {
    const c = buildHaproxyConfig(input({ mail: true }));
    expect(c).toMatch(/frontend fe_imaps\n\s+mode tcp[\s\S]*?bind 127.0.1.10:8993 ssl crt \/fd.pem/);
    expect(c).toContain('server cas2010.site1.lab 127.0.1.11:5993 ssl verify required ca-file /ca.crt sni str(cas2010.site1.lab)\n');
    expect(c).not.toContain('fe_pop3s'); // no target offers POP3 over SSL here
    expect(c).not.toContain(':8143');
  });
});
