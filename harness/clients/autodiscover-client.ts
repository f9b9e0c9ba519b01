/**
 * Autodiscover as Outlook and a mobile device ask it (POX, MS-OXDSCLI / MS-ASCMD Autodiscover), with
 * Basic authentication. The answer is checked for well-formedness (AUTOD-04 "POX answers are
 * well-formed") and read into the settings the rules judge: the Action, redirects, and per Protocol
 * block (EXCH, EXPR, WEB) the Server, ServerVersion and the EWS, OAB and AS URLs. Redirects (HTTP or
 * `redirectAddr`/`redirectUrl`) are reported, not followed.
 */
import type { Dispatcher } from 'undici';
import { recordedRequest, Transcript, type ResponseHeaders, type TranscriptEntry } from './transcript.ts';
import { child, childText, parseXml, type XmlElement } from './xml.ts';

export { HttpClientError } from './transcript.ts';

const NS_RESPONSE = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const NS_OUTLOOK_REQ = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006';
const NS_OUTLOOK = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const NS_MOBILE_REQ = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006';
const NS_MOBILE = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

export interface AutodiscoverOptions {
  timeoutMs?: number;
}

export interface AutodiscoverProtocol {
  type: string;
  server?: string;
  serverDN?: string;
  serverVersion?: string;
  ewsUrl?: string;
  oabUrl?: string;
  asUrl?: string;
  oofUrl?: string;
  ecpUrl?: string;
  authPackage?: string;
  ssl?: string;
  /** WEB blocks: External/OWAUrl. */
  owaUrl?: string;
}

interface Common {
  status: number;
  headers: ResponseHeaders;
  body: string;
  /** The answer parsed as XML (false also when there was no body to parse). */
  wellFormed: boolean;
  xmlError?: string;
  /** Error block of the answer (ErrorCode/Message, or the mobile Status/Message). */
  error?: { code: string; message: string };
  transcript: TranscriptEntry[];
}

export interface OutlookAutodiscover extends Common {
  /** settings | redirectAddr | redirectUrl (Account/Action), or null. */
  action: string | null;
  redirectAddr?: string;
  redirectUrl?: string;
  displayName?: string;
  protocols: AutodiscoverProtocol[];
  /** EWS URL Outlook uses from outside (EXPR), then inside (EXCH): what AUTOD-04 names. */
  ewsUrl?: string;
  /** OAB URL, the same way. */
  oabUrl?: string;
}

