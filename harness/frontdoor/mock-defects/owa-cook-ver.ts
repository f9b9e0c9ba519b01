/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: owa-cook-ver (docs/negative-controls/owa-cook-ver.md).
 */
import type { MockDefect } from './types.ts';

export const defects: Record<string, MockDefect> = {
  /**
   * OWA-01, OWA-03 (10/07): the front door's OWA vdir has no forms-based authentication (001 "assumes FBA is
   * enabled on source and target"): the browser gets a 401 challenge, never a sign-in page or a mailbox.
   */
  'mock-owa-no-fba': (_doc, fd) => {
    fd.vdirs!.owa = { ...fd.vdirs!.owa, auth: ['ntlm', 'negotiate'] };
  },
  /** OWA-05 (10): cross-site silent redirection switched on, so Orange is sent to mail-region instead of shown its URL. */
  'mock-cross-site-silent': (doc) => {
    doc.organisation = { ...doc.organisation, crossSiteSilentRedirect: true };
  },
  /**
   * OWA-02, COOK-07 (10): the legacy namespace loses its OWA ExternalURL, so the SP2 RU1 front door proxies Purple
   * to CAS2007 instead of redirecting -- 000's incompatible case ("Invalid user context cookie found in proxy response").
   */
  'mock-proxy-2007-owa': (doc) => {
    for (const s of doc.servers) if (s.build.startsWith('2007') && s.vdirs?.owa?.externalUrl) s.vdirs.owa = { ...s.vdirs.owa, externalUrl: null };
  },
  /** OWA-06 (07): the front door keeps redirecting whatever RedirectToOptimalOWAServer says. */
  'mock-ignore-redirect-switch': (_doc, fd) => {
    fd.vdirs!.owa = { ...fd.vdirs!.owa, redirectToOptimalOwaServer: true };
  },
  /** OWA-09, VER-01 (07): the resource folders copied to the front door (002's workaround) are lost. */
  'mock-drop-extra-folders': (_doc, fd) => {
    fd.vdirs!.owa = { ...fd.vdirs!.owa, extraResourceFolders: [] };
  },
  /**
   * OWA-10 (07, contoso-basic): the Basic-only OWA vdirs get Integrated authentication back, so the front door
   * proxies where 003 says "Proxying is not supported".
   */
  'mock-basic-hub-keeps-iwa': (doc) => {
    for (const s of doc.servers) {
      const owa = s.vdirs?.owa;
      if (owa?.auth && owa.auth.length === 1 && owa.auth[0] === 'basic') s.vdirs!.owa = { ...owa, auth: ['basic', 'ntlm', 'negotiate'] };
    }
  },
};
