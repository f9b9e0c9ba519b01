/**
 * The rule catalogue of RULES.md (../shared/design/RULES.md), one entry per ID: area, rule text, level per
 * profile and the seed it comes from. Generated once from RULES.md and kept by hand since; the
 * expectations themselves live in each area's test file, written from the seeds (the oracle rule).
 */
import type { RuleMeta } from '../reports/types.ts';

type L = RuleMeta['levels']['exchange2013'];
function r(id: string, title: string, l13: L, l10: L, l07: L, seed: string | null, quote: string, hardened?: L): RuleMeta {
  return { id, area: id.split('-')[0]!, title, levels: { exchange2013: l13, exchange2010: l10, exchange2007: l07 }, ...(hardened ? { hardened } : {}), source: { seed, quote } };
}

export const RULES: readonly RuleMeta[] = [
  r("AUTH-01", "missing or wrong credentials are refused at the front door, for every protocol; no mock CAS receives a user request for them", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001 \"CAS2013 in Site1 will authenticate the user, do a service discovery\u2026\"; \"it will authenticate the user and perform a service discovery\" (POP/IMAP)"),
  r("AUTH-02", "an anonymous request on a fresh client connection, right after another user's NTLM handshake through the front door, is never served as that user (every NTLM-hopped vdir, and across vdirs)", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001 \"will authenticate the user\"; 003 \"the connection is maintained by using information that is stored in the local Administrator account\" (a CAS-CAS hop is per-connection state)"),
  r("AUTH-03", "interleaved keep-alive client connections (anonymous, user A, user B): every request is served as its own user or refused", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "as AUTH-02"),
  r("AUTH-04", "health probes are never served as a user (no authenticated pooled connection carries a probe)", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001 ping section (probes carry no user)"),
  r("AUTH-05", "under concurrency (N clients \u00d7 M users, bounded): zero responses carrying another user's data", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "as AUTH-02"),
  r("TLS-01", "every HTTP hop to a legacy CAS is HTTPS (in 10/07 unless `allowProxyingWithoutSsl` is set and the target InternalUrl is `http://`)", 'R', 'R', 'R', '003_db37de82c7aa626b.txt', "003 \"Communications between Client Access servers in different sites occur over Secure HTTP (HTTPS).\"; 004 \"HTTPS is the default setting.\""),
  r("TLS-02", "OWA to a target whose InternalUrl is `http://`, switch not set: refused (`contoso-nossl`)", '-', 'R', 'R', '004_e64883290b086638.txt', "004 item 1"),
  r("TLS-03", "with `allowProxyingWithoutSsl`: OWA to an `http://` InternalUrl is proxied over HTTP, and to an `https://` InternalUrl still over HTTPS", '-', 'R', 'R', '004_e64883290b086638.txt', "004 \"If you don't want this proxy connection to use SSL\u2026\""),
  r("TLS-04", "OWA target answers 403 to the hop: the client gets an error; at most 2 requests reach the target; no `http://` retry", '-', 'R', 'R', '004_e64883290b086638.txt', "004 item 2"),
  r("TLS-05", "proxying to a non-Internet-facing CAS that keeps Exchange's default self-signed certificate works; the candidate is not given that certificate", 'R', 'R', 'R', '003_db37de82c7aa626b.txt', "003 Note: \"They can use the self-signed certificate that is installed by default\""),
  r("TLS-06", "hops to CAS2010 (every protocol) and to CAS2007 (every protocol but EAS) go by FQDN, not by a load-balanced namespace or the InternalURL host", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"it constructs a URL based on the server FQDN, not a load balanced namespace or the InternalURL value\""),
  r("TLS-07", "where the topology pins a CAS's certificate or CA, a certificate for another name or from another issuer is refused", '-', '-', '-', null, "\u2014", 'R'),
  r("AUTOD-01", "2010 mailbox: proxied to a CAS2010 in the mailbox's site (Red \u2192 Site1, Blue \u2192 Site3, Orange \u2192 Site2); the answer is that CAS's", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("AUTOD-02", "2007 mailbox (Purple, Grey): no legacy CAS receives an Autodiscover request; the answer comes from the front door", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("AUTOD-03", "the front door answers Autodiscover for 2007 and 2010 mailboxes alike (served locally or via its own site)", '-', 'R', '-', '001_c5d87abfd53dd768.txt', "001 \"can process Autodiscover requests for both Exchange 2007 and Exchange 2010 mailboxes\""),
  r("AUTOD-04", "POX answers are well-formed and their EWS URLs are: Red \u2192 mail, Blue \u2192 mail, Purple \u2192 legacy, Orange \u2192 mail-region (13 also Grey \u2192 legacy, and OAB URLs the same way)", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001 (EWS and OAB sections, Notes)"),
  r("AUTOD-05", "mobile (mobilesync) Autodiscover for Orange returns the mail-region URL; for Red the mail URL", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001 \"any new device that is configured will automatically be configured to use mail-region.contoso.com\""),
  r("OA-01", "Red \u2192 CAS2010 Site1; Purple \u2192 CAS2007 Site1; Blue \u2192 CAS2010 Site3", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 (External Outlook Connectivity)"),
  r("OA-02", "the hop authenticates with NTLM where the legacy vdir offers NTLM and Basic", 'S', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"enable NTLM in addition to basic authentication\""),
  r("OA-03", "Red served locally; Blue proxied to CAS2010 Site3", '-', 'R', '-', '001_c5d87abfd53dd768.txt', "001 (Outlook Anywhere, first half)"),
  r("OWA-01", "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001, 003"),
  r("OWA-02", "Purple: silent redirect to `legacy`; no legacy CAS receives a proxied OWA request for Purple", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001 \"single sign-on silent redirect \u2026 to legacy.contoso.com\""),
  r("OWA-03", "mailbox in a site without OWA ExternalURL: proxied to a CAS of that site (13: Blue, by FQDN; 10: Blue, via InternalURL; 07: User3, via InternalURL)", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001, 003 \"Proxying is not visible to the user.\""),
  r("OWA-04", "Orange: silent redirect to `mail-region`", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("OWA-05", "mailbox in another Internet-facing site: manual redirect to its full OWA ExternalURL (10: Orange \u2192 `https://mail-region\u2026/owa`, unless crossSiteSilentRedirect; 07: User2 \u2192 `https://www.europe\u2026/owa`, when redirectToOptimalOwaServer)", '-', 'R', 'R', '001_c5d87abfd53dd768.txt', "001; 003 \"They will not be redirected automatically.\""),
  r("OWA-06", "`redirectToOptimalOwaServer $false` on the front door: User2 is proxied to the Europe CAS instead", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 (Disabling Redirection)"),
  r("OWA-07", "Grey: silent redirect to `legacy` (what CAS2007 Site1 does next is the lab's business)", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 (Note)"),
  r("OWA-08", "every versioned resource `/owa/<folder>/\u2026` that a proxied page references loads through the front door with 200", 'R', 'R', 'R', '002_7cf54a298378f5d1.txt', "002"),
  r("OWA-09", "version rule for a front door of build B proxying OWA to a target of build T: T = B works; T older works only if the front door holds T's resource folder (the highest one present on the target), otherwise refused; T newer is refused", '-', 'I', 'R', '002_7cf54a298378f5d1.txt', "002 \"The Internet-facing CAS must have the highest control directory that is present on the destination CAS.\"; 003 \"same version \u2026 or an earlier version\""),
  r("OWA-10", "a target OWA vdir with Basic only: the front door does not proxy to it (refused) (`contoso-basic`)", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 \"Proxying is not supported for virtual directories that use other authentication methods.\""),
  r("EAS-01", "Orange with a device type on the 451 list: `451` with `X-MS-Location: https://mail-region.contoso.lab/Microsoft-Server-ActiveSync`, no hop", '-', 'R', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("EAS-02", "Orange with a device type not on the list: proxied to CAS2010 Site2", '-', 'R', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("EAS-03", "never 451: Orange, with listed and unlisted devices, proxied to CAS2010 Site2", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"Exchange 2013 no longer supports the 451 redirect response\""),
  r("EAS-04", "mailbox in a site without EAS ExternalURL: proxied to a CAS of that site (13/10: Blue \u2192 CAS2010 Site3; 07: User3 \u2192 a Hub CAS via InternalURL)", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001, 003"),
  r("EAS-05", "Purple and Grey: the request reaches the CAS2007 EAS vdir of the mailbox's site at its InternalURL host", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001 \"(specifically, the InternalURL value of the Microsoft-Server-ActiveSync virtual directory on CAS2007)\""),
  r("EAS-06", "User2 (target site's CAS has an EAS ExternalURL): `451`", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 \"an HTTP error code 451 will be returned\""),
  r("EAS-07", "target EAS vdir with Basic only (`contoso-basic`), or with no InternalURL (`contoso-nointernalurl`): refused", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 \"Otherwise, the request is rejected. An error code is returned to the mobile device\""),
  r("EAS-08", "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally", 'R', 'R', 'R', '001_c5d87abfd53dd768.txt', "001, 003"),
  r("EWS-01", "Red \u2192 CAS2010 Site1; Blue \u2192 CAS2010 Site3 (10: Red served locally)", 'R', 'R', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("EWS-02", "front door of build B: if B is RTM, EWS for a mailbox in another site is refused; if B \u2265 SP1, EWS for a Hub mailbox behind an SP1+ CAS of build \u2264 B is proxied, and for a mailbox on RTM refused", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 \"If the user's mailbox is located on a server that is running the RTM version of Exchange 2007, the request will fail.\""),
  r("EWS-03", "one request naming mailboxes in different sites is refused, except the Availability service", '-', '-', 'S', '003_db37de82c7aa626b.txt', "003"),
  r("EWS-04", "Availability requests for a mailbox in another site are proxied", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 (summary table: Availability service, proxying \"Yes\")"),
  r("OAB-01", "Red and Blue: OAB on `mail` proxied to a CAS in Site1 that is a web distribution point for that OAB", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("HC-01", "every legacy CAS receives probes with User-Agent `HttpProxy.ClientAccessServer2010Ping` on each protocol vdir it has (HEAD /EWS, /Microsoft-Server-ActiveSync/default.eas, /OAB; GET /owa; and on CAS2010 HEAD /ecp, /PowerShell), successive probes of one endpoint 0.5\u00b7I to 1.5\u00b7I apart", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"Every 50 seconds\u2026\" and the IIS log lines"),
  r("HC-02", "302 and 401 answers to probes keep a CAS in service: its traffic is unchanged", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"a 200/300/400 response series indicates the target server is up\""),
  r("HC-03", "a probe answered 502/503/504 is repeated within min(1 s, I/2); when the repeat fails too, requests for that protocol go to another CAS of the site; with no other CAS up, the client gets an error", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"CAS2013 immediately retries\u2026\"; \"excludes it from being a proxy target\""),
  r("HC-04", "one 503 followed by a good repeat: the CAS keeps its traffic", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("HC-05", "after a down CAS answers probes well again, within 2\u00b7I it receives traffic again (shown by taking its peer down)", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"At the next interval \u2026 will attempt to determine the health state of the down CAS\""),
  r("HC-06", "a CAS2010 with IsOutOfService `$true` never receives proxied traffic", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"Set-ClientAccessServer <server> -IsOutofService $True\""),
  r("HC-07", "health is per protocol: EWS probes failing on a CAS leave its OWA traffic in place", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"up for the protocol in question\" (R since 2026-12: a whole server taken out for one protocol strands the users of every other)"),
  r("HC-08", "connection refused, timeout or TLS failure on a probe counts as a failure like 503", 'S', '-', '-', null, "PROTOCOL-FACTS (2013 CU23 ping manager)"),
  r("HC-09", "POP/IMAP targets are not probed", 'I', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"there is no health-checking on the target IMAP/POP services\""),
  r("MAIL-01", "2010 mailbox: the session reaches a CAS2010 of the mailbox's site at an endpoint listed in its InternalConnectionSettings", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("MAIL-02", "2007 mailbox: the session reaches a CAS2007 of the mailbox's site by FQDN, on the port of the chosen method", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("MAIL-03", "encrypted client session (implicit TLS, or after STARTTLS/STLS): the first connection to the target uses the first method the target offers in the order SSL, TLS, plaintext", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 \"try to locate an SSL proxy target first, TLS next, plaintext lastly\""),
  r("MAIL-04", "plaintext client session: the first connection uses the first offered in the order plaintext, SSL, TLS", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("MAIL-05", "IMAP (login, list, select, fetch) and POP3 (stat, list, retr) work end to end for Red, Purple, Blue, Orange, Grey", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001"),
  r("MAIL-06", "POP/IMAP for a mailbox in another site is not proxied (refused)", '-', '-', 'R', '003_db37de82c7aa626b.txt', "003 \"Proxying will not work for \u2026 POP3 or \u2026 IMAP4 clients.\""),
  r("MAIL-07", "credentials never travel in cleartext to a target that refuses plaintext login, and an encrypted client session is never carried on plaintext while an encrypted method is offered", '-', '-', '-', null, "\u2014", 'R'),
  r("MAIL-08", "when the chosen method is down on the target, the next method or endpoint is used", '-', '-', '-', null, "\u2014 (001: Exchange 2013 does not do this)", 'S'),
  r("COOK-01", "every Set-Cookie a proxied CAS2010 sends (session, canary, user context) reaches the client unchanged, several headers kept apart", 'R', '-', '-', '001_c5d87abfd53dd768.txt', "001 (OWA proxied to CAS2010); RFC 6265"),
  r("COOK-02", "no user-context cookie in the SP2 RU1 form ever reaches a CAS older than SP2 RU1 (`contoso-midupgrade`, with failover inside the Site3 pair)", 'S', 'I', '-', '000_fa4515a132c19ea4.txt', "000 \"earlier versions of Exchange do not understand the newer cookie\""),
  r("COOK-03", "advisory: a topology where an SP2 RU1 front door proxies to an older CAS2010, or to CAS2007 without the interim update, is reported as incompatible, with the seed's table", '-', 'I', '-', '000_fa4515a132c19ea4.txt', "000 (table)"),
  r("COOK-04", "OWA and EWS: the first CAS that served a user keeps serving that user while up; on its failure, another CAS of the site", 'R', 'R', 'R', '003_db37de82c7aa626b.txt', "003 \"a user who is proxied to CAS-01 the first time will always be proxied to CAS-01 \u2026 If CAS-01 is unavailable, the user will be proxied to CAS-02.\""),
  r("COOK-05", "EAS: a device keeps the Hub CAS that first served it (recorded; 003 calls its failure mode a limitation)", '-', '-', 'I', '003_db37de82c7aa626b.txt', "003"),
  r("COOK-06", "the front door never widens a cookie's Domain, nor carries a session cookie to another namespace on a redirect", '-', '-', '-', null, "\u2014", 'R'),
  r("COOK-07", "an SP2 RU1 front door's redirect of Purple to legacy works (000: redirection is not affected), and its proxying to an SP2 RU1 CAS works", '-', 'R', '-', '000_fa4515a132c19ea4.txt', "000 \"use redirection, which is not affected by the change\""),
  r("VER-01", "OWA and EAS from B to a target of build T: T = B works; T older works (OWA: if the folder is held, per OWA-09); T newer refused", '-', '-', 'R', '002_7cf54a298378f5d1.txt', "002, 003"),
  r("VER-02", "the report shows the matrix front-door build \u00d7 target build \u00d7 protocol with the outcome of each pair", 'I', 'I', 'I', '002_7cf54a298378f5d1.txt', "002, 003"),
  r("SEC-01", "hop-by-hop headers are stripped; X-Forwarded-For is appended; no open proxy (a Host or absolute URI outside the topology is refused)", '-', '-', '-', null, "\u2014", 'R'),
  r("SEC-02", "conflicting Content-Length / Transfer-Encoding is refused with 400 (no request smuggling)", '-', '-', '-', null, "\u2014", 'R'),
  r("SEC-03", "health probes carry no user credentials", '-', '-', '-', null, "\u2014", 'R'),
  r("SEC-04", "a malformed, oversized or slow client request gets a clear error and costs the front door bounded memory; other clients are served meanwhile", '-', '-', '-', null, "\u2014", 'R'),
];

const byId = new Map(RULES.map((x) => [x.id, x]));

/** A rule by ID; throws for an ID RULES.md does not have. */
export function ruleMeta(id: string): RuleMeta {
  const m = byId.get(id);
  if (!m) throw new RangeError(`no rule ${id} in RULES.md`);
  return m;
}
