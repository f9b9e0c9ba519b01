/**
 * Named defects for the in-lab mock candidate (exchange2010 / exchange2007 profiles): each breaks one
 * rule by changing the lab's configuration around the front-door mock, so negative controls can show
 * the rule failing. Area: auth-tls-autod-oa (docs/negative-controls/auth-tls-autod-oa.md).
 */
import type { TopologyInput } from '../../topology/index.ts';
import type { MockDefect } from './types.ts';

type Server = TopologyInput['servers'][number];

/**
 * The password AUTH-01's clients type as the wrong one (suites/support/auth-attempts.ts WRONG_PASSWORD;
 * kept twice because harness code does not import the suites).
 */
const AUTH01_WRONG_PASSWORD = 'Wrong-P@ssw0rd-AUTH01';

/** A name the lab's hosts list does not hold: a hop there fails before any packet leaves. */
const NOWHERE = 'unreachable.invalid';

/** Rewrite the scheme or host of a vdir URL; null stays null. */
function rewrite(url: string | null | undefined, edit: (u: URL) => void): string | null | undefined {
  if (!url) return url;
  const u = new URL(url);
  edit(u);
  return u.href;
}

/** Apply `edit` to every URL a CAS publishes for its HTTP vdirs (InternalURL, NLBBypassURL). */
function editInternalUrls(s: Server, edit: (u: URL) => void): void {
  const v = s.vdirs;
  if (!v) return;
  for (const key of ['owa', 'eas', 'ews', 'autodiscover', 'oab', 'ecp'] as const) {
    const d = v[key] as { internalUrl?: string | null; nlbBypassUrl?: string | null } | undefined;
    if (!d) continue;
    d.internalUrl = rewrite(d.internalUrl, edit) as string | null | undefined;
    if ('nlbBypassUrl' in d) d.nlbBypassUrl = rewrite(d.nlbBypassUrl, edit) as string | null | undefined;
  }
}

export const defects: Record<string, MockDefect> = {
  /** AUTH-01: every user's password is the one AUTH-01 types as wrong, so the front door accepts it. */
  'mock-accepts-wrong-password': (doc) => {
    doc.users = doc.users.map((u) => ({ ...u, password: AUTH01_WRONG_PASSWORD }));
  },
  /**
   * TLS-01..04: AllowProxyingWithoutSsl is set and every other CAS publishes http:// InternalURLs
   * (004: "If you don't want this proxy connection to use SSL..."), so every hop goes over plain HTTP.
   */
  'mock-http-internalurls': (doc, fd) => {
    doc.organisation = { ...doc.organisation, allowProxyingWithoutSsl: true };
    for (const s of doc.servers) if (s !== fd) editInternalUrls(s, (u) => void (u.protocol = 'http:'));
  },
  /** TLS-05: the CAS that keep Exchange's self-signed certificate publish InternalURLs on a name outside the lab: no hop reaches them. */
  'mock-self-signed-unreachable': (doc, fd) => {
    for (const s of doc.servers) if (s !== fd && s.certificate === 'self-signed') editInternalUrls(s, (u) => void (u.hostname = NOWHERE));
  },
  /** AUTOD-03: the front door's Autodiscover vdir offers forms authentication only, so no Autodiscover client gets in. */
  'mock-autodiscover-refuses': (_doc, fd) => {
    fd.vdirs = { ...fd.vdirs, autodiscover: { ...fd.vdirs?.autodiscover, auth: ['fba'] } };
  },
  /** AUTOD-04, AUTOD-05: Site2 publishes no EWS, OAB or EAS ExternalURL, so Orange is sent to mail instead of mail-region. */
  'mock-no-region-external-urls': (doc) => {
    for (const s of doc.servers) {
      if (s.site !== 'Site2' || !s.vdirs) continue;
      s.vdirs = { ...s.vdirs, ews: { ...s.vdirs.ews, externalUrl: null }, oab: { ...s.vdirs.oab, externalUrl: null }, eas: { ...s.vdirs.eas, externalUrl: null } };
    }
  },
  /** OA-03: Outlook Anywhere is disabled on the front door (its /rpc answers 404). */
  'mock-rpc-disabled': (_doc, fd) => {
    fd.vdirs = { ...fd.vdirs, rpc: { ...fd.vdirs?.rpc, enabled: false } };
  },
};
