/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: ews-oab-hc (EWS; OAB and HC are exchange2013 rules, broken by the reference's
 * own defects: docs/negative-controls/ews-oab-hc.md).
 */
import type { MockDefect } from './types.ts';

export const defects: Record<string, MockDefect> = {
  /** EWS-01 (10): the Site3 CAS2010 publish no EWS InternalURL, so the front door has nowhere to proxy Blue's EWS. */
  'mock-no-site3-ews-url': (doc) => {
    for (const s of doc.servers) {
      if (s.site === 'Site3' && s.build.startsWith('2010') && s.vdirs?.ews) s.vdirs.ews = { ...s.vdirs.ews, internalUrl: null, nlbBypassUrl: null };
    }
  },
  /** EWS-02/03/04 (07, SP3): the Hub CAS publish no EWS InternalURL nor NLBBypassURL, so Hub mailboxes' EWS is refused. */
  'mock-hub-no-ews-url': (doc) => {
    for (const s of doc.servers) {
      if (s.site === 'Hub' && s.vdirs?.ews) s.vdirs.ews = { ...s.vdirs.ews, internalUrl: null, nlbBypassUrl: null };
    }
  },
  /** EWS-02 (07, --build 2007-rtm): the front door runs SP3 whatever build the run names, so it proxies EWS an RTM one refuses. */
  'mock-fd-sp3': (_doc, fd) => {
    fd.build = '2007-sp3';
  },
};
