import { describe, expect, it } from 'vitest';
import { candidateScope, configTemplates, resolveLauncher } from './registry.ts';
import './adapters.ts';
import { commandName } from './launcher.ts';
import { outOfScopeReason, parseScope, ruleInScope } from './scope.ts';

describe('candidate scope (issue 12)', () => {
  it('takes what each adapter declares', () => {
    expect(candidateScope('nginx')).toEqual(['http', 'mail']);
    expect(candidateScope('apache')).toEqual(['http']);
    expect(candidateScope('caddy')).toEqual(['http']);
    expect(candidateScope('dovecot')).toEqual(['mail']);
    expect(candidateScope('reference')).toEqual(['http', 'mail']);
  });

  it('lets --scope narrow an adapter, and declare a command or url candidate', () => {
    expect(candidateScope('nginx', ['http'])).toEqual(['http']);
    expect(candidateScope('command:node door.mjs', ['mail'])).toEqual(['mail']);
    expect(candidateScope('url:https://127.0.0.1:8443')).toEqual(['http', 'mail']);
    expect(() => candidateScope('apache', ['mail'])).toThrow(/--scope mail: apache fronts HTTP only/);
  });

  it('makes a composite of an HTTP product and a mail product', () => {
    expect(candidateScope('nginx+dovecot')).toEqual(['http', 'mail']);
    expect(candidateScope('haproxy+dovecot', ['http'])).toEqual(['http']);
    expect(() => candidateScope('dovecot+nginx')).toThrow(/dovecot cannot front HTTP/);
    expect(() => candidateScope('nginx+apache')).toThrow(/apache cannot front mail/);
    expect(() => candidateScope('nginx+dovecot+caddy')).toThrow(/<http product>\+<mail product>/);
    expect(() => candidateScope('nginx+bogus')).toThrow(/unknown front door "bogus"/);
  });

  it('resolves a composite into one launcher fronting both families, configs per product', () => {
    const l = resolveLauncher('nginx+dovecot', { config: { nginx: '/tmp/my-nginx.conf' } });
    expect(l.name).toBe('nginx+dovecot');
    expect(l.scope).toEqual(['http', 'mail']);
    expect(typeof l.printConfig).toBe('function');
    expect(() => resolveLauncher('nginx+dovecot', { config: { apache: '/tmp/x' } })).toThrow(/has no product apache/);
    expect(() => resolveLauncher('command:node x.mjs', { config: { command: '/tmp/x' } })).toThrow(/--config applies to the real-proxy adapters/);
    expect(resolveLauncher('haproxy+dovecot', { scope: ['mail'] }).name).toBe('haproxy+dovecot');
  });

  it('parses --scope and words the n/a reason', () => {
    expect(parseScope('mail, http')).toEqual(['http', 'mail']);
    expect(() => parseScope('smtp')).toThrow(/--scope must be http, mail or http,mail/);
    expect(outOfScopeReason(['http'])).toBe('out of scope: this candidate fronts HTTP only');
    expect(outOfScopeReason(['mail'])).toBe('out of scope: this candidate fronts mail (IMAP4/POP3) only');
    expect(ruleInScope(['http', 'mail'], ['mail'])).toBe(true);
    expect(ruleInScope(['mail'], ['http'])).toBe(false);
    expect(ruleInScope(['mail'], undefined)).toBe(true);
  });
});

describe('commandName', () => {
  it.each([
    ['node test/controls/candidates/ok200.mjs', 'ok200.mjs'],
    ['node --import tsx ./my-door.ts --port 1', 'my-door.ts'],
    ['/opt/door/bin/frontdoor --verbose', 'frontdoor'],
    ['PORT=1 python3 -m door', 'door'],
    ['sh -c "exec ./run.sh"', 'run.sh'],
    ['node', 'node'],
  ])('%s -> %s', (cmd, name) => {
    expect(commandName(cmd)).toBe(name);
  });
});

describe('configTemplates (--config)', () => {
  const exists = () => true;
  it('gives a plain FILE to the single product, product=FILE to a composite part', () => {
    expect(configTemplates('nginx', ['./my.conf'], '/home/u', exists)).toEqual({ nginx: '/home/u/my.conf' });
    expect(configTemplates('nginx+dovecot', ['dovecot=/etc/d.conf', 'nginx=n.conf'], '/w', exists)).toEqual({ dovecot: '/etc/d.conf', nginx: '/w/n.conf' });
  });
  it('refuses an ambiguous or missing template', () => {
    expect(() => configTemplates('nginx+dovecot', ['./my.conf'], '/w', exists)).toThrow(/say which config this is: --config nginx=FILE/);
    expect(() => configTemplates('nginx', ['./nope.conf'], '/w', () => false)).toThrow(/no such file \/w\/nope\.conf/);
    expect(() => configTemplates('nginx', ['a.conf', 'b.conf'], '/w', exists)).toThrow(/two templates for nginx/);
  });
});
