import { describe, expect, it } from 'vitest';
import { Journal } from '../journal/journal.ts';
import type { HttpEvent } from '../journal/events.ts';
import { CheckFailure } from './check.ts';
import { checkNoLegacyRelay, legacyRelays } from './no-relay.ts';

type Http = Omit<HttpEvent, 'seq' | 'time'>;

function http(o: Partial<Http>): Http {
  return {
    kind: 'http', server: 'cas2010.site1.contoso.lab', vdir: 'owa', method: 'GET', path: '/owa/', query: '', host: 'x', sni: null, scheme: 'https',
    localPort: 443, remoteAddress: '127.0.0.1', authScheme: null, user: 'blue', userAgent: null, cookies: [], setCookies: [], formFields: [], headers: {},
    status: 200, decision: 'served', durationMs: 1, ...o,
  };
}

describe('legacyRelays / checkNoLegacyRelay', () => {
  it('finds a legacy CAS that proxied the user\'s request on, keyed by user, vdir and target', () => {
    const j = new Journal();
    const since = j.seq;
    j.record(http({ server: 'cas2010a.site3.contoso.lab' }));
    j.record(http({ decision: 'proxied', target: 'cas2010a.site3.contoso.lab' }));
    j.record(http({ decision: 'proxied', target: 'cas2010a.site3.contoso.lab', user: 'cyan' }));
    j.record(http({ decision: 'proxied', target: 'https://cas2007.site3.contoso.lab/ews', vdir: 'ews' }));
    const w = { lab: { journal: j }, frontDoorMock: null };
    expect(legacyRelays(w, since, { user: 'blue' }).map((r) => r.target)).toEqual(['cas2010a.site3.contoso.lab', 'https://cas2007.site3.contoso.lab/ews']);
    expect(legacyRelays(w, since, { user: 'blue', vdir: 'owa' })).toHaveLength(1);
    expect(legacyRelays(w, since, { user: 'BLUE', targets: ['cas2007.site3.contoso.lab'] }).map((r) => r.vdir)).toEqual(['ews']);
    expect(legacyRelays(w, since, { user: 'red' })).toEqual([]);
    expect(() => checkNoLegacyRelay(w, since, { user: 'blue', vdir: 'owa' })).toThrow(CheckFailure);
    expect(() => checkNoLegacyRelay(w, since, { user: 'red' })).not.toThrow();
  });

  it('the front-door mock\'s own proxying (exchange2010/2007) is never a relay; events before the mark are not judged', () => {
    const j = new Journal();
    j.record(http({ decision: 'proxied', target: 'cas2010a.site3.contoso.lab' }));
    const since = j.seq;
    j.record(http({ server: 'frontdoor.site1.contoso.lab', decision: 'proxied', target: 'cas2010a.site3.contoso.lab' }));
    expect(legacyRelays({ lab: { journal: j }, frontDoorMock: 'frontdoor.site1.contoso.lab' }, since, { user: 'blue' })).toEqual([]);
  });
});
