import { describe, expect, it } from 'vitest';
import { contosoView } from '../test-support/contoso-view.ts';
import { autodiscover2007, parseAutodiscoverRequest, serverVersionHex } from './autodiscover.ts';

describe('Autodiscover for 2007 mailboxes', () => {
  it('encodes ServerVersion as PROTOCOL-FACTS lists it', () => {
    expect(serverVersionHex('8.3.83.6')).toBe('72038053');
    expect(serverVersionHex('8.0.685.25')).toBe('720082AD');
    expect(serverVersionHex('14.2.283.3')).toBe('7382811B');
  });
  it('gives Purple and Grey EWS and OAB URLs on legacy (001 EWS 2, OAB 2, Notes) and Outlook Anywhere on mail', () => {
    const { view, user } = contosoView();
    for (const u of ['purple', 'grey']) {
      const xml = autodiscover2007(view, user(u), false);
      const expr = /<Type>EXPR<\/Type>(.*?)<\/Protocol>/.exec(xml)![1]!;
      expect(expr).toContain('<EwsUrl>https://legacy.contoso.lab:20443/EWS/Exchange.asmx</EwsUrl>');
      expect(expr).toContain('<OABUrl>https://legacy.contoso.lab:20443/OAB</OABUrl>');
      expect(expr).toContain('<Server>mail.contoso.lab</Server>');
    }
    expect(autodiscover2007(view, user('purple'), true)).toContain('<Url>https://mail.contoso.lab:20443/Microsoft-Server-ActiveSync</Url>');
  });
  it('reads the request', () => {
    expect(parseAutodiscoverRequest('<Request><EMailAddress>purple@contoso.lab</EMailAddress></Request>')).toEqual({ email: 'purple@contoso.lab', mobile: false });
    expect(parseAutodiscoverRequest('<x/>').email).toBeNull();
  });
});
