/**
 * The rule catalogue of RULES.md (../shared/design/RULES.md) as data: one entry per ID with named
 * fields. Every other place reads a rule's identity from here (one source): the test (`rule(id, ...)`
 * in suites/support/rule.ts), the reports (task.meta.rule), `run --list`, the compare matrix and the
 * generated findings. The expectations themselves live in each area's test file, written from the
 * seeds (the oracle rule); test/catalogue/rules.test.ts checks IDs and levels against RULES.md and
 * every seeded quote against its seed.
 *
 * Fields:
 * - `levels` per profile (R required, S recommended, I informational, '-' not judged) and `hardened`,
 *   the level of a rule that applies only with the hardened add-on;
 * - `severity` (issue 12): critical = a user gets another user's data, credentials are exposed or
 *   security is bypassed; major = a user cannot reach their mailbox or is sent to the wrong one;
 *   minor = degraded (extra sign-in, slower failover, lost affinity); fingerprint = an
 *   Exchange-specific detail users do not feel (the probe's User-Agent);
 * - `scope`: the protocol families the rule judges; a candidate fronting none of them gets `n/a`;
 * - `seed`: the seed number (000..004, ../shared/seeds/) and `quote`: the seed's sentence, verbatim
 *   (whitespace aside), both from catalogue/quotes.json by rule ID (seed text is data: it names the
 *   seeds' organisation). A rule with no seed (hardened rules; HC-08 from PROTOCOL-FACTS) says where it
 *   comes from instead.
 * - `title`: RULES.md's rule text; where RULES.md names a built-in variant or one of its host names, the
 *   title names the situation (harness/topology/situations.ts) or the role instead (the catalogue test
 *   maps them back).
 */
import type { Family, Level, RuleMeta, Severity } from '../reports/types.ts';
import { ruleQuotes, SEED_FILES, type SeedNumber } from './catalogue/quotes.ts';

export { SEED_FILES, type SeedNumber } from './catalogue/quotes.ts';

/** One row of the catalogue as written here (the seed and its quote come from catalogue/quotes.json). */
export interface RuleRow {
  id: string;
  severity: Severity;
  scope: Family[];
  levels: { exchange2013: Level; exchange2010: Level; exchange2007: Level };
  hardened?: Level;
  title: string;
}

/** One rule of the catalogue: its row and its source. */
export interface RuleEntry extends RuleRow {
  seed: SeedNumber | null;
  quote: string;
}

