/**
 * The exchange2013 HTTP decisions of seed 001 (second half), user by user, on the `contoso` directory.
 */
import { describe, expect, it } from 'vitest';
import { contosoView } from '../test-support/contoso-view.ts';
import { AffinityTable } from './affinity.ts';
import { decide, hopTarget, pickServer, type HttpDecision } from './http-routes.ts';

const { view, user, server } = contosoView();
const fqdns = (d: HttpDecision) => (d.kind === 'proxy' ? d.pool.map((s) => s.fqdn) : []);

describe('Autodiscover', () => {
  it('proxies 2010 mailboxes to a CAS2010 of the mailbox site (001 Autodiscover 1)', () => {
    expect(fqdns(decide(view, 'autodiscover', user('red')))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(decide(view, 'autodiscover', user('blue')))).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
    expect(fqdns(decide(view, 'autodiscover', user('orange')))).toEqual(['cas2010.site2.contoso.lab']);
  });
  it('answers 2007 mailboxes itself (001 Autodiscover 2), unless the defect says otherwise', () => {
    expect(decide(view, 'autodiscover', user('purple')).kind).toBe('autodiscover-local');
    expect(decide(view, 'autodiscover', user('grey')).kind).toBe('autodiscover-local');
    expect(fqdns(decide(view, 'autodiscover', user('grey'), { defects: new Set(['autodiscover-proxy-2007']) }))).toEqual(['cas2007.site3.contoso.lab']);
  });
});

describe('Outlook Anywhere and EWS', () => {
  it('goes to the CAS of the mailbox version in the mailbox site (001 External Outlook Connectivity 1-3)', () => {
    expect(fqdns(decide(view, 'rpc', user('red')))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(decide(view, 'rpc', user('purple')))).toEqual(['cas2007.site1.contoso.lab']);
    expect(fqdns(decide(view, 'rpc', user('blue')))).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
  });
  it('EWS: Red Site1, Blue Site3, Orange Site2, 2007 mailboxes their site CAS2007 by FQDN', () => {
    expect(fqdns(decide(view, 'ews', user('red')))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(decide(view, 'ews', user('orange')))).toEqual(['cas2010.site2.contoso.lab']);
    const grey = decide(view, 'ews', user('grey'));
    expect(fqdns(grey)).toEqual(['cas2007.site3.contoso.lab']);
    expect(grey.kind === 'proxy' && grey.via).toBe('fqdn');
  });
  it('OAB goes to a web distribution point of the front door site, the mailbox version first', () => {
    expect(fqdns(decide(view, 'oab', user('blue')))).toEqual(['cas2010.site1.contoso.lab']);
  });
  it('the eas-local-site defect sends EAS to the front door\'s site (Blue to CAS2010 Site1, Grey to CAS2007 Site1)', () => {
    const defects = new Set(['eas-local-site'] as const);
    expect(fqdns(decide(view, 'eas', user('blue'), { defects }))).toEqual(['cas2010.site1.contoso.lab']);
    const grey = decide(view, 'eas', user('grey'), { defects });
    expect(fqdns(grey)).toEqual(['cas2007.site1.contoso.lab']);
    expect(grey.kind === 'proxy' && grey.via).toBe('internal-url');
  });
  it('the ews-local-site and oab-mailbox-site defects swap the sites of EWS and OAB', () => {
    const defects = new Set(['ews-local-site', 'oab-mailbox-site'] as const);
    expect(fqdns(decide(view, 'ews', user('blue'), { defects }))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(decide(view, 'ews', user('grey'), { defects }))).toEqual(['cas2007.site1.contoso.lab']);
    expect(fqdns(decide(view, 'oab', user('blue'), { defects }))).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
  });
});

describe('OWA', () => {
  it('proxies Red (local site) and Blue (site without OWA ExternalURL)', () => {
    expect(fqdns(decide(view, 'owa', user('red')))).toEqual(['cas2010.site1.contoso.lab']);
    expect(fqdns(decide(view, 'owa', user('blue')))).toEqual(['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab']);
  });
  it('silently redirects Orange to mail-region and Purple and Grey to legacy, at the lab ports', () => {
    const orange = decide(view, 'owa', user('orange'));
    expect(orange).toMatchObject({ kind: 'silent-redirect', url: 'https://mail-region.contoso.lab:20443/owa' });
    expect(decide(view, 'owa', user('purple'))).toMatchObject({ kind: 'silent-redirect', url: 'https://legacy.contoso.lab:20443/owa' });
    expect(decide(view, 'owa', user('grey'))).toMatchObject({ kind: 'silent-redirect', url: 'https://legacy.contoso.lab:20443/owa' });
  });
});

