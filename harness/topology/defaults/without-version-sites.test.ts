import { describe, expect, test } from 'vitest';
import { defaultTopologyDocument, parseTopology, withoutVersionSites } from '../index.ts';

describe('withoutVersionSites', () => {
  test('contoso loses Site4-* with their CAS, mailbox servers and users, and stays a valid topology with every seed role', () => {
    const full = defaultTopologyDocument('contoso');
    const doc = withoutVersionSites(full);
    expect(doc.sites.map((s) => s.name)).toEqual(['Site1', 'Site2', 'Site3']);
    expect(doc.servers.every((s) => !s.site.startsWith('Site4'))).toBe(true);
    expect(doc.servers.length).toBe(full.servers.length - 5);
    expect(doc.users.map((u) => u.name)).toEqual(['Red', 'Purple', 'Blue', 'Orange', 'Grey', 'Cyan']);
    expect(() => parseTopology(doc, doc.name)).not.toThrow();
    // the input is not changed
    expect(full.sites.length).toBe(doc.sites.length + 5);
  });

  test('contoso-2007 loses Ver-*; Hub, with one user per mailbox build, stays', () => {
    const doc = withoutVersionSites(defaultTopologyDocument('contoso-2007'));
    expect(doc.sites.map((s) => s.name)).toEqual(['USA', 'Europe', 'Hub']);
    expect(doc.users.map((u) => u.name)).toContain('User3');
    expect(doc.users.filter((u) => u.name.startsWith('Mailbox ')).length).toBe(4);
    expect(doc.users.some((u) => u.name.startsWith('Version '))).toBe(false);
    expect(() => parseTopology(doc, doc.name)).not.toThrow();
  });

  test('an organisation without those sites comes back unchanged', () => {
    const own = { ...defaultTopologyDocument('contoso'), name: 'fabrikam' };
    own.sites = own.sites.filter((s) => !s.name.startsWith('Site4'));
    own.servers = own.servers.filter((s) => !s.site.startsWith('Site4'));
    own.mailboxServers = own.mailboxServers.filter((m) => !m.site.startsWith('Site4'));
    own.users = own.users.filter((u) => !u.name.startsWith('Version'));
    expect(withoutVersionSites(own)).toEqual(own);
  });
});
