/**
 * Autodiscover as Outlook and a mobile device ask the front door, on its Autodiscover namespace
 * (001: "The Autodiscover external namespace, autodiscover.contoso.com ... resolve to the CAS2013
 * infrastructure located in Site1"), with Basic authentication as the user.
 * @example
 * const a = await autodOutlook(w, 'Orange');
 * hostOf(a.ewsUrl); // 'mail-region.example.lab' (Orange's site namespace)
 */
import { autodiscoverMobile, autodiscoverOutlook, type MobileAutodiscover, type OutlookAutodiscover } from '../../harness/clients/autodiscover-client.ts';
import { autodiscoverNamespace, withAgent } from './auth-http.ts';
import type { World } from './world.ts';

/** The client's bound, scaled by --slow. */
const timeouts = (w: World) => ({ timeoutMs: Math.round(10_000 * w.run.slow) });

/** `https://autodiscover.<domain>:<port>/Autodiscover/Autodiscover.xml` on the front door. */
export function autodiscoverUrl(w: World): string {
  return w.url('/Autodiscover/Autodiscover.xml', autodiscoverNamespace(w));
}

/** POX Autodiscover for Outlook as `name` (a wrong password when given). */
export function autodOutlook(w: World, name: string, password?: string): Promise<OutlookAutodiscover> {
  const u = w.user(name);
  return withAgent(w, (agent) => autodiscoverOutlook(agent, autodiscoverUrl(w), u.email, u.samAccountName, password ?? u.password, timeouts(w)), `user:${u.samAccountName}`);
}

/** Mobile (mobilesync) Autodiscover as `name`. */
export function autodMobile(w: World, name: string): Promise<MobileAutodiscover> {
  const u = w.user(name);
  return withAgent(w, (agent) => autodiscoverMobile(agent, autodiscoverUrl(w), u.email, u.samAccountName, u.password, timeouts(w)), `user:${u.samAccountName}`);
}

/** The host name of a URL, or `(none)` / `(not a URL: ...)` for evidence. */
export function hostOf(url: string | undefined): string {
  if (!url) return '(none)';
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return `(not a URL: ${url})`;
  }
}
