/**
 * Exchange Web Services requests of the suite (SOAP 1.1, Basic authentication): GetFolder of the
 * inbox, GetUserAvailability for several mailboxes (003: the Availability service is proxied across
 * sites) and a FindItem naming several mailboxes (003: "A single request for multiple users in
 * different Active Directory sites is not supported for any web services other than the Availability
 * Service"). Answers are read for `ServerVersionInfo` (which build answered) and every `ResponseCode`.
 */
import type { Dispatcher } from 'undici';
import { recordedRequest, Transcript, type ResponseHeaders, type TranscriptEntry } from './transcript.ts';
import { child, childText, descendants, parseXml, type XmlElement } from './xml.ts';

export { HttpClientError } from './transcript.ts';

const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
const NS_TYPES = 'http://schemas.microsoft.com/exchange/services/2006/types';
const NS_MESSAGES = 'http://schemas.microsoft.com/exchange/services/2006/messages';

export type EwsVersion = 'Exchange2007' | 'Exchange2007_SP1' | 'Exchange2010' | 'Exchange2010_SP1' | 'Exchange2010_SP2';

export interface EwsOptions {
  /** RequestServerVersion. Default Exchange2007_SP1 (understood by 2007 SP1+ and 2010). */
  version?: EwsVersion;
  timeoutMs?: number;
}

export interface ServerVersionInfo {
  majorVersion: number;
  minorVersion: number;
  majorBuildNumber: number;
  minorBuildNumber: number;
  /** Exchange 2010 only (PROTOCOL-FACTS: 2007 sends no Version attribute). */
  version?: string;
}

export interface EwsResult {
  status: number;
  headers: ResponseHeaders;
  body: string;
  wellFormed: boolean;
  xmlError?: string;
  serverVersion?: ServerVersionInfo;
  /** Every ResponseCode in the answer, in order (NoError, ErrorProxyRequestNotAllowed, ...). */
  responseCodes: string[];
  /** ResponseClass attributes (Success, Warning, Error), in order. */
  responseClasses: string[];
  messageTexts: string[];
  /** A SOAP fault's faultstring, if the answer is one. */
  fault?: string;
  transcript: TranscriptEntry[];
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function envelope(version: EwsVersion, body: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<soap:Envelope xmlns:soap="${NS_SOAP}" xmlns:t="${NS_TYPES}" xmlns:m="${NS_MESSAGES}"><soap:Header><t:RequestServerVersion Version="${version}"/></soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`;
}

/** The GetFolder body for the inbox. */
export function getFolderBody(): string {
  return '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';
}

/** GetUserAvailabilityRequest for free/busy of several mailboxes over the next day. */
export function availabilityBody(mailboxes: string[], start = new Date()): string {
  const from = new Date(Math.floor(start.getTime() / 3_600_000) * 3_600_000);
  const to = new Date(from.getTime() + 24 * 3_600_000);
  const iso = (d: Date) => d.toISOString().slice(0, 19);
  const data = mailboxes.map((m) => `<m:MailboxData><t:Email><t:Address>${esc(m)}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType><t:ExcludeConflicts>false</t:ExcludeConflicts></m:MailboxData>`).join('');
  return `<m:GetUserAvailabilityRequest><t:TimeZone><t:Bias>0</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime><t:DaylightTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>4</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone><m:MailboxDataArray>${data}</m:MailboxDataArray><t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${iso(from)}</t:StartTime><t:EndTime>${iso(to)}</t:EndTime></t:TimeWindow><t:MergedFreeBusyIntervalInMinutes>60</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions></m:GetUserAvailabilityRequest>`;
}

/** FindItem in the inbox of each named mailbox: one non-Availability request about several users. */
export function findItemBody(mailboxes: string[]): string {
  const folders = mailboxes.map((m) => `<t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>${esc(m)}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>`).join('');
  return `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${folders}</m:ParentFolderIds></m:FindItem>`;
}

async function call(dispatcher: Dispatcher, url: string, user: string, password: string, action: string, body: string, opts: EwsOptions): Promise<EwsResult> {
  const t = new Transcript();
  const version = opts.version ?? 'Exchange2007_SP1';
  const res = await recordedRequest(dispatcher, t, {
    url,
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"http://schemas.microsoft.com/exchange/services/2006/messages/${action}"`,
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
      'user-agent': 'ExchangeServicesClient/14.02.0051.000 (cas-conformance)',
    },
    body: envelope(version, body),
    bodySummary: `SOAP ${action}, RequestServerVersion ${version}`,
    timeoutMs: opts.timeoutMs ?? 10_000,
  });
  const text = Buffer.from(res.body).toString('utf8');
  const out: EwsResult = { status: res.status, headers: res.headers, body: text, wellFormed: false, responseCodes: [], responseClasses: [], messageTexts: [], transcript: [] };
  let root: XmlElement | undefined;
  if (/xml/i.test(String(res.headers['content-type'] ?? '')) || text.trimStart().startsWith('<?xml')) {
    try {
      root = parseXml(text);
      out.wellFormed = true;
    } catch (err) {
      out.xmlError = (err as Error).message;
      t.note(`(answer is not well-formed XML: ${out.xmlError})`);
    }
  }
  if (root && root.local === 'Envelope' && root.ns === NS_SOAP) readEnvelope(root, out);
  for (const c of out.responseCodes) t.add('S', `(ResponseCode ${c})`);
  if (out.serverVersion) t.add('S', `(ServerVersionInfo ${out.serverVersion.majorVersion}.${out.serverVersion.minorVersion}.${out.serverVersion.majorBuildNumber}.${out.serverVersion.minorBuildNumber}${out.serverVersion.version ? ' ' + out.serverVersion.version : ''})`);
  out.transcript = t.snapshot();
  return out;
}

