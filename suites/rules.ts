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
 *   (whitespace aside). A rule with no seed (hardened rules; HC-08 from PROTOCOL-FACTS) says where it
 *   comes from instead.
 */
import type { Family, Level, RuleMeta, Severity } from '../reports/types.ts';

/** One row of the catalogue. */
export interface RuleEntry {
  id: string;
  severity: Severity;
  scope: Family[];
  levels: { exchange2013: Level; exchange2010: Level; exchange2007: Level };
  hardened?: Level;
  title: string;
  seed: SeedNumber | null;
  quote: string;
}

/** The seed files (../shared/seeds/) by number. */
export const SEED_FILES = {
  '000': '000_fa4515a132c19ea4.txt',
  '001': '001_c5d87abfd53dd768.txt',
  '002': '002_7cf54a298378f5d1.txt',
  '003': '003_db37de82c7aa626b.txt',
  '004': '004_e64883290b086638.txt',
} as const;
export type SeedNumber = keyof typeof SEED_FILES;

export const CATALOGUE: readonly RuleEntry[] = [
  // AUTH
  {
    id: 'AUTH-01', severity: 'critical', scope: ['http', 'mail'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "missing or wrong credentials are refused at the front door, for every protocol; no mock CAS receives a user request for them",
    seed: '001',
    quote: "CAS2013 in Site1 will authenticate the user, do a service discovery, and determine that the mailbox version is 2010 and is located within the local AD site.",
  },
  {
    id: 'AUTH-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "an anonymous request on a fresh client connection, right after another user's NTLM handshake through the front door, is never served as that user (every NTLM-hopped vdir, and across vdirs)",
    seed: '003',
    quote: "When an Internet-facing Client Access server proxies a request to a non-Internet-facing Client Access server, the connection is maintained by using information that is stored in the local Administrator account.",
  },
  {
    id: 'AUTH-03', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "interleaved keep-alive client connections (anonymous, user A, user B): every request is served as its own user or refused",
    seed: '003',
    quote: "When an Internet-facing Client Access server proxies a request to a non-Internet-facing Client Access server, the connection is maintained by using information that is stored in the local Administrator account.",
  },
  {
    id: 'AUTH-04', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "health probes are never served as a user (no authenticated pooled connection carries a probe)",
    seed: '001',
    quote: "Every 50 seconds, CAS2013 will send a lightweight request to each protocol end point to all the Client Access servers in the topology map",
  },
  {
    id: 'AUTH-05', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "under concurrency (N clients \u00d7 M users, bounded): zero responses carrying another user's data",
    seed: '003',
    quote: "When an Internet-facing Client Access server proxies a request to a non-Internet-facing Client Access server, the connection is maintained by using information that is stored in the local Administrator account.",
  },
  // TLS
  {
    id: 'TLS-01', severity: 'critical', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "every HTTP hop to a legacy CAS is HTTPS (in 10/07 unless `allowProxyingWithoutSsl` is set and the target InternalUrl is `http://`)",
    seed: '003',
    quote: "Communications between Client Access servers in different sites occur over Secure HTTP (HTTPS).",
  },
  {
    id: 'TLS-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA to a target whose InternalUrl is `http://`, switch not set: refused (`contoso-nossl`)",
    seed: '004',
    quote: "\"%2\" has been set to use \"http://\" (not using SSL) instead of \"https://\" (using SSL).",
  },
  {
    id: 'TLS-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "with `allowProxyingWithoutSsl`: OWA to an `http://` InternalUrl is proxied over HTTP, and to an `https://` InternalUrl still over HTTPS",
    seed: '004',
    quote: "If you don't want this proxy connection to use SSL, you need to set the registry key \"AllowProxyingWithoutSSL\" on this Client Access server",
  },
  {
    id: 'TLS-04', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA target answers 403 to the hop: the client gets an error; at most 2 requests reach the target; no `http://` retry",
    seed: '004',
    quote: "The destination virtual directory returned an HTTP 403 error code.",
  },
  {
    id: 'TLS-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "proxying to a non-Internet-facing CAS that keeps Exchange's default self-signed certificate works; the candidate is not given that certificate",
    seed: '003',
    quote: "They can use the self-signed certificate that is installed by default with Exchange 2007.",
  },
  {
    id: 'TLS-06', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "hops to CAS2010 (every protocol) and to CAS2007 (every protocol but EAS) go by FQDN, not by a load-balanced namespace or the InternalURL host",
    seed: '001',
    quote: "when CAS2013 proxies to a legacy Exchange Client Access server, it constructs a URL based on the server FQDN, not a load balanced namespace or the InternalURL value.",
  },
  {
    id: 'TLS-07', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "where the topology pins a CAS's certificate or CA, a certificate for another name or from another issuer is refused",
    seed: null,
    quote: "\u2014",
  },
  // AUTOD
  {
    id: 'AUTOD-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2010 mailbox: proxied to a CAS2010 in the mailbox's site (Red \u2192 Site1, Blue \u2192 Site3, Orange \u2192 Site2); the answer is that CAS's",
    seed: '001',
    quote: "This means that for Red User, this will be a local proxy to a CAS2010 in Site1.",
  },
  {
    id: 'AUTOD-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2007 mailbox (Purple, Grey): no legacy CAS receives an Autodiscover request; the answer comes from the front door",
    seed: '001',
    quote: "This means for Purple User, the MBX2013 server in Site1 will generate the response.",
  },
  {
    id: 'AUTOD-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "the front door answers Autodiscover for 2007 and 2010 mailboxes alike (served locally or via its own site)",
    seed: '001',
    quote: "The Autodiscover service on Exchange 2010 can process Autodiscover requests for both Exchange 2007 and Exchange 2010 mailboxes.",
  },
  {
    id: 'AUTOD-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "POX answers are well-formed and their EWS URLs are: Red \u2192 mail, Blue \u2192 mail, Purple \u2192 legacy, Orange \u2192 mail-region (13 also Grey \u2192 legacy, and OAB URLs the same way)",
    seed: '001',
    quote: "For the Orange User, Autodiscover will return the mail-region.contoso.com namespace for the Exchange Web Service URL.",
  },
  {
    id: 'AUTOD-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "mobile (mobilesync) Autodiscover for Orange returns the mail-region URL; for Red the mail URL",
    seed: '001',
    quote: "Note that any new device that is configured will automatically be configured to use mail-region.contoso.com.",
  },
  // OA
  {
    id: 'OA-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Red \u2192 CAS2010 Site1; Purple \u2192 CAS2007 Site1; Blue \u2192 CAS2010 Site3",
    seed: '001',
    quote: "CAS2013 will proxy the request to CAS2010 in Site1.",
  },
  {
    id: 'OA-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: '-', exchange2007: '-' },
    title: "the hop authenticates with NTLM where the legacy vdir offers NTLM and Basic",
    seed: '001',
    quote: "you will need to enable Outlook Anywhere on your legacy Client Access servers and enable NTLM in addition to basic authentication for the IIS Authentication Method.",
  },
  {
    id: 'OA-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Red served locally; Blue proxied to CAS2010 Site3",
    seed: '001',
    quote: "CAS2010 in Site1 will de-encapsulate the RPC data embedded within the HTTP packet, determine that the mailbox server hosting the mailbox is located in another AD site (in this case Site3) and proxy the Outlook RPC data to the target Exchange 2010 Client Access server.",
  },
  // OWA
  {
    id: 'OWA-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally",
    seed: '001',
    quote: "CAS2013 will proxy the request to an Exchange 2010 Client Access server which will retrieve the necessary data from the Exchange 2010 Mailbox server.",
  },
  {
    id: 'OWA-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Purple: silent redirect to `legacy`; no legacy CAS receives a proxied OWA request for Purple",
    seed: '001',
    quote: "CAS2010 will initiate a single sign-on silent redirect (assumes FBA is enabled on source and target) to legacy.contoso.com.",
  },
  {
    id: 'OWA-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in a site without OWA ExternalURL: proxied to a CAS of that site (13: Blue, by FQDN; 10: Blue, via InternalURL; 07: User3, via InternalURL)",
    seed: '001',
    quote: "CAS2013 in Site1 will proxy the request to CAS2010 in Site3.",
  },
  {
    id: 'OWA-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Orange: silent redirect to `mail-region`",
    seed: '001',
    quote: "CAS2013 in Site1 will initiate a single sign-on silent redirect (assumes FBA is enabled on source and target) to mail-region.contoso.com.",
  },
  {
    id: 'OWA-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in another Internet-facing site: manual redirect to its full OWA ExternalURL (10: Orange \u2192 `https://mail-region\u2026/owa`, unless crossSiteSilentRedirect; 07: User2 \u2192 `https://www.europe\u2026/owa`, when redirectToOptimalOwaServer)",
    seed: '001',
    quote: "CAS2010 in Site1 is not configured to do a cross-site silent redirection, therefore, the user is prompted to use the correct URL to access his mailbox data.",
  },
  {
    id: 'OWA-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "`redirectToOptimalOwaServer $false` on the front door: User2 is proxied to the Europe CAS instead",
    seed: '003',
    quote: "If your organization has multiple Internet-facing Active Directory sites and the Internet connection to one of those sites is disabled, you can temporarily disable redirection and configure Outlook Web Access to use proxying instead.",
  },
  {
    id: 'OWA-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Grey: silent redirect to `legacy` (what CAS2007 Site1 does next is the lab's business)",
    seed: '001',
    quote: "CAS2013 will issue a single sign-on silent redirect to legacy.contoso.com.",
  },
  {
    id: 'OWA-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "every versioned resource `/owa/<folder>/\u2026` that a proxied page references loads through the front door with 200",
    seed: '002',
    quote: "If the proxying Client Access server is running a newer version of Exchange than the Client Access server it is proxying to, the proxying Client Access server needs to have an Outlook Web Access resource folder",
  },
  {
    id: 'OWA-09', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'I', exchange2007: 'R' },
    title: "version rule for a front door of build B proxying OWA to a target of build T: T = B works; T older works only if the front door holds T's resource folder (the highest one present on the target), otherwise refused; T newer is refused",
    seed: '002',
    quote: "The Internet-facing CAS must have the highest control directory that is present on the destination CAS.",
  },
  {
    id: 'OWA-10', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "a target OWA vdir with Basic only: the front door does not proxy to it (refused) (`contoso-basic`)",
    seed: '003',
    quote: "Proxying is not supported for virtual directories that use other authentication methods.",
  },
  // EAS
  {
    id: 'EAS-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Orange with a device type on the 451 list: `451` with `X-MS-Location: https://mail-region.contoso.lab/Microsoft-Server-ActiveSync`, no hop",
    seed: '001',
    quote: "Assuming the device supports Autodiscover and is on a defined list of devices that supports the 451 redirect response, CAS2010 will issue a 451 response to the device, notifying the device it needs to use a new namespace, mail-region.contoso.com.",
  },
  {
    id: 'EAS-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "Orange with a device type not on the list: proxied to CAS2010 Site2",
    seed: '001',
    quote: "If the device is not on the supported list, then CAS2010 in Site1 will proxy the request to CAS2010 in Site2",
  },
  {
    id: 'EAS-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "never 451: Orange, with listed and unlisted devices, proxied to CAS2010 Site2",
    seed: '001',
    quote: "Exchange 2013 no longer supports the 451 redirect response \u2013 Exchange 2013 will always proxy ActiveSync requests.",
  },
  {
    id: 'EAS-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in a site without EAS ExternalURL: proxied to a CAS of that site (13/10: Blue \u2192 CAS2010 Site3; 07: User3 \u2192 a Hub CAS via InternalURL)",
    seed: '001',
    quote: "CAS2010 in Site1 will issue a cross-site proxy the request to CAS2010 in Site3.",
  },
  {
    id: 'EAS-05', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Purple and Grey: the request reaches the CAS2007 EAS vdir of the mailbox's site at its InternalURL host",
    seed: '001',
    quote: "The Exchange 2013 Mailbox server will send the request to an Exchange 2007 Client Access server that exists within the mailbox\u2019s site (specifically, the InternalURL value of the Microsoft-Server-ActiveSync virtual directory on CAS2007)",
  },
  {
    id: 'EAS-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "User2 (target site's CAS has an EAS ExternalURL): `451`",
    seed: '003',
    quote: "If the proxied Client Access server has the ExternalURL property configured on the Microsoft-Server-ActiveSync virtual directory, an HTTP error code 451 will be returned.",
  },
  {
    id: 'EAS-07', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "target EAS vdir with Basic only (`contoso-basic`), or with no InternalURL (`contoso-nointernalurl`): refused",
    seed: '003',
    quote: "Otherwise, the request is rejected. An error code is returned to the mobile device if the request is rejected.",
  },
  {
    id: 'EAS-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "mailbox in the front door's site: 13 Red proxied to CAS2010 Site1; 10 Red served locally; 07 User1 served locally",
    seed: '001',
    quote: "CAS2013 will proxy the request to an Exchange 2010 Client Access server which will retrieve the necessary data from the Exchange 2010 Mailbox server.",
  },
  // EWS
  {
    id: 'EWS-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: '-' },
    title: "Red \u2192 CAS2010 Site1; Blue \u2192 CAS2010 Site3 (10: Red served locally)",
    seed: '001',
    quote: "For the Blue User, Autodiscover will return the mail.contoso.com namespace for the Exchange Web Service URL. CAS2013 will then proxy the request to an Exchange 2010 Client Access server located in Site3.",
  },
  {
    id: 'EWS-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "front door of build B: if B is RTM, EWS for a mailbox in another site is refused; if B \u2265 SP1, EWS for a Hub mailbox behind an SP1+ CAS of build \u2264 B is proxied, and for a mailbox on RTM refused",
    seed: '003',
    quote: "If the user's mailbox is located on a server that is running the RTM version of Exchange 2007, the request will fail.",
  },
  {
    id: 'EWS-03', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'S' },
    title: "one request naming mailboxes in different sites is refused, except the Availability service",
    seed: '003',
    quote: "A single request for multiple users in different Active Directory sites is not supported for any web services other than the Availability Service.",
  },
  {
    id: 'EWS-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "Availability requests for a mailbox in another site are proxied",
    seed: '003',
    quote: "The following table summarizes the protocols that are used to access Exchange 2007 and how they are used for proxying and redirection.",
  },
  // OAB
  {
    id: 'OAB-01', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "Red and Blue: OAB on `mail` proxied to a CAS in Site1 that is a web distribution point for that OAB",
    seed: '001',
    quote: "CAS2013 will then proxy the request to any Client Access server within the local site that is a web distribution point for the Offline Address Book in question.",
  },
  // HC
  {
    id: 'HC-01', severity: 'fingerprint', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "every legacy CAS receives probes with User-Agent `HttpProxy.ClientAccessServer2010Ping` on each protocol vdir it has (HEAD /EWS, /Microsoft-Server-ActiveSync/default.eas, /OAB; GET /owa; and on CAS2010 HEAD /ecp, /PowerShell), successive probes of one endpoint 0.5\u00b7I to 1.5\u00b7I apart",
    seed: '001',
    quote: "Every 50 seconds, CAS2013 will send a lightweight request to each protocol end point to all the Client Access servers in the topology map; these requests have a user agent string of HttpProxy.ClientAccessServer2010Ping (yes, even Exchange 2007 servers are targeted with that user string).",
  },
  {
    id: 'HC-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "302 and 401 answers to probes keep a CAS in service: its traffic is unchanged",
    seed: '001',
    quote: "CAS2013 expects a response - a 200/300/400 response series indicates the target server is up for the protocol in question; a 502, 503, or 504 response indicates a failure.",
  },
  {
    id: 'HC-03', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "a probe answered 502/503/504 is repeated within min(1 s, I/2); when the repeat fails too, requests for that protocol go to another CAS of the site; with no other CAS up, the client gets an error",
    seed: '001',
    quote: "If this second attempt fails, CAS2013 marks the target CAS as down and excludes it from being a proxy target.",
  },
  {
    id: 'HC-04', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "one 503 followed by a good repeat: the CAS keeps its traffic",
    seed: '001',
    quote: "If a failure response occurs, CAS2013 immediately retries to determine if the error was a transient error.",
  },
  {
    id: 'HC-05', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "after a down CAS answers probes well again, within 2\u00b7I it receives traffic again (shown by taking its peer down)",
    seed: '001',
    quote: "At the next interval (50 seconds), CAS2013 will attempt to determine the health state of the down CAS to determine if it is available.",
  },
  {
    id: 'HC-06', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "a CAS2010 with IsOutOfService `$true` never receives proxied traffic",
    seed: '001',
    quote: "If for some reason, you would like to ensure a particular CAS2010 is never considered a proxy endpoint (or want to remove it for maintenance activities), you can do so by executing the following cmdlet on Exchange 2010 (note that this feature does not exist on Exchange 2007):",
  },
  {
    id: 'HC-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "health is per protocol: EWS probes failing on a CAS leave its OWA traffic in place",
    seed: '001',
    quote: "CAS2013 expects a response - a 200/300/400 response series indicates the target server is up for the protocol in question; a 502, 503, or 504 response indicates a failure.",
  },
  {
    id: 'HC-08', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: '-', exchange2007: '-' },
    title: "connection refused, timeout or TLS failure on a probe counts as a failure like 503",
    seed: null,
    quote: "PROTOCOL-FACTS (2013 CU23 ping manager): DNS, connect, send or timeout failures count as unhealthy.",
  },
  {
    id: 'HC-09', severity: 'fingerprint', scope: ['mail'],
    levels: { exchange2013: 'I', exchange2010: '-', exchange2007: '-' },
    title: "POP/IMAP targets are not probed",
    seed: '001',
    quote: "However, there is one key difference, there is no health-checking on the target IMAP/POP services.",
  },
  // MAIL
  {
    id: 'MAIL-01', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2010 mailbox: the session reaches a CAS2010 of the mailbox's site at an endpoint listed in its InternalConnectionSettings",
    seed: '001',
    quote: "If the target mailbox is E2010, CAS2013 will enumerate the POP or IMAP InternalConnectionSettings property value for each Exchange 2010 Client Access server within the mailbox\u2019s site.",
  },
  {
    id: 'MAIL-02', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "2007 mailbox: the session reaches a CAS2007 of the mailbox's site by FQDN, on the port of the chosen method",
    seed: '001',
    quote: "If the target mailbox is E2007, CAS2013 will enumerate each Exchange 2007 Client Access server\u2019s server FQDN within the mailbox\u2019s site.",
  },
  {
    id: 'MAIL-03', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "encrypted client session (implicit TLS, or after STARTTLS/STLS): the first connection to the target uses the first method the target offers in the order SSL, TLS, plaintext",
    seed: '001',
    quote: "If the incoming connection is over an encrypted channel, CAS2013 will try to locate an SSL proxy target first, TLS next, plaintext lastly.",
  },
  {
    id: 'MAIL-04', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "plaintext client session: the first connection uses the first offered in the order plaintext, SSL, TLS",
    seed: '001',
    quote: "If the incoming connection is over a plaintext channel, CAS2013 will try to locate a plaintext proxy target first, SSL next, TLS lastly.",
  },
  {
    id: 'MAIL-05', severity: 'major', scope: ['mail'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "IMAP (login, list, select, fetch) and POP3 (stat, list, retr) work end to end for Red, Purple, Blue, Orange, Grey",
    seed: '001',
    quote: "Like the HTTP-based client counterparts, IMAP and POP clients are also proxied from the Exchange 2013 Client Access server to a target server",
  },
  {
    id: 'MAIL-06', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "POP/IMAP for a mailbox in another site is not proxied (refused)",
    seed: '003',
    quote: "A client that is using POP3 or IMAP4 must connect to a Client Access server in the same Active Directory site as its Mailbox server.",
  },
  {
    id: 'MAIL-07', severity: 'critical', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "credentials never travel in cleartext to a target that refuses plaintext login, and an encrypted client session is never carried on plaintext while an encrypted method is offered",
    seed: null,
    quote: "\u2014",
  },
  {
    id: 'MAIL-08', severity: 'minor', scope: ['mail'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'S',
    title: "when the chosen method is down on the target, the next method or endpoint is used",
    seed: '001',
    quote: "Important: Exchange 2013 Client Access servers do not validate that the POP or IMAP services are actually running on the target Client Access servers.",
  },
  // COOK
  {
    id: 'COOK-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: '-', exchange2007: '-' },
    title: "every Set-Cookie a proxied CAS2010 sends (session, canary, user context) reaches the client unchanged, several headers kept apart",
    seed: '001',
    quote: "CAS2013 will proxy the request to an Exchange 2010 Client Access server which will retrieve the necessary data from the Exchange 2010 Mailbox server.",
  },
  {
    id: 'COOK-02', severity: 'major', scope: ['http'],
    levels: { exchange2013: 'S', exchange2010: 'I', exchange2007: '-' },
    title: "no user-context cookie in the SP2 RU1 form ever reaches a CAS older than SP2 RU1 (`contoso-midupgrade`, with failover inside the Site3 pair)",
    seed: '000',
    quote: "The change is such that earlier versions of Exchange do not understand the newer cookie used by the SP2 RU1 server.",
  },
  {
    id: 'COOK-03', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'I', exchange2007: '-' },
    title: "advisory: a topology where an SP2 RU1 front door proxies to an older CAS2010, or to CAS2007 without the interim update, is reported as incompatible, with the seed's table",
    seed: '000',
    quote: "However, if you are using CAS-to-CAS proxying, where an Exchange 2010 SP2 RU1 Client Access server is proxying to an earlier version of Exchange 2010 or Exchange 2007 Client Access server, then you are affected by the change.",
  },
  {
    id: 'COOK-04', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'R', exchange2010: 'R', exchange2007: 'R' },
    title: "OWA and EWS: the first CAS that served a user keeps serving that user while up; on its failure, another CAS of the site",
    seed: '003',
    quote: "If CAS-01 is unavailable, the user will be proxied to CAS-02.",
  },
  {
    id: 'COOK-05', severity: 'minor', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'I' },
    title: "EAS: a device keeps the Hub CAS that first served it (recorded; 003 calls its failure mode a limitation)",
    seed: '003',
    quote: "Therefore, if a client is proxied to CAS-02 the first time that they connect, they will be proxied to CAS-02 every time that they connect.",
  },
  {
    id: 'COOK-06', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "the front door never widens a cookie's Domain, nor carries a session cookie to another namespace on a redirect",
    seed: null,
    quote: "\u2014",
  },
  {
    id: 'COOK-07', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: 'R', exchange2007: '-' },
    title: "an SP2 RU1 front door's redirect of Purple to legacy works (000: redirection is not affected), and its proxying to an SP2 RU1 CAS works",
    seed: '000',
    quote: "Many Exchange customers do not use proxying between Exchange 2010 and Exchange 2007 but rather use redirection, which is not affected by the change.",
  },
  // VER
  {
    id: 'VER-01', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: 'R' },
    title: "OWA and EAS from B to a target of build T: T = B works; T older works (OWA: if the folder is held, per OWA-09); T newer refused",
    seed: '002',
    quote: "We recommend that you always update the Internet-facing CAS first.",
  },
  {
    id: 'VER-02', severity: 'minor', scope: ['http'],
    levels: { exchange2013: 'I', exchange2010: 'I', exchange2007: 'I' },
    title: "the report shows the matrix front-door build \u00d7 target build \u00d7 protocol with the outcome of each pair",
    seed: '002',
    quote: "If you will be running Outlook Web Access proxying with mismatched server versions, you can manually copy this resource folder to the proxying Client Access server.",
  },
  // SEC
  {
    id: 'SEC-01', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "hop-by-hop headers are stripped; X-Forwarded-For is appended; no open proxy (a Host or absolute URI outside the topology is refused)",
    seed: null,
    quote: "\u2014",
  },
  {
    id: 'SEC-02', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "conflicting Content-Length / Transfer-Encoding is refused with 400 (no request smuggling)",
    seed: null,
    quote: "\u2014",
  },
  {
    id: 'SEC-03', severity: 'critical', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "health probes carry no user credentials",
    seed: null,
    quote: "\u2014",
  },
  {
    id: 'SEC-04', severity: 'major', scope: ['http'],
    levels: { exchange2013: '-', exchange2010: '-', exchange2007: '-' }, hardened: 'R',
    title: "a malformed, oversized or slow client request gets a clear error and costs the front door bounded memory; other clients are served meanwhile",
    seed: null,
    quote: "\u2014",
  },
];

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
