/**
 * Negative controls of EWS, OAB and HC (docs/negative-controls/ews-oab-hc.md). HC-06's row runs in the
 * `contoso-outofservice` variant, which the rule selects itself.
 */
import type { ControlArea, ControlRow } from '../run-control.ts';

const rows: ControlRow[] = [
  { profile: 'exchange2013', defects: ['no-probes'], rules: ['HC-01', 'HC-02', 'HC-05', 'HC-07', 'HC-08'], why: 'no probe ever reaches a legacy CAS, so no CAS is ever taken out or brought back' },
  { profile: 'exchange2013', defects: ['probe-too-often'], rules: ['HC-01'], why: 'every server\'s EWS endpoint is probed ten times per interval: most successive probes I/10 apart, so the median gap under 0.5 I' },
  { profile: 'exchange2013', defects: ['no-retry-before-down'], rules: ['HC-03', 'HC-04'], why: 'one failed probe marks the CAS down without the immediate repeat' },
  { profile: 'exchange2013', defects: ['ignore-out-of-service'], rules: ['HC-06'], why: 'the IsOutOfService CAS2010 is chosen like any other' },
  // Issue 10's wider fault classes: each class the seeds name is a failure, not only 503.
  { profile: 'exchange2013', defects: ['probe-503-only'], rules: ['HC-03'], why: 'a 502 (and 504) answer to a probe keeps the CAS up: Blue stays on the failing CAS' },
  { profile: 'exchange2013', defects: ['probe-errors-healthy'], rules: ['HC-08'], why: 'a probe reset, timed out, refused or failing TLS counts as healthy: Blue stays on the failing CAS' },
  { profile: 'exchange2013', defects: ['ews-local-site', 'oab-mailbox-site'], rules: ['EWS-01', 'OAB-01'], why: "EWS goes to the front door's site, OAB to the mailbox's site" },
  { profile: 'exchange2010', defects: ['mock-no-site3-ews-url'], rules: ['EWS-01'], why: 'the Site3 CAS2010 publish no EWS InternalURL, so Blue is not proxied' },
  { profile: 'exchange2007', defects: ['mock-hub-no-ews-url'], rules: ['EWS-02', 'EWS-03', 'EWS-04'], why: 'the Hub CAS publish no EWS URL, so Hub mailboxes (Availability too) are refused' },
  { profile: 'exchange2007', build: '2007-rtm', defects: ['mock-fd-sp3'], rules: ['EWS-02'], why: 'the "RTM" front door proxies EWS as SP3 does' },
];

export const EWS_OAB_HC: ControlArea = { area: 'EWS, OAB, HC', doc: 'docs/negative-controls/ews-oab-hc.md', rows };
