/**
 * Negative controls of the AUTH, TLS, AUTOD and OA areas (docs/negative-controls/auth-tls-autod-oa.md):
 * each row runs the real CLI against a candidate broken on purpose and requires its rules to come out
 * fail (R) or warn (S). Defects that break different rules independently share a row to keep `npm test`
 * short.
 */
import type { ControlArea, ControlRow } from '../run-control.ts';

const rows: ControlRow[] = [
  // exchange2013: the reference front door's named defects.
  {
    profile: 'exchange2013',
    defects: ['no-auth', 'autodiscover-proxy-2007'],
    rules: ['AUTH-01', 'AUTOD-02'],
    why: 'requests that fail authentication are relayed to a Site1 CAS (AUTH-01); Autodiscover for 2007 mailboxes is proxied to a CAS2007 (AUTOD-02)',
  },
  { profile: 'exchange2013', defects: ['hop-by-internalurl'], rules: ['TLS-06'], why: 'hops name the InternalURL host (cas2007-int.*) instead of the server FQDN' },
  {
    profile: 'exchange2013',
    defects: ['plain-http-hop'],
    rules: ['TLS-01', 'TLS-05', 'OA-01'],
    why: 'every hop goes over plain HTTP (TLS-01); the CAS2007 have no HTTP listener, so Grey\'s EAS to the self-signed CAS2007 Site3 (TLS-05) and Purple\'s Outlook Anywhere (OA-01) fail',
  },
  { profile: 'exchange2013', defects: ['verify-all-certs'], rules: ['TLS-05'], why: 'the hop verifies every CAS certificate against the lab CA, so the self-signed CAS are refused' },
  { profile: 'exchange2013', defects: ['relay-via-site1'], rules: ['TLS-05'], why: 'every proxied request goes to CAS2010 Site1, which relays Grey\'s EAS to the self-signed CAS2007 Site3: served, but by a legacy relay (no-relay check)' },
  { profile: 'exchange2013', defects: ['hop-client-host'], rules: ['TLS-06'], why: 'hops carry the client\'s namespace as Host and SNI: judged on the hops that exist (the self-signed CAS2007 Site3 serves them), the reason is Host/SNI, not missing hops' },
  { profile: 'exchange2013', hardened: true, defects: ['no-cert-check'], rules: ['TLS-07'], why: 'the hop accepts any certificate, so the impostor is trusted' },
  { profile: 'exchange2013', defects: ['autodiscover-local-2010'], rules: ['AUTOD-01', 'AUTOD-04', 'AUTOD-05'], why: 'the front door answers Autodiscover for 2010 mailboxes itself, naming mail for every URL' },
  { profile: 'exchange2013', defects: ['rpc-hop-basic'], rules: ['OA-02'], why: 'the Outlook Anywhere hop authenticates with Basic although the /rpc vdir offers NTLM' },
  { profile: 'exchange2013', defects: ['relay-via-site1'], rules: ['OA-01'], why: 'Blue\'s Outlook Anywhere channels go to CAS2010 Site1, which relays them to Site3: served, but by a legacy relay (no-relay check)' },
  // exchange2010 / exchange2007: the in-lab mock candidate with its topology edited around it.
  {
    profile: 'exchange2010',
    defects: ['mock-accepts-wrong-password', 'mock-http-internalurls', 'mock-self-signed-unreachable', 'mock-autodiscover-refuses'],
    rules: ['AUTH-01', 'TLS-01', 'TLS-02', 'TLS-03', 'TLS-04', 'TLS-05', 'AUTOD-03'],
    why: 'the wrong password is the directory\'s (AUTH-01); AllowProxyingWithoutSsl with every InternalURL http:// (TLS-01..04); the self-signed CAS unreachable (TLS-05); Autodiscover offers forms only (AUTOD-03)',
  },
  {
    profile: 'exchange2010',
    hardened: true,
    defects: ['mock-no-region-external-urls', 'mock-rpc-disabled'],
    rules: ['AUTOD-04', 'AUTOD-05', 'OA-03', 'TLS-07'],
    why: 'Site2 publishes no EWS/OAB/EAS ExternalURL, so Orange gets mail (AUTOD-04/05); /rpc disabled on the front door (OA-03); the Exchange 2010 mock, like Exchange, trusts any certificate on its hop (TLS-07)',
  },
  {
    profile: 'exchange2007',
    defects: ['mock-accepts-wrong-password', 'mock-http-internalurls', 'mock-self-signed-unreachable'],
    rules: ['AUTH-01', 'TLS-01', 'TLS-02', 'TLS-03', 'TLS-04', 'TLS-05'],
    why: 'the wrong password is the directory\'s (AUTH-01); AllowProxyingWithoutSsl with every InternalURL http:// (TLS-01..04); the self-signed Hub CAS unreachable (TLS-05)',
  },
];

export const AUTH_TLS_AUTOD_OA: ControlArea = { area: 'AUTH, TLS, AUTOD, OA', doc: 'docs/negative-controls/auth-tls-autod-oa.md', rows };
