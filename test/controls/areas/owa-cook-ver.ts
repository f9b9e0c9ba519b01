/**
 * Negative controls of the OWA, COOK and VER areas (docs/negative-controls/owa-cook-ver.md): each row runs
 * the real CLI against a candidate broken on purpose and requires the rules to come out fail (R) or warn (S).
 * Defects that break different rules independently share a row to keep `npm test` short. Informational
 * rules (COOK-03, COOK-05, VER-02, OWA-09 in exchange2010) cannot fail: the doc says why.
 */
import type { ControlArea, ControlRow } from '../run-control.ts';

const rows: ControlRow[] = [
  {
    profile: 'exchange2013',
    defects: ['manual-redirect-owa', 'drop-resources', 'plain-http-hop'],
    rules: ['OWA-02', 'OWA-03', 'OWA-04', 'OWA-07', 'OWA-08'],
    why: 'redirect pages instead of silent redirects (OWA-02/04/07), versioned resources answered 404 (OWA-08), hops over plain HTTP without SNI, so not by FQDN (OWA-03)',
  },
  {
    profile: 'exchange2013',
    hardened: true,
    defects: ['cookie-rewrite', 'no-affinity'],
    rules: ['COOK-01', 'COOK-04', 'COOK-06'],
    why: 'proxied Set-Cookie lines get a wider Domain (COOK-01 changed, COOK-06 widened); the CAS of a user is picked at random (COOK-04)',
  },
  {
    profile: 'exchange2013',
    defects: ['forward-foreign-cookies'],
    rules: ['COOK-02'],
    why: 'every client cookie goes to the hop, so the RU1 user context reaches the SP2 CAS after failover',
  },
  {
    profile: 'exchange2013',
    defects: ['relay-via-site1'],
    rules: ['OWA-03', 'OWA-08', 'COOK-04'],
    why: "every proxied request goes to CAS2010 Site1, which relays it to Site3: Blue is served there, but not by the front door's own hop (no-relay check)",
  },
  {
    profile: 'exchange2013',
    defects: ['affinity-by-address'],
    rules: ['COOK-04'],
    why: "affinity keyed by the client's address: Blue and Cyan behind one address share one key, so Cyan's failover moves Blue off its first CAS (two-users case)",
  },
  {
    profile: 'exchange2013',
    defects: ['hop-client-host'],
    rules: ['COOK-04'],
    why: "hops name the client's namespace: the CA-verified CAS2010 of Site3 that Blue is sent to refuses the name, so Blue is never served there (precondition)",
  },
  {
    profile: 'exchange2013',
    defects: ['no-probes'],
    rules: ['COOK-02'],
    why: 'no health probes: the CAS taken down is never marked down, so Blue never moves to the SP2 RU1 CAS and no failover happens (precondition)',
  },
  {
    profile: 'exchange2010',
    defects: ['mock-owa-no-fba'],
    rules: ['OWA-01', 'OWA-03'],
    why: 'the front door offers no forms sign-in, so Red is not served and Blue not proxied',
  },
  {
    profile: 'exchange2010',
    defects: ['mock-cross-site-silent', 'mock-proxy-2007-owa'],
    rules: ['OWA-02', 'OWA-05', 'COOK-07'],
    why: "Orange is silently redirected instead of shown the URL (OWA-05); Purple is proxied to CAS2007 and hits 000's cookie error (OWA-02, COOK-07)",
  },
  {
    profile: 'exchange2007',
    defects: ['mock-ignore-redirect-switch', 'mock-drop-extra-folders', 'mock-basic-hub-keeps-iwa'],
    rules: ['OWA-06', 'OWA-09', 'OWA-10', 'VER-01'],
    why: 'User2 still redirected with the switch off (OWA-06); the copied folders are gone (OWA-09, VER-01); Basic-only vdirs proxied to (OWA-10)',
  },
];

export const OWA_COOK_VER: ControlArea = { area: 'OWA, COOK, VER', doc: 'docs/negative-controls/owa-cook-ver.md', rows };