describe('EAS', () => {
  it('never answers 451: Orange with a listed device type is proxied to Site2 (001)', () => {
    const d = decide(view, 'eas', user('orange'), { deviceType: 'WindowsPhone' });
    expect(d.kind).toBe('proxy');
    expect(fqdns(d)).toEqual(['cas2010.site2.contoso.lab']);
  });
  it('the eas-451 defect answers 451 with the mail-region location', () => {
    expect(decide(view, 'eas', user('orange'), { deviceType: 'WindowsPhone', defects: new Set(['eas-451']) })).toMatchObject({
      kind: 'eas-451', location: 'https://mail-region.contoso.lab:20443/Microsoft-Server-ActiveSync',
    });
  });
  it('2007 mailboxes go to the CAS2007 EAS InternalURL host of their site (EAS-05)', () => {
    const d = decide(view, 'eas', user('purple'));
    expect(d.kind === 'proxy' && d.via).toBe('internal-url');
    const t = hopTarget(server('cas2007.site1.contoso.lab'), 'eas', 'internal-url');
    expect(t).toMatchObject({ host: 'cas2007-int.site1.contoso.lab', port: 20443, scheme: 'https' });
  });
  it('hops go by FQDN on the server real HTTPS port; the defects change that', () => {
    expect(hopTarget(server('cas2010.site1.contoso.lab'), 'eas', 'fqdn')).toMatchObject({ origin: 'https://cas2010.site1.contoso.lab:20443' });
    expect(hopTarget(server('cas2007.site1.contoso.lab'), 'ews', 'internal-url')).toMatchObject({ host: 'cas2007-int.site1.contoso.lab' });
    expect(hopTarget(server('cas2010.site1.contoso.lab'), 'eas', 'fqdn', new Set(['plain-http-hop'])).scheme).toBe('http');
  });
});

describe('pickServer', () => {
  const pool = [server('cas2010a.site3.contoso.lab'), server('cas2010b.site3.contoso.lab')];
  it('keeps a user on one CAS while it is up and moves when it is down', () => {
    const affinity = new AffinityTable();
    const down = new Set<string>();
    const ctx = { isUp: (f: string) => !down.has(f), affinity };
    const first = pickServer(pool, 'owa', 'blue', ctx)!.fqdn;
    for (let i = 0; i < 5; i++) expect(pickServer(pool, 'owa', 'blue', ctx)!.fqdn).toBe(first);
    down.add(first);
    const second = pickServer(pool, 'owa', 'blue', ctx)!.fqdn;
    expect(second).not.toBe(first);
    down.clear();
    expect(pickServer(pool, 'owa', 'blue', ctx)!.fqdn).toBe(second);
    down.add(pool[0]!.fqdn).add(pool[1]!.fqdn);
    expect(pickServer(pool, 'owa', 'blue', ctx)).toBeUndefined();
  });
  it('never picks an IsOutOfService CAS, unless the defect says so', () => {
    const { view: v2 } = contosoView((s) => (s.find((x) => x.fqdn === 'cas2010a.site3.contoso.lab')!.isOutOfService = true));
    const p2 = v2.servers.filter((s) => s.site === 'Site3' && s.product === 2010);
    for (let i = 0; i < 20; i++) expect(pickServer(p2, 'ews', `user${i}`, { isUp: () => true, affinity: new AffinityTable() })!.fqdn).toBe('cas2010b.site3.contoso.lab');
    const seen = new Set(Array.from({ length: 20 }, (_, i) => pickServer(p2, 'ews', `user${i}`, { isUp: () => true, affinity: new AffinityTable(), ignoreOutOfService: true })!.fqdn));
    expect(seen.has('cas2010a.site3.contoso.lab')).toBe(true);
  });
  it('EAS affinity is per device: two devices of one user may land apart, each stays put', () => {
    const affinity = new AffinityTable();
    const ctx = { isUp: () => true, affinity };
    const picks = Array.from({ length: 16 }, (_, i) => pickServer(pool, 'eas', `device:D${i}`, ctx)!.fqdn);
    expect(new Set(picks).size).toBe(2);
    picks.forEach((p, i) => expect(pickServer(pool, 'eas', `device:D${i}`, ctx)!.fqdn).toBe(p));
  });
});
