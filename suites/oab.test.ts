/**
 * OAB - Offline Address Book downloads through the front door (RULES.md "OAB"). The expectation is
 * written here from seed 001 (the oracle rule): which mock CAS must receive the download.
 */
import { describe } from 'vitest';
import { rule } from './support/rule.ts';
import { oabAs } from './support/oab-download.ts';
import { check } from '../harness/verify/check.ts';
import { checkNoLegacyRelay } from '../harness/verify/no-relay.ts';
import { frontDoorSite, presentRoles } from './support/roles.ts';

// 001 Figure 2: Site1 (the front door's site) holds CAS2010 and CAS2007; in the built-in topology both are web
// distribution points of the organisation's one OAB (Exchange's default for a CAS of the OAB's site):
// by role, the legacy CAS of the front door's site (suites/support/roles.ts frontDoorSite).

describe('OAB', () => {
  rule('OAB-01', {}, async (t) => {
    const w = await t.world();
    // 001: Red (Site1) and Blue (Site3) alike get the front door's namespace as OAB URL and the "local site" is the front door's.
    const SITE1_WDP = frontDoorSite(t, w);
    const users = presentRoles(t, w, ['red', 'blue']).map((r) => r.name);
    t.expect(`${users.join(' and ')} (Red, Blue): GET /OAB/... on the front door's namespace answered 2xx, received by a web distribution point of the front door's site (${SITE1_WDP.join(' or ')})`);
    for (const name of users) {
      const since = w.mark();
      const r = await oabAs(w, name);
      t.client(r.transcript);
      t.observe(`${name}: status ${r.status}, received by ${r.servers.join(', ') || 'no legacy CAS'}`);
      // Precondition: the download was proxied at all (the user's OAB request reached a legacy CAS).
      t.require(`${name}'s OAB request reached a legacy CAS through the front door`, r.servers.length > 0, `${name}: status ${r.status}, received by ${r.servers.join(', ') || 'no legacy CAS'}`);
      check(r.status >= 200 && r.status < 300, `${name}: a 2xx answer`, `${name}: status ${r.status}`);
      check(r.servers.every((s) => SITE1_WDP.includes(s)), `${name}: received by ${SITE1_WDP.join(' or ')}`, `${name}: received by ${r.servers.join(', ')}`);
      checkNoLegacyRelay(w, since, { user: w.user(name).samAccountName, vdir: 'oab' });
    }
  });
});
