/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: EAS.
 */
import type { MockDefect } from './types.ts';

export const defects: Record<string, MockDefect> = {
  /** EAS-01: the organisation's 451 device list is empty, so a listed device is proxied instead. */
  'mock-no-451-list': (doc) => {
    doc.organisation = { ...doc.organisation, eas451DeviceTypes: [] };
  },
  /** EAS-02: every device type is on the 451 list (a device off the list gets 451 too). */
  'mock-451-everyone': (doc) => {
    doc.organisation = { ...doc.organisation, eas451DeviceTypes: ['WindowsPhone', 'iPhone', 'SmartPhone', 'PocketPC'] };
  },
  /** EAS-06: the Europe CAS loses its EAS ExternalURL, so the 2007 front door proxies instead of 451. */
  'mock-no-europe-eas-external': (doc) => {
    for (const s of doc.servers) if (s.site === 'Europe' && s.vdirs?.eas) s.vdirs.eas = { ...s.vdirs.eas, externalUrl: null };
  },
  /** EAS-07: the Hub EAS vdirs keep (or regain) an InternalURL with Integrated authentication, so User3 is proxied, not refused. */
  'mock-hub-eas-reachable': (doc) => {
    for (const s of doc.servers) {
      if (s.site !== 'Hub' || !s.vdirs) continue;
      const eas = s.vdirs.eas ?? {};
      s.vdirs.eas = { ...eas, internalUrl: eas.internalUrl ?? `https://${s.fqdn}/Microsoft-Server-ActiveSync`, auth: ['basic', 'ntlm', 'negotiate'] };
    }
  },
};
