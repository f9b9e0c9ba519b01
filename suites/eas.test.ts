/**
 * EAS — Exchange ActiveSync through the front door (RULES.md "EAS"). Expectations are written here from
 * the seeds, user by user (the oracle rule): which mock CAS must see the device's request, or what
 * status the device must get.
 */
import { describe } from 'vitest';
import { rule } from './support/rule.ts';
import { easDevice } from './support/eas.ts';
import { check, hops, userRequests, waitForRequest, hostName } from '../harness/verify/check.ts';
import type { World } from './support/world.ts';

/**
 * "proxied to X" means the front door proxied it: X must not have received it from another legacy CAS
 * relaying it (a front door that hands everything to one CAS of its site, which then proxies on, is not
 * proxying to the mailbox's site itself). Hops the front-door mock makes (2010/2007 profiles) are its own.
 */
function checkNoLegacyRelay(w: World, since: number): void {
  const relays = hops(w.lab.journal, since).filter((h) => h.server !== w.frontDoorMock);
  check(relays.length === 0, 'the front door itself reaches the target CAS (no legacy CAS relays the request)', relays.map((h) => `${h.server} relayed to ${h.url}`).join('\n'));
}

// 001 Figure 1/2: the servers of each site, as the seed's users reach them.
const CAS2010_SITE1 = 'cas2010.site1.contoso.lab';
const CAS2010_SITE2 = 'cas2010.site2.contoso.lab';
const CAS2010_SITE3 = ['cas2010a.site3.contoso.lab', 'cas2010b.site3.contoso.lab'];
const CAS2007_EAS_INTERNAL = { Purple: 'cas2007-int.site1.contoso.lab', Grey: 'cas2007-int.site3.contoso.lab' } as const;
// 003: the Hub site's CAS behind NLBname; 2007 profile front door at www.usa.
const HUB = ['cas-03.hub.contoso.lab', 'cas-04.hub.contoso.lab', 'cas-05.hub.contoso.lab'];
const MAIL_REGION_EAS = 'https://mail-region.contoso.lab/Microsoft-Server-ActiveSync';

