import { negativeControls } from './run-control.ts';

negativeControls('EAS', [
  { profile: 'exchange2010', defects: ['mock-no-451-list'], rules: ['EAS-01'], why: 'the 451 device list is empty, so the listed device is proxied' },
  { profile: 'exchange2010', defects: ['mock-451-everyone'], rules: ['EAS-02'], why: 'every device type gets 451' },
  { profile: 'exchange2007', defects: ['mock-no-europe-eas-external'], rules: ['EAS-06'], why: 'Europe has no EAS ExternalURL, so User2 is proxied, not 451' },
]);
