/**
 * POP/IMAP target and method choice (001 "IMAP & POP Coexistence"): "If the incoming connection is over
 * an encrypted channel, CAS2013 will try to locate an SSL proxy target first, TLS next, plaintext lastly.
 * If the incoming connection is over a plaintext channel, CAS2013 will try to locate a plaintext proxy
 * target first, SSL next, TLS lastly."
 */
import { describe, expect, it } from 'vitest';
import { contosoView } from '../test-support/contoso-view.ts';
import { mailAttempts, methodOrder } from './mail-routes.ts';

const { view, user } = contosoView();

describe('methodOrder', () => {
  it('is SSL, TLS, plain for encrypted sessions and plain, SSL, TLS for plaintext ones', () => {
    expect(methodOrder(true)).toEqual(['ssl', 'tls', 'plain']);
    expect(methodOrder(false)).toEqual(['plain', 'ssl', 'tls']);
    expect(methodOrder(false, true)).toEqual(['tls', 'ssl', 'plain']);
  });
});

describe('mailAttempts (exchange2013: one connection)', () => {
  it('Blue on a plaintext session: the plaintext endpoint Site3 offers (cas2010a :1143)', () => {
    const a = mailAttempts(view, 'imap4', user('blue'), { clientEncrypted: false });
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ host: 'cas2010a.site3.contoso.lab', logicalPort: 1143, port: 21143, method: 'plain' });
  });
  it('Blue on an encrypted session: SSL on one of the two Site3 CAS2010', () => {
    const a = mailAttempts(view, 'pop3', user('blue'), { clientEncrypted: true });
    expect(a[0]!.method).toBe('ssl');
    expect(a[0]!.logicalPort).toBe(995);
    expect(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']).toContain(a[0]!.host);
  });
  it('Red on a plaintext session: no plaintext endpoint in Site1, so SSL (plain, SSL, TLS)', () => {
    expect(mailAttempts(view, 'imap4', user('red'), { clientEncrypted: false })[0]).toMatchObject({ host: 'cas2010.site1.contoso.lab', method: 'ssl', logicalPort: 993 });
  });
  it('Grey (2007, Site3): the CAS2007 of the site by FQDN', () => {
    expect(mailAttempts(view, 'imap4', user('grey'), { clientEncrypted: false })[0]).toMatchObject({ host: 'cas2007.site3.contoso.lab', method: 'plain' });
    expect(mailAttempts(view, 'imap4', user('purple'), { clientEncrypted: true })[0]).toMatchObject({ host: 'cas2007.site1.contoso.lab', method: 'ssl' });
  });
  it('the mail-wrong-site defect sends every mailbox to the front door\'s site (Site1), same method order', () => {
    expect(mailAttempts(view, 'imap4', user('blue'), { clientEncrypted: true, wrongSite: true })[0]).toMatchObject({ host: 'cas2010.site1.contoso.lab', method: 'ssl' });
    expect(mailAttempts(view, 'pop3', user('grey'), { clientEncrypted: true, wrongSite: true })[0]).toMatchObject({ host: 'cas2007.site1.contoso.lab', method: 'ssl' });
    expect(mailAttempts(view, 'pop3', user('orange'), { clientEncrypted: false, wrongSite: true })[0]!.server.site).toBe('Site1');
  });
  it('the mail-order-reversed defect changes the first choice', () => {
    expect(mailAttempts(view, 'imap4', user('blue'), { clientEncrypted: false, reversed: true })[0]!.method).toBe('tls');
  });
});

describe('mailAttempts (hardened)', () => {
  it('never carries an encrypted session on plaintext while SSL/TLS is offered, and lists fallbacks in order', () => {
    const a = mailAttempts(view, 'imap4', user('blue'), { clientEncrypted: true, hardened: true });
    expect(a.map((x) => x.method)).toEqual(['ssl', 'ssl', 'tls', 'tls']);
  });
  it('drops plaintext endpoints whose LoginType refuses plaintext login', () => {
    const { view: v2, user: u2 } = contosoView((servers) => {
      const s = servers.find((x) => x.fqdn === 'cas2010a.site3.contoso.lab')!;
      s.imap4.loginType = 'SecureLogin';
    });
    expect(mailAttempts(v2, 'imap4', u2('blue'), { clientEncrypted: false, hardened: true }).some((x) => x.method === 'plain')).toBe(false);
    expect(mailAttempts(v2, 'imap4', u2('blue'), { clientEncrypted: false })[0]!.method).toBe('plain');
  });
});
