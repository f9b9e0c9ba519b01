/** The shared request URLs: one parse per Host and target, distinct per Host, bounded. */
import { describe, expect, it } from 'vitest';
import { keptUrls, MAX_KEY, MAX_URLS, parsedUrl } from './request-url.ts';

describe('parsedUrl', () => {
  it('parses a target once per Host, and keeps Hosts apart', () => {
    const a = parsedUrl('mail.contoso.lab', '/EWS/Exchange.asmx?x=1');
    expect(parsedUrl('mail.contoso.lab', '/EWS/Exchange.asmx?x=1')).toBe(a);
    expect([a.pathname, a.search, a.host]).toEqual(['/EWS/Exchange.asmx', '?x=1', 'mail.contoso.lab']);
    const b = parsedUrl('autodiscover.contoso.lab:8443', '/EWS/Exchange.asmx?x=1');
    expect(b).not.toBe(a);
    expect(b.host).toBe('autodiscover.contoso.lab:8443');
  });

  it('resolves dot segments and absolute targets as URL does, and throws where URL throws', () => {
    expect(parsedUrl('mail.contoso.lab', '/owa/../ews/x').pathname).toBe('/ews/x');
    expect(parsedUrl('mail.contoso.lab', 'https://other.example/owa/').hostname).toBe('other.example');
    expect(() => parsedUrl('mail.contoso.lab', 'http://[bad')).toThrow();
  });

  it('keeps at most MAX_URLS, and none longer than MAX_KEY', () => {
    for (let i = 0; i < MAX_URLS + 10; i++) parsedUrl('bound.contoso.lab', `/eas?n=${i}`);
    expect(keptUrls()).toBeLessThanOrEqual(MAX_URLS);
    const long = `/owa/?${'q'.repeat(MAX_KEY)}`;
    expect(parsedUrl('mail.contoso.lab', long)).not.toBe(parsedUrl('mail.contoso.lab', long));
  });
});
