/**
 * Negative controls of the EAS area (docs/negative-controls/eas.md): each row makes its rules fail on
 * purpose — a reference defect (exchange2013) or an in-lab mock defect (exchange2010/2007).
 */
import type { ControlArea } from '../run-control.ts';

export const EAS: ControlArea = { area: 'EAS', doc: 'docs/negative-controls/eas.md', rows: [
  { profile: 'exchange2010', defects: ['mock-no-451-list'], rules: ['EAS-01'], why: 'the 451 device list is empty, so the listed device is proxied' },
  { profile: 'exchange2010', defects: ['mock-451-everyone'], rules: ['EAS-02'], why: 'every device type gets 451' },
  { profile: 'exchange2013', defects: ['eas-451'], rules: ['EAS-03'], why: 'the reference answers Exchange 2010\'s 451 to Orange\'s listed device' },
  { profile: 'exchange2013', defects: ['eas-local-site'], rules: ['EAS-05'], why: 'EAS goes to a CAS of the front door\'s site: Grey lands on CAS2007 Site1, which relays it to CAS2007 Site3 (no-relay check)' },
  { profile: 'exchange2013', defects: ['relay-via-site1'], rules: ['EAS-04'], why: 'every proxied request goes to CAS2010 Site1, which relays Blue\'s device to Site3: served, but by a legacy relay (no-relay check)' },
  { profile: 'exchange2007', defects: ['mock-no-europe-eas-external'], rules: ['EAS-06'], why: 'Europe has no EAS ExternalURL, so User2 is proxied, not 451' },
  { profile: 'exchange2007', defects: ['mock-hub-eas-reachable'], rules: ['EAS-07'], why: 'the Hub EAS vdirs keep an Integrated-authentication InternalURL, so User3 is proxied, not refused' },
  { profile: 'exchange2013', defects: ['eas-answer-locally'], rules: ['EAS-08'], why: 'the front door answers EAS OPTIONS itself: Red\'s request never reaches CAS2010 Site1' },
] };
