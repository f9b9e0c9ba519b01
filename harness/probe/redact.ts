/**
 * Keeping host names out of a probe file. Two steps:
 * - always: the target's own origin inside a value (a Location, an encoded `url=`) becomes
 *   `<origin>`, so the probe of one server compares equal on any port;
 * - by default (`--no-redact` skips it): every host name the probe learnt (the target, the mail
 *   hosts, the certificate's names) becomes a placeholder, other hosts in URLs and banners become
 *   `<other-host>`, certificate subject/issuer values `<redacted>`, Basic realms that are not a
 *   known name `<redacted>`, and 2013+ headers naming servers (X-FEServer...) `<present>`.
 * IP addresses are replaced only when they are the target itself: a general IPv4 pattern would eat
 * build numbers (8.3.83.6 looks like an address).
 */
import type { ProbeDoc } from './schema.ts';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replace the origin (raw or percent-encoded, default port optional) by `<origin>`; other schemes and ports stay. */
export function originToken(s: string, origin: string): string {
  const u = new URL(origin);
  const scheme = u.protocol.slice(0, -1);
  const def = scheme === 'https' ? '443' : '80';
  const port = u.port ? `(?::|%3a)${u.port}` : `(?:(?::|%3a)${def})?`;
  const re = new RegExp(`${scheme}(?::\\/\\/|%3a%2f%2f)${escapeRe(u.hostname)}${port}(?![0-9A-Za-z.-])`, 'gi');
  return s.replace(re, '<origin>');
}

/** The names a probe learnt, for redaction. */
export interface KnownNames {
  /** The host the probe was given. */
  target: string;
  /** Mail hosts, certificate SAN DNS names and subject CN. */
  others: string[];
}

/** Name -> placeholder, longest name first (so `cas01.site.lab` goes before `cas01`). */
export function placeholders(names: KnownNames): [string, string][] {
  const target = names.target.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const out = new Map<string, string>([[target, '<target>']]);
  const short = /^[a-z]/.test(target) && target.includes('.') ? target.split('.')[0]! : null;
  const others = [...new Set(names.others.map((n) => n.toLowerCase().replace(/^\*\./, '')))].filter((n) => n && !out.has(n)).sort();
  let i = 0;
  for (const n of others) {
    if (n === short) out.set(n, '<target-short>');
    else out.set(n, `<host-${++i}>`);
  }
  return [...out.entries()].sort((a, b) => b[0].length - a[0].length || a[0].localeCompare(b[0]));
}

function replaceNames(s: string, table: [string, string][]): string {
  let out = s;
  for (const [name, token] of table) out = out.replace(new RegExp(`(?<![A-Za-z0-9.-])${escapeRe(name)}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])`, 'gi'), token);
  return out;
}

/** Hosts in URLs that are not placeholders yet. */
function otherUrlHosts(s: string): string {
  return s.replace(/(https?(?::\/\/|%3a%2f%2f))([^/:%?&#\s<>"']+)/gi, (_m, pre: string, host: string) => `${pre}<other-host>`);
}

const DNS_NAME = /(?<![A-Za-z0-9.<-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{1,62}(?![A-Za-z0-9-])/g;

/** A banner may name its server (customised banners; 2013+ appends the name in base64). */
function scrubBanner(s: string): string {
  return s.replace(/\[[A-Za-z0-9+/=]{8,}\]/g, '[<redacted>]').replace(DNS_NAME, (m) => (/\.$/.test(m) ? m : '<other-host>'));
}

/** `CN=cas01, O=Contoso` with every value a placeholder or `<redacted>`. */
function scrubDn(dn: string, table: [string, string][]): string {
  return dn
    .split(/,\s*/)
    .map((part) => {
      const i = part.indexOf('=');
      if (i < 0) return '<redacted>';
      const value = replaceNames(part.slice(i + 1), table);
      return `${part.slice(0, i)}=${/^<[a-z-]+(?:-\d+)?>$/.test(value) ? value : '<redacted>'}`;
    })
    .join(', ');
}

const SERVER_NAMING_HEADERS = new Set(['x-feserver', 'x-beserver', 'x-calculatedbetarget', 'x-diaginfo']);
const PLACEHOLDER = /^<[a-z-]+(?:-\d+)?>$/;

/**
 * The redacted copy of a probe document (idempotent: a redacted document comes back equal).
 * @example
 * const safe = redactProbe(doc, { target: 'cas01.corp.example', others: ['cas01', 'autodiscover.corp.example'] });
 * safe.target.origin; // 'https://<target>'
 */
export function redactProbe(doc: ProbeDoc, names: KnownNames): ProbeDoc {
  const table = placeholders(names);
  const walk = (v: unknown, key: string, parent: string): unknown => {
    if (typeof v === 'string') {
      let s = replaceNames(v, table);
      if (key === 'location' || key === 'x-ms-location' || key === 'origin') s = otherUrlHosts(s);
      if (key === 'banner') s = scrubBanner(s);
      if (key === 'basicRealm' && !PLACEHOLDER.test(s)) s = '<redacted>';
      if (parent === 'headers' && SERVER_NAMING_HEADERS.has(key)) s = '<present>';
      if (parent === 'certificate' && (key === 'subject' || key === 'issuer')) s = scrubDn(v, table);
      return s;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key, parent));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k, key)]));
    return v;
  };
  const out = walk(doc, '', '') as ProbeDoc;
  return { ...out, redacted: true };
}