function readEnvelope(root: XmlElement, out: EwsResult): void {
  const info = child(child(root, 'Header', NS_SOAP), 'ServerVersionInfo');
  if (info) {
    const n = (k: string) => Number(info.attrs[k] ?? NaN);
    out.serverVersion = {
      majorVersion: n('MajorVersion'), minorVersion: n('MinorVersion'), majorBuildNumber: n('MajorBuildNumber'), minorBuildNumber: n('MinorBuildNumber'),
      ...(info.attrs.Version ? { version: info.attrs.Version } : {}),
    };
  }
  const body = child(root, 'Body', NS_SOAP);
  if (!body) return;
  for (const el of descendants(body, 'ResponseCode')) out.responseCodes.push(el.text.trim());
  for (const el of descendants(body, 'MessageText')) out.messageTexts.push(el.text.trim());
  const withClass = (e: XmlElement): void => {
    if (e.attrs.ResponseClass) out.responseClasses.push(e.attrs.ResponseClass);
    e.children.forEach(withClass);
  };
  withClass(body);
  const fault = child(body, 'Fault', NS_SOAP);
  if (fault) out.fault = childText(fault, 'faultstring') ?? '';
}

/**
 * GetFolder of the inbox.
 * @example
 * const r = await getFolder(agent, lab.origin('cas2010.site1.contoso.lab') + '/EWS/Exchange.asmx', 'red', 'Red-P@ss1');
 * r.serverVersion?.majorVersion; // 14
 * r.responseCodes;               // ['NoError']
 */
export function getFolder(dispatcher: Dispatcher, url: string, user: string, password: string, opts: EwsOptions = {}): Promise<EwsResult> {
  return call(dispatcher, url, user, password, 'GetFolder', getFolderBody(), opts);
}

/** GetUserAvailability (free/busy) for several mailboxes in one request. */
export function getUserAvailability(dispatcher: Dispatcher, url: string, user: string, password: string, mailboxes: string[], opts: EwsOptions = {}): Promise<EwsResult> {
  if (!mailboxes.length) throw new TypeError('getUserAvailability: name at least one mailbox');
  return call(dispatcher, url, user, password, 'GetUserAvailability', availabilityBody(mailboxes), opts);
}

/** FindItem in the inboxes of several mailboxes in one request (not the Availability service). */
export function findItemsForMailboxes(dispatcher: Dispatcher, url: string, user: string, password: string, mailboxes: string[], opts: EwsOptions = {}): Promise<EwsResult> {
  if (!mailboxes.length) throw new TypeError('findItemsForMailboxes: name at least one mailbox');
  return call(dispatcher, url, user, password, 'FindItem', findItemBody(mailboxes), opts);
}
