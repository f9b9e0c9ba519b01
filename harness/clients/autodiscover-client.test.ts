/**
 * Autodiscover against the mock CAS2010 in Site1 directly (no front door). 001: "The Autodiscover
 * service on Exchange 2010 can process Autodiscover requests for both Exchange 2007 and Exchange 2010
 * mailboxes"; Blue gets mail, Purple legacy, Orange mail-region for EWS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from 'undici';
import { startLab, type Lab } from '../lab/lab.ts';
import { autodiscoverMobile, autodiscoverOutlook, outlookRequestBody } from './autodiscover-client.ts';

let lab: Lab;
let agent: Agent;
let url: string;
const user = (name: string) => lab.topology.users.find((u) => u.name === name)!;
const host = (u: string | undefined) => (u ? new URL(u).hostname : undefined);

beforeAll(async () => {
  lab = await startLab({ topology: 'contoso' });
  agent = lab.agent();
  url = `${lab.origin('cas2010.site1.contoso.lab')}/Autodiscover/Autodiscover.xml`;
});

afterAll(async () => {
  await agent?.close();
  await lab?.stop();
});

async function outlook(name: string) {
  const u = user(name);
  return autodiscoverOutlook(agent, url, u.email, u.samAccountName, u.password);
}

describe('Autodiscover client', () => {
  it('sends the POX request of PROTOCOL-FACTS', () => {
    expect(outlookRequestBody('red@contoso.lab')).toContain(
      '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>red@contoso.lab</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>',
    );
  });

  it('EWS URLs: Blue -> mail, Purple -> legacy, Orange -> mail-region; answers well-formed, Action settings', async () => {
    const [blue, purple, orange] = await Promise.all([outlook('Blue'), outlook('Purple'), outlook('Orange')]);
    for (const r of [blue, purple, orange]) {
      expect(r.status).toBe(200);
      expect(r.wellFormed).toBe(true);
      expect(r.action).toBe('settings');
    }
    expect(host(blue.ewsUrl)).toBe('mail.contoso.lab');
    expect(host(purple.ewsUrl)).toBe('legacy.contoso.lab');
    expect(host(orange.ewsUrl)).toBe('mail-region.contoso.lab');
    expect(host(orange.oabUrl)).toBe('mail-region.contoso.lab');
    expect(blue.protocols.map((p) => p.type)).toEqual(expect.arrayContaining(['EXCH', 'EXPR']));
  });

  it("Red's EXCH block names the 2010 SP2 RU1 mailbox server version", async () => {
    const red = await outlook('Red');
    const exch = red.protocols.find((p) => p.type === 'EXCH')!;
    expect(exch.server).toBe('mbx2010.site1.contoso.lab');
    expect(exch.serverVersion).toBe('7382811B');
    expect(red.displayName).toBe('Red');
  });

  it('mobile Autodiscover for Orange gives the mail-region EAS URL', async () => {
    const u = user('Orange');
    const m = await autodiscoverMobile(agent, url, u.email, u.samAccountName, u.password);
    expect(m.status).toBe(200);
    expect(m.wellFormed).toBe(true);
    expect(m.action).toBe('settings');
    expect(host(m.url)).toBe('mail-region.contoso.lab');
    expect(new URL(m.url!).pathname).toBe('/Microsoft-Server-ActiveSync');
  });

  it('wrong credentials: a 401 returned, the HTML body reported as not XML', async () => {
    const r = await autodiscoverOutlook(agent, url, 'red@contoso.lab', 'red', 'wrong');
    expect(r.status).toBe(401);
    expect(r.wellFormed).toBe(false);
    expect(r.action).toBeNull();
    expect(JSON.stringify(r.transcript)).not.toContain('wrong');
  });
});