const ROWS: readonly RuleRow[] = [
  // AUTH
  // major, not critical: a front door that relays a request with missing or wrong credentials leaves
  // the legacy CAS to refuse it (its own authentication still holds, nobody is served as anyone), so
  // the front door fails its job (001: CAS2013 authenticates) without bypassing security; the rules
  // where a user is served as another are AUTH-02..05.
  {
    id: 'AUTH-01', severity: 'major', scope: ['http', 'mail'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "missing or wrong credentials are refused at the front door, for every protocol; no mock CAS receives a user request for them",
  },
  {
    id: 'AUTH-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "an anonymous request on a fresh client connection, right after another user's NTLM handshake through the front door, is never served as that user (every NTLM-hopped vdir, and across vdirs)",
  },
  {
    id: 'AUTH-03', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "interleaved keep-alive client connections (anonymous, user A, user B): every request is served as its own user or refused",
  },
  {
    id: 'AUTH-04', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "health probes are never served as a user (no authenticated pooled connection carries a probe)",
  },
  {
    id: 'AUTH-05', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "under concurrency (N clients \u00d7 M users, bounded): zero responses carrying another user's data",
  },
  // TLS
  {
    id: 'TLS-01', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "every HTTP hop to a legacy CAS is HTTPS (in 10/07 unless `allowProxyingWithoutSsl` is set and the target InternalUrl is `http://`)",
  },
  {
    id: 'TLS-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA to a target whose InternalUrl is `http://`, switch not set: refused (situation `owa-internalurl-http`)",
  },
  {
    id: 'TLS-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "with `allowProxyingWithoutSsl`: OWA to an `http://` InternalUrl is proxied over HTTP, and to an `https://` InternalUrl still over HTTPS",
  },
  {
    id: 'TLS-04', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA target answers 403 to the hop: the client gets an error; at most 2 requests reach the target; no `http://` retry",
  },
  {
    id: 'TLS-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "proxying to a non-Internet-facing CAS that keeps Exchange's default self-signed certificate works; the candidate is not given that certificate",
  },
  {
    id: 'TLS-06', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "hops to CAS2010 (every protocol) and to CAS2007 (every protocol but EAS) go by FQDN, not by a load-balanced namespace or the InternalURL host",
  },
  {
    id: 'TLS-07', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "where the topology pins a CAS's certificate or CA, a certificate for another name or from another issuer is refused",
  },
  // AUTOD
  {
    id: 'AUTOD-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2010 mailbox: proxied to a CAS2010 in the mailbox's site (Red \u2192 Site1, Blue \u2192 Site3, Orange \u2192 Site2); the answer is that CAS's",
  },
  {
    id: 'AUTOD-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2007 mailbox (Purple, Grey): no legacy CAS receives an Autodiscover request; the answer comes from the front door",
  },
  {
    id: 'AUTOD-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "the front door answers Autodiscover for 2007 and 2010 mailboxes alike (served locally or via its own site)",
  },
  {
    id: 'AUTOD-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "POX answers are well-formed and their EWS URLs are: Red \u2192 mail, Blue \u2192 mail, Purple \u2192 legacy, Orange \u2192 mail-region (13 also Grey \u2192 legacy, and OAB URLs the same way)",
  },
  {
    id: 'AUTOD-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "mobile (mobilesync) Autodiscover for Orange returns the mail-region URL; for Red the mail URL",
  },
  // OA
  {
    id: 'OA-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Red \u2192 CAS2010 Site1; Purple \u2192 CAS2007 Site1; Blue \u2192 CAS2010 Site3",
  },
  {
    id: 'OA-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: '-', exchange2007: '-' },
    title: "the hop authenticates with NTLM where the legacy vdir offers NTLM and Basic",
  },
  {
    id: 'OA-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Red served locally; Blue proxied to CAS2010 Site3",
  },
  // OWA
  {
    id: 'OWA-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally",
  },
  {
    id: 'OWA-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Purple: silent redirect to `legacy`; no legacy CAS receives a proxied OWA request for Purple",
  },
  {
    id: 'OWA-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in a site without OWA ExternalURL: proxied to a CAS of that site (13: Blue, by FQDN; 10: Blue, via InternalURL; 07: User3, via InternalURL)",
  },
  {
    id: 'OWA-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Orange: silent redirect to `mail-region`",
  },
  {
    id: 'OWA-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in another Internet-facing site: manual redirect to its full OWA ExternalURL (10: Orange \u2192 `https://mail-region\u2026/owa`, unless crossSiteSilentRedirect; 07: User2 \u2192 `https://www.europe\u2026/owa`, when redirectToOptimalOwaServer)",
  },
  {
    id: 'OWA-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "`redirectToOptimalOwaServer $false` on the front door: User2 is proxied to the Europe CAS instead",
  },
  {
    id: 'OWA-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Grey: silent redirect to `legacy` (what CAS2007 Site1 does next is the lab's business)",
  },
  {
    id: 'OWA-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "every versioned resource `/owa/<folder>/\u2026` that a proxied page references loads through the front door with 200",
  },
  {
    id: 'OWA-09', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'I', exchange2007: 'R' },
    title: "version rule for a front door of build B proxying OWA to a target of build T: T = B works; T older works only if the front door holds T's resource folder (the highest one present on the target), otherwise refused; T newer is refused",
  },
  {
    id: 'OWA-10', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "a target OWA vdir with Basic only: the front door does not proxy to it (refused) (situation `basic-only-target-vdirs`)",
  },
  // EAS
  {
    id: 'EAS-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Orange with a device type on the 451 list: `451` with `X-MS-Location: https://<Orange's site EAS namespace>/Microsoft-Server-ActiveSync`, no hop",
  },
  {
    id: 'EAS-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Orange with a device type not on the list: proxied to CAS2010 Site2",
  },
  {
    id: 'EAS-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "never 451: Orange, with listed and unlisted devices, proxied to CAS2010 Site2",
  },
  {
    id: 'EAS-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in a site without EAS ExternalURL: proxied to a CAS of that site (13/10: Blue \u2192 CAS2010 Site3; 07: User3 \u2192 a Hub CAS via InternalURL)",
  },
  {
    id: 'EAS-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Purple and Grey: the request reaches the CAS2007 EAS vdir of the mailbox's site at its InternalURL host",
  },
  {
    id: 'EAS-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "User2 (target site's CAS has an EAS ExternalURL): `451`",
  },
  {
    id: 'EAS-07', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "target EAS vdir with Basic only (situation `basic-only-target-vdirs`), or with no InternalURL (situation `no-eas-internalurl`): refused",
  },
  {
    id: 'EAS-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally",
  },
  // EWS
  {
    id: 'EWS-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Red \u2192 CAS2010 Site1; Blue \u2192 CAS2010 Site3 (10: Red served locally)",
  },
  {
    id: 'EWS-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "front door of build B: if B is RTM, EWS for a mailbox in another site is refused; if B \u2265 SP1, EWS for a Hub mailbox behind an SP1+ CAS of build \u2264 B is proxied, and for a mailbox on RTM refused",
  },
  {
    id: 'EWS-03', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'S' },
    title: "one request naming mailboxes in different sites is refused, except the Availability service",
  },
  {
    id: 'EWS-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "Availability requests for a mailbox in another site are proxied",
  },
  // OAB
  {
    id: 'OAB-01', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Red and Blue: OAB on `mail` proxied to a CAS in Site1 that is a web distribution point for that OAB",
  },
  // HC
  {
    id: 'HC-01', severity: 'fingerprint', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "every legacy CAS receives probes with User-Agent `HttpProxy.ClientAccessServer2010Ping` on each protocol vdir it has (HEAD /EWS, /Microsoft-Server-ActiveSync/default.eas, /OAB; GET /owa; and on CAS2010 HEAD /ecp, /PowerShell), successive probes of one endpoint 0.5\u00b7I to 1.5\u00b7I apart",
  },
  {
    id: 'HC-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "302 and 401 answers to probes keep a CAS in service: its traffic is unchanged",
  },
  {
    id: 'HC-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "a probe answered 502/503/504 is repeated within min(1 s, I/2); when the repeat fails too, requests for that protocol go to another CAS of the site; with no other CAS up, the client gets an error",
  },
  {
    id: 'HC-04', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "one 503 followed by a good repeat: the CAS keeps its traffic",
  },
  {
    id: 'HC-05', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "after a down CAS answers probes well again, within 2\u00b7I it receives traffic again (shown by taking its peer down)",
  },
  {
    id: 'HC-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "a CAS2010 with IsOutOfService `$true` never receives proxied traffic",
  },
  {
    id: 'HC-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "health is per protocol: EWS probes failing on a CAS leave its OWA traffic in place",
  },
  {
    id: 'HC-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: '-', exchange2007: '-' },
    title: "connection refused, timeout or TLS failure on a probe counts as a failure like 503",
  },
  {
    id: 'HC-09', severity: 'fingerprint', scope: ['mail'],
    levels: { exchange2013: 'I', exchange2010: '-', exchange2007: '-' },
    title: "POP/IMAP targets are not probed",
  },
  // MAIL
  {
    id: 'MAIL-01', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2010 mailbox: the session reaches a CAS2010 of the mailbox's site at an endpoint listed in its InternalConnectionSettings",
  },
  {
    id: 'MAIL-02', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2007 mailbox: the session reaches a CAS2007 of the mailbox's site by FQDN, on the port of the chosen method",
  },
  {
    id: 'MAIL-03', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "encrypted client session (implicit TLS, or after STARTTLS/STLS): the first connection to the target uses the first method the target offers in the order SSL, TLS, plaintext",
  },
  {
    id: 'MAIL-04', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "plaintext client session: the first connection uses the first offered in the order plaintext, SSL, TLS",
  },
  {
    id: 'MAIL-05', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "IMAP (login, list, select, fetch) and POP3 (stat, list, retr) work end to end for Red, Purple, Blue, Orange, Grey",
  },
  {
    id: 'MAIL-06', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "POP/IMAP for a mailbox in another site is not proxied (refused)",
  },
  {
    id: 'MAIL-07', severity: 'critical', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "credentials never travel in cleartext to a target that refuses plaintext login, and an encrypted client session is never carried on plaintext while an encrypted method is offered",
  },
  {
    id: 'MAIL-08', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'S',
    title: "when the chosen method is down on the target, the next method or endpoint is used",
  },
  // COOK
  {
    id: 'COOK-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "every Set-Cookie a proxied CAS2010 sends (session, canary, user context) reaches the client unchanged, several headers kept apart",
  },
  {
    id: 'COOK-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: 'I', exchange2007: '-' },
    title: "no user-context cookie in the SP2 RU1 form ever reaches a CAS older than SP2 RU1 (situation `cas-pair-mid-upgrade`, with failover inside the Site3 pair)",
  },
  {
    id: 'COOK-03', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'I', exchange2007: '-' },
    title: "advisory: a topology where an SP2 RU1 front door proxies to an older CAS2010, or to CAS2007 without the interim update, is reported as incompatible, with the seed's table",
  },
  {
    id: 'COOK-04', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA and EWS: the first CAS that served a user keeps serving that user while up; on its failure, another CAS of the site",
  },
  {
    id: 'COOK-05', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'I' },
    title: "EAS: a device keeps the Hub CAS that first served it (recorded; 003 calls its failure mode a limitation)",
  },
  {
    id: 'COOK-06', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "the front door never widens a cookie's Domain, nor carries a session cookie to another namespace on a redirect",
  },
  {
    id: 'COOK-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "an SP2 RU1 front door's redirect of Purple to legacy works (000: redirection is not affected), and its proxying to an SP2 RU1 CAS works",
  },
  // VER
  {
    id: 'VER-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "OWA and EAS from B to a target of build T: T = B works; T older works (OWA: if the folder is held, per OWA-09); T newer refused",
  },
  {
    id: 'VER-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'I', exchange2010: 'I', exchange2007: 'I' },
    title: "the report shows the matrix front-door build \u00d7 target build \u00d7 protocol with the outcome of each pair",
  },
  // SEC
  {
    id: 'SEC-01', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "hop-by-hop headers are stripped; X-Forwarded-For is appended; no open proxy (a Host or absolute URI outside the topology is refused)",
  },
  {
    id: 'SEC-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "conflicting Content-Length / Transfer-Encoding is refused with 400 (no request smuggling)",
  },
  {
    id: 'SEC-03', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "health probes carry no user credentials",
  },
  {
    id: 'SEC-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "a malformed, oversized or slow client request gets a clear error and costs the front door bounded memory; other clients are served meanwhile",
  },
];

/** A row with its seed quote; a row without one in quotes.json is a broken catalogue (thrown at load). */
function withQuote(row: RuleRow): RuleEntry {
  const q = ruleQuotes().get(row.id);
  if (!q) throw new RangeError(`suites/catalogue/quotes.json has no entry for ${row.id}`);
  return { ...row, seed: q.seed, quote: q.quote };
}

export const CATALOGUE: readonly RuleEntry[] = ROWS.map(withQuote);
{
  const extra = [...ruleQuotes().keys()].filter((id) => !ROWS.some((r) => r.id === id));
  if (extra.length) throw new RangeError(`suites/catalogue/quotes.json has entries for rules the catalogue does not have: ${extra.join(', ')}`);
}

/** The catalogue as the reports carry it (RuleMeta: area from the ID, the seed as its file name). */
export const RULES: readonly RuleMeta[] = CATALOGUE.map((e) => ({
  id: e.id,
  area: e.id.split('-')[0]!,
  title: e.title,
  levels: { ...e.levels },
  ...(e.hardened ? { hardened: e.hardened } : {}),
  severity: e.severity,
  scope: [...e.scope],
  source: { seed: e.seed ? SEED_FILES[e.seed] : null, quote: e.quote },
}));

const byId = new Map(RULES.map((x) => [x.id, x]));

/** A rule by ID; throws for an ID RULES.md does not have. */
export function ruleMeta(id: string): RuleMeta {
  const m = byId.get(id);
  if (!m) throw new RangeError(`no rule ${id} in RULES.md`);
  return m;
}
