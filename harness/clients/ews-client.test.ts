/**
 * The EWS client against mock CAS servers directly (no front door): CAS2010 Site1 serving Red, and
 * CAS2007 Site1 applying 003's rules to Grey (mailbox in Site3): a request naming mailboxes in two
 * sites is refused "for any web services other than the Availability Service".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../lab/lab.ts';
import { findItemsForMailboxes, getFolder, getUserAvailability } from './ews-client.ts';

let lab: Lab;
let agent: Agent;
const user = (name: string) => lab.topology.users.find((u) => u.name === name)!;
const ews = (fqdn: string) => `${lab.origin(fqdn)}/EWS/Exchange.asmx`;

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  agent = lab.agent();
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

describe('EWS client', () => {
  it('Red GetFolder on CAS2010 Site1: ServerVersionInfo 14.2 (Exchange2010_SP2), NoError', async () => {
    const r = await getFolder(agent, ews('cas2010.site1.contoso.lab'), 'red', user('Red').password, { version: 'Exchange2010_SP2' });
    expect(r.status).toBe(200);
    expect(r.wellFormed).toBe(true);
    expect(r.serverVersion).toMatchObject({ majorVersion: 14, minorVersion: 2, version: 'Exchange2010_SP2' });
    expect(r.responseCodes).toEqual(['NoError']);
    expect(r.responseClasses).toEqual(['Success']);
    expect(JSON.stringify(r.transcript)).not.toContain(user('Red').password);
  });

  it('CAS2007: ServerVersionInfo without a Version attribute (PROTOCOL-FACTS)', async () => {
    const r = await getFolder(agent, ews('legacy.contoso.lab'), 'purple', user('Purple').password);
    expect(r.serverVersion?.majorVersion).toBe(8);
    expect(r.serverVersion?.version).toBeUndefined();
    expect(r.responseCodes).toEqual(['NoError']);
  });

  it('CAS2007 Site1 refuses a FindItem naming mailboxes in two sites, with ErrorProxyRequestNotAllowed', async () => {
    const r = await findItemsForMailboxes(agent, ews('legacy.contoso.lab'), 'grey', user('Grey').password, [user('Grey').email, user('Purple').email]);
    expect(r.status).toBe(500);
    expect(r.wellFormed).toBe(true);
    expect(r.responseCodes).toEqual(['ErrorProxyRequestNotAllowed']);
    expect(r.responseClasses).toEqual(['Error']);
  });

  it('CAS2007 Site1 proxies the same two mailboxes in an Availability request', async () => {
    const since = lab.journal.seq;
    const r = await getUserAvailability(agent, ews('legacy.contoso.lab'), 'grey', user('Grey').password, [user('Grey').email, user('Purple').email]);
    expect(r.status).toBe(200);
    expect(r.responseCodes).toEqual(['NoError']);
    expect(lab.journal.filter({ kind: 'hop', server: 'cas2007.site1.contoso.lab', protocol: 'ews' }, since)).toHaveLength(1);
  });

  it('wrong credentials: 401, returned, not thrown', async () => {
    const r = await getFolder(agent, ews('cas2010.site1.contoso.lab'), 'red', 'wrong');
    expect(r.status).toBe(401);
    expect(r.serverVersion).toBeUndefined();
    expect(r.responseCodes).toEqual([]);
  });
});