export interface MobileAutodiscover extends Common {
  /** settings | redirect | error, or null. */
  action: 'settings' | 'redirect' | 'error' | null;
  /** The MobileSync server URL (Settings), or the address to retry with (Redirect). */
  url?: string;
  redirect?: string;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** PROTOCOL-FACTS: the Outlook POX request, byte for byte but the address. */
export function outlookRequestBody(email: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover xmlns="${NS_OUTLOOK_REQ}"><Request><EMailAddress>${escapeXml(email)}</EMailAddress><AcceptableResponseSchema>${NS_OUTLOOK}</AcceptableResponseSchema></Request></Autodiscover>`;
}

export function mobileRequestBody(email: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<Autodiscover xmlns="${NS_MOBILE_REQ}"><Request><EMailAddress>${escapeXml(email)}</EMailAddress><AcceptableResponseSchema>${NS_MOBILE}</AcceptableResponseSchema></Request></Autodiscover>`;
}

async function post(dispatcher: Dispatcher, url: string, body: string, user: string, password: string, opts: AutodiscoverOptions) {
  const t = new Transcript();
  const res = await recordedRequest(dispatcher, t, {
    url,
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`, 'user-agent': 'Microsoft Office/14.0 (cas-conformance)' },
    body,
    bodySummary: body.replace(/^<\?xml[^>]*\?>\s*/, ''),
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
  const text = Buffer.from(res.body).toString('utf8');
  let root: XmlElement | undefined;
  let xmlError: string | undefined;
  if (text.trim()) {
    try {
      root = parseXml(text);
    } catch (err) {
      xmlError = (err as Error).message;
      t.note(`(answer is not well-formed XML: ${xmlError})`);
    }
  } else xmlError = 'empty body';
  if (root && (root.local !== 'Autodiscover' || root.ns !== NS_RESPONSE)) t.note(`(root element is {${root.ns}}${root.local}, not Autodiscover of ${NS_RESPONSE})`);
  const response = root?.ns === NS_RESPONSE && root.local === 'Autodiscover' ? child(root, 'Response') : undefined;
  const err = child(response, 'Error');
  const error = err ? { code: childText(err, 'ErrorCode') ?? childText(err, 'Status') ?? '', message: childText(err, 'Message') ?? '' } : undefined;
  const common: Common = { status: res.status, headers: res.headers, body: text, wellFormed: !!root, ...(xmlError ? { xmlError } : {}), ...(error ? { error } : {}), transcript: t.snapshot() };
  return { common, response, t };
}

/**
 * POX Autodiscover for Outlook.
 * @example
 * const a = await autodiscoverOutlook(agent, lab.origin('cas2010.site1.contoso.lab') + '/Autodiscover/Autodiscover.xml',
 *   'blue@contoso.lab', 'blue', 'Blue-P@ss1');
 * new URL(a.ewsUrl!).hostname; // 'mail.contoso.lab'
 */
export async function autodiscoverOutlook(dispatcher: Dispatcher, url: string, email: string, user: string, password: string, opts: AutodiscoverOptions = {}): Promise<OutlookAutodiscover> {
  const { common, response } = await post(dispatcher, url, outlookRequestBody(email), user, password, opts);
  const outlook = response?.ns === NS_OUTLOOK ? response : undefined;
  const account = child(outlook, 'Account');
  const protocols = (account?.children ?? []).filter((c) => c.local === 'Protocol').map(readProtocol);
  const expr = protocols.find((p) => p.type === 'EXPR');
  const exch = protocols.find((p) => p.type === 'EXCH');
  const displayName = childText(child(outlook, 'User'), 'DisplayName');
  const redirectAddr = childText(account, 'RedirectAddr');
  const redirectUrl = childText(account, 'RedirectUrl') ?? childText(account, 'RedirectURL');
  const ewsUrl = expr?.ewsUrl ?? exch?.ewsUrl;
  const oabUrl = expr?.oabUrl ?? exch?.oabUrl;
  return {
    ...common,
    action: childText(account, 'Action') ?? null,
    protocols,
    ...(displayName ? { displayName } : {}),
    ...(redirectAddr ? { redirectAddr } : {}),
    ...(redirectUrl ? { redirectUrl } : {}),
    ...(ewsUrl ? { ewsUrl } : {}),
    ...(oabUrl ? { oabUrl } : {}),
  };
}

function readProtocol(p: XmlElement): AutodiscoverProtocol {
  const out: AutodiscoverProtocol = { type: childText(p, 'Type') ?? '' };
  const fields: [keyof AutodiscoverProtocol, string][] = [
    ['server', 'Server'], ['serverDN', 'ServerDN'], ['serverVersion', 'ServerVersion'], ['ewsUrl', 'EwsUrl'], ['oabUrl', 'OABUrl'],
    ['asUrl', 'ASUrl'], ['oofUrl', 'OOFUrl'], ['ecpUrl', 'EcpUrl'], ['authPackage', 'AuthPackage'], ['ssl', 'SSL'],
  ];
  for (const [k, name] of fields) {
    const v = childText(p, name);
    if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
  }
  const owa = childText(child(p, 'External'), 'OWAUrl');
  if (owa) out.owaUrl = owa;
  return out;
}

/**
 * Mobile (mobilesync) Autodiscover: where a device should sync.
 * @example
 * const m = await autodiscoverMobile(agent, adUrl, 'orange@contoso.lab', 'orange', 'Orange-P@ss1');
 * m.url; // 'https://mail-region.contoso.lab:.../Microsoft-Server-ActiveSync'
 */
export async function autodiscoverMobile(dispatcher: Dispatcher, url: string, email: string, user: string, password: string, opts: AutodiscoverOptions = {}): Promise<MobileAutodiscover> {
  const { common, response } = await post(dispatcher, url, mobileRequestBody(email), user, password, opts);
  const mobile = response?.ns === NS_MOBILE ? response : undefined;
  const action = child(mobile, 'Action');
  const settings = child(action, 'Settings');
  if (settings) {
    const server = (settings.children.filter((c) => c.local === 'Server')).find((s) => childText(s, 'Type') === 'MobileSync');
    const u = childText(server, 'Url');
    return { ...common, action: 'settings', ...(u ? { url: u } : {}) };
  }
  const redirect = childText(action, 'Redirect');
  if (redirect !== undefined) return { ...common, action: 'redirect', redirect };
  const err = child(action, 'Error');
  if (err) return { ...common, action: 'error', error: { code: childText(err, 'Status') ?? '', message: childText(err, 'Message') ?? '' } };
  return { ...common, action: null };
}