describe('EAS', () => {
  rule('EAS-01', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    t.expect(`451 with X-MS-Location ${MAIL_REGION_EAS}, and no request for Orange reaching any other CAS`);
    const dev = easDevice(w, 'Orange', 'WindowsPhone', { followLocation: false });
    const r = await dev.options();
    t.client(dev.transcript);
    const loc = r.headers['x-ms-location'];
    t.observe(`status ${r.status}, X-MS-Location ${loc ?? '(none)'}`);
    check(r.status === 451, 'status 451', `status ${r.status}`);
    const u = new URL(String(loc));
    check(u.hostname === 'mail-region.contoso.lab' && u.pathname === '/Microsoft-Server-ActiveSync', `X-MS-Location ${MAIL_REGION_EAS}`, `X-MS-Location ${loc}`);
    const leaked = userRequests(w.lab.journal, since, (e) => e.user === 'orange' && e.server !== w.frontDoorMock && e.vdir === 'eas');
    check(leaked.length === 0 && hops(w.lab.journal, since).length === 0, 'no hop to another CAS', leaked.map((e) => e.server).join(', '));
  });

  rule('EAS-02', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    t.expect(`a device type off the 451 list is proxied: ${CAS2010_SITE2} receives Orange's request; the device gets 200`);
    const dev = easDevice(w, 'Orange', 'SmartPhone'); // stays on the front door's namespace: "proxied" (RULES.md)
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(`status ${r.status}`);
    check(r.status === 200, 'status 200', `status ${r.status}`);
    await waitForRequest(w.lab.journal, since, (e) => e.server === CAS2010_SITE2 && e.vdir === 'eas' && e.user === 'orange', `Orange's EAS request at ${CAS2010_SITE2}`);
    checkNoLegacyRelay(w, since);
  });

  rule('EAS-03', {}, async (t) => {
    const w = await t.world();
    t.expect(`Orange with a listed (WindowsPhone) and an unlisted (SmartPhone) device: never 451, both proxied to ${CAS2010_SITE2}`);
    for (const type of ['WindowsPhone', 'SmartPhone']) {
      const since = w.mark();
      const dev = easDevice(w, 'Orange', type, { followLocation: false });
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${type}: status ${r.status}`);
      check(r.status !== 451, `${type}: not 451`, `${type}: 451 X-MS-Location ${r.headers['x-ms-location']}`);
      check(r.status === 200, `${type}: 200`, `${type}: ${r.status}`);
      await waitForRequest(w.lab.journal, since, (e) => e.server === CAS2010_SITE2 && e.vdir === 'eas' && e.user === 'orange', `${type}: Orange's request at ${CAS2010_SITE2}`);
      checkNoLegacyRelay(w, since);
    }
  });

  rule('EAS-04', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    if (t.profile === 'exchange2007') {
      // 003: "the user is proxied to the Client Access server specified by the InternalURL property" (User3's Hub site has no EAS ExternalURL).
      t.expect(`User3 proxied to a Hub CAS (${HUB.join(', ')}) via its EAS InternalURL`);
      const dev = easDevice(w, 'User3', 'SmartPhone');
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`status ${r.status}`);
      check(r.status === 200, 'status 200', `status ${r.status}`);
      await waitForRequest(w.lab.journal, since, (e) => HUB.includes(e.server) && e.vdir === 'eas' && e.user === 'user3', 'User3 at a Hub CAS');
      checkNoLegacyRelay(w, since);
      return;
    }
    t.expect(`Blue proxied to a CAS2010 of Site3 (${CAS2010_SITE3.join(' or ')})`);
    const dev = easDevice(w, 'Blue', 'iPhone');
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(`status ${r.status}`);
    check(r.status === 200, 'status 200', `status ${r.status}`);
    await waitForRequest(w.lab.journal, since, (e) => CAS2010_SITE3.includes(e.server) && e.vdir === 'eas' && e.user === 'blue', 'Blue at a Site3 CAS2010');
    checkNoLegacyRelay(w, since);
  });

  rule('EAS-05', {}, async (t) => {
    const w = await t.world();
    for (const name of ['Purple', 'Grey'] as const) {
      const since = w.mark();
      const host = CAS2007_EAS_INTERNAL[name];
      t.expect(`${name}: the request reaches the CAS2007 EAS vdir with Host ${host} (its InternalURL host)`);
      const dev = easDevice(w, name, 'iPhone');
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${name}: status ${r.status}`);
      const e = await waitForRequest(w.lab.journal, since, (x) => x.vdir === 'eas' && x.user === name.toLowerCase() && x.server.startsWith('cas2007.'), `${name} at a CAS2007`);
      t.observe(`${name}: reached ${e.server} with Host ${e.host}`);
      check(hostName(e.host) === host, `Host ${host}`, `Host ${e.host}`);
      check(r.status === 200, 'status 200', `status ${r.status}`);
      checkNoLegacyRelay(w, since);
    }
  });

  rule('EAS-06', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    t.expect('User2 (mailbox in Europe, whose CAS has an EAS ExternalURL): 451');
    const dev = easDevice(w, 'User2', 'SmartPhone', { followLocation: false });
    const r = await dev.options();
    t.client(dev.transcript);
    t.observe(`status ${r.status}, X-MS-Location ${r.headers['x-ms-location'] ?? '(none)'}`);
    check(r.status === 451, 'status 451', `status ${r.status}`);
    check(hops(w.lab.journal, since).length === 0, 'no hop', hops(w.lab.journal, since).map((h) => h.url).join(', '));
  });

  rule('EAS-07', {}, async (t) => {
    for (const variant of ['contoso-basic', 'contoso-nointernalurl']) {
      const w = await t.world({ variant });
      const since = w.mark();
      t.expect(`${variant}: User3 refused (status >= 400, not 451), no hop to a Hub CAS`);
      const dev = easDevice(w, 'User3', 'SmartPhone', { followLocation: false });
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`${variant}: status ${r.status}`);
      check(r.status >= 400 && r.status !== 451, 'refused', `status ${r.status}`);
      const reached = userRequests(w.lab.journal, since, (e) => HUB.includes(e.server) && e.user === 'user3');
      check(reached.length <= 1, 'at most one request reaching a Hub CAS', reached.map((e) => e.server).join(', '));
    }
  });

  rule('EAS-08', {}, async (t) => {
    const w = await t.world();
    const since = w.mark();
    const dev = easDevice(w, t.profile === 'exchange2007' ? 'User1' : 'Red', t.profile === 'exchange2007' ? 'SmartPhone' : 'iPhone');
    if (t.profile === 'exchange2013') {
      t.expect(`Red proxied to ${CAS2010_SITE1}`);
      const r = await dev.options();
      t.client(dev.transcript);
      t.observe(`status ${r.status}`);
      check(r.status === 200, 'status 200', `status ${r.status}`);
      await waitForRequest(w.lab.journal, since, (e) => e.server === CAS2010_SITE1 && e.vdir === 'eas' && e.user === 'red', `Red at ${CAS2010_SITE1}`);
      checkNoLegacyRelay(w, since);
      return;
    }
    // 001 (first half) / 003: the mailbox is in the front door's own site: served locally.
    t.expect('served locally: 200 and no other mock CAS sees the request');
    const r = await dev.options();
    t.client(dev.transcript);
    const others = userRequests(w.lab.journal, since, (e) => e.server !== w.frontDoorMock && e.vdir === 'eas');
    t.observe(`status ${r.status}; other CAS: ${others.map((e) => e.server).join(', ') || 'none'}`);
    check(r.status === 200, 'status 200', `status ${r.status}`);
    check(others.length === 0, 'no other CAS sees the request', others.map((e) => e.server).join(', '));
  });
});
