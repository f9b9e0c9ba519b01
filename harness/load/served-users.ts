/**
 * Whose data came back: the lab-only ground truth every mock answer for an authenticated user carries
 * (docs/legacy-behaviour.md "Served user"; issue 11): the `X-Lab-Served-User` header, the
 * `lab-served-user=<sam>` token in EWS, EAS, Autodiscover and OWA bodies, OWA's `data-user`, and for
 * mail the subjects of the messages (the lab's messages name their owner). Read at the client, so a
 * cross-user answer is seen whatever the front door did with its connections.
 */
import type { Topology } from '../topology/index.ts';

/** Users an HTTP answer names, lower-case, without duplicates. */
export function servedUsers(headers: Record<string, string | string[] | undefined>, body: string): string[] {
  const out = new Set<string>();
  const h = headers['x-lab-served-user'];
  for (const v of ([] as string[]).concat(h ?? [])) for (const u of v.split(',')) if (u.trim()) out.add(u.trim().toLowerCase());
  for (const m of body.matchAll(/lab-served-user=([A-Za-z0-9._-]+)/g)) out.add(m[1]!.toLowerCase());
  for (const m of body.matchAll(/data-user="([^"]+)"/g)) out.add(m[1]!.toLowerCase());
  return [...out];
}

/** The mailbox block of an OWA page: its user (lower-case) and server, or null when the page is no mailbox. */
export function owaMailbox(body: string): { user: string; server: string | null } | null {
  const tag = /<div\b[^>]*\bid\s*=\s*"mailbox"[^>]*>/i.exec(body)?.[0];
  if (!tag) return null;
  const user = /\bdata-user\s*=\s*"([^"]*)"/i.exec(tag)?.[1];
  if (user === undefined) return null;
  return { user: user.toLowerCase(), server: /\bdata-server\s*=\s*"([^"]*)"/i.exec(tag)?.[1] ?? null };
}

/** Message subject -> the samAccountName whose mailbox holds it (subjects two users share are left out). */
export function subjectOwners(t: Topology): Map<string, string> {
  const owners = new Map<string, string | null>();
  for (const u of t.users) {
    for (const m of u.messages ?? []) {
      const prev = owners.get(m.subject);
      owners.set(m.subject, prev === undefined || prev === u.samAccountName.toLowerCase() ? u.samAccountName.toLowerCase() : null);
    }
  }
  return new Map([...owners].filter((e): e is [string, string] => e[1] !== null));
}

/** A login as the mock records it (`red`, `CONTOSO\red`, `red@contoso.lab`) as a samAccountName. */
export function samOf(login: string | null): string | null {
  if (!login) return null;
  return login.replace(/^.*\\/, '').replace(/@.*$/, '').toLowerCase();
}
