/**
 * Autodiscover answered by the front door itself for 2007 mailboxes (001: "For mailboxes that exist on
 * Exchange 2007, CAS2013 will proxy the request to an Exchange 2013 Mailbox server in the local site,
 * which will generate the Autodiscover response"). POX per MS-OXDSCLI (PROTOCOL-FACTS): EWS and OAB
 * URLs on the legacy namespace (001 EWS 2: "Autodiscover will return the legacy.contoso.com namespace for
 * the Exchange Web Service URL"; OAB 2 the same), Outlook Anywhere on the front door's namespace (001:
 * "Purple User will connect to mail.contoso.com as his RPC proxy endpoint"), and the mobile answer on
 * the front door (it proxies EAS for 2007 mailboxes).
 */
import type { DirServer, DirUser } from '../../../harness/topology/directory-contract.ts';
import { casIn, frontDoorOrigin, type OrgView } from '../routing/org-view.ts';
import { esc } from './owa-pages.ts';

const NS_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const NS_OUTLOOK = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const NS_MOBILE_REQ = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const NS_MOBILE = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

/**
 * POX ServerVersion: 4 bits 0111, 6 bits major, 6 bits minor, 1 flag bit, 15 bits build, 8 hex digits.
 * @example serverVersionHex('8.3.83.6') // '72038053'
 */
export function serverVersionHex(build: string): string {
  const [maj = 0, min = 0, b = 0] = build.split('.').map(Number);
  const v = ((0b0111 << 28) | ((maj & 0x3f) << 22) | ((min & 0x3f) << 16) | (1 << 15) | (b & 0x7fff)) >>> 0;
  return v.toString(16).toUpperCase().padStart(8, '0');
}

const el = (name: string, value: string | null | undefined) => (value ? `<${name}>${esc(value)}</${name}>` : '');

/** The legacy (2007) CAS whose ExternalURLs a 2007 mailbox uses: its own site's, else the front door's site's, else any Internet-facing site's. */
function legacyCas(view: OrgView, user: DirUser): DirServer | undefined {
  const sites = [user.site, view.frontDoorSite, ...view.sites.filter((s) => s.internetFacing).map((s) => s.name)];
  for (const site of sites) {
    const s = casIn(view, site, 2007).find((x) => x.vdirs.ews.labExternalUrl);
    if (s) return s;
  }
  return undefined;
}

export interface AutodiscoverRequest {
  email: string | null;
  mobile: boolean;
}

/** What the POX request asks (EMailAddress, and whether it is the mobilesync schema). */
export function parseAutodiscoverRequest(body: string): AutodiscoverRequest {
  const m = /<EMailAddress>\s*([^<\s]+)\s*<\/EMailAddress>/i.exec(body);
  return { email: m?.[1] ?? null, mobile: body.includes(NS_MOBILE_REQ) };
}

/** The POX answer for a 2007 mailbox. */
export function autodiscover2007(view: OrgView, user: DirUser, mobile: boolean): string {
  const fd = frontDoorOrigin(view);
  if (mobile) {
    const url = `${fd}/Microsoft-Server-ActiveSync`;
    return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="${NS_RESPONSE}">
  <Response xmlns="${NS_MOBILE}">
    <Culture>en:us</Culture>
    <User><DisplayName>${esc(user.name)}</DisplayName><EMailAddress>${esc(user.email)}</EMailAddress></User>
    <Action><Settings><Server><Type>MobileSync</Type><Url>${esc(url)}</Url><Name>${esc(url)}</Name></Server></Settings></Action>
  </Response>
</Autodiscover>
`;
  }
  const local = casIn(view, user.site, 2007)[0];
  const legacy = legacyCas(view, user);
  const short = user.mailboxServer.split('.')[0]!;
  const org = '/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)';
  const internalEws = local?.vdirs.ews.labInternalUrl;
  const exch = `<Protocol><Type>EXCH</Type>${el('Server', user.mailboxServer)}${el('ServerDN', `${org}/cn=Configuration/cn=Servers/cn=${short}`)}${el('ServerVersion', serverVersionHex(user.mailboxBuildNumber))}${el('MdbDN', `${org}/cn=Configuration/cn=Servers/cn=${short}/cn=Microsoft Private MDB`)}${el('ASUrl', internalEws)}${el('EwsUrl', internalEws)}${el('OOFUrl', internalEws)}${el('OABUrl', local?.vdirs.oab.labInternalUrl)}</Protocol>`;
  const ews = legacy?.vdirs.ews.labExternalUrl;
  const expr = `<Protocol><Type>EXPR</Type>${el('Server', view.frontDoorNamespaces[0])}<SSL>On</SSL><AuthPackage>Ntlm</AuthPackage>${el('ASUrl', ews)}${el('EwsUrl', ews)}${el('OOFUrl', ews)}${el('OABUrl', legacy?.vdirs.oab.labExternalUrl)}</Protocol>`;
  const web = `<Protocol><Type>WEB</Type><External><OWAUrl AuthenticationMethod="Fba">${esc(`${fd}/owa/`)}</OWAUrl></External></Protocol>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS_RESPONSE}">
  <Response xmlns="${NS_OUTLOOK}">
    <User><DisplayName>${esc(user.name)}</DisplayName><LegacyDN>${esc(`${org}/cn=Recipients/cn=${user.samAccountName}`)}</LegacyDN><AutoDiscoverSMTPAddress>${esc(user.email)}</AutoDiscoverSMTPAddress><DeploymentId>6e7f1d2a-3b4c-4d5e-8f90-a1b2c3d4e5f6</DeploymentId></User>
    <Account><AccountType>email</AccountType><Action>settings</Action>${exch}${expr}${web}</Account>
  </Response>
</Autodiscover>
`;
}

/** Autodiscover's error answer (600 Invalid Request, 500 address not found). */
export function autodiscoverError(code: number, message: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS_RESPONSE}">
  <Response>
    <Error Time="${new Date().toISOString().slice(11, 19)}" Id="2477272013"><ErrorCode>${code}</ErrorCode><Message>${esc(message)}</Message><DebugData /></Error>
  </Response>
</Autodiscover>
`;
}
