/**
 * A mobile device speaking Exchange ActiveSync (MS-ASHTTP) with Basic authentication: OPTIONS,
 * FolderSync and Sync. It honours `451` + `X-MS-Location` as MS-ASHTTP asks (001: "CAS2010 will
 * issue a 451 response to the device, notifying the device it needs to use a new namespace"): the
 * request is sent again at the new URL and every later request goes there too. A 451 without
 * X-MS-Location would send a real device to Autodiscover; this one reports it and stops.
 */
import type { Dispatcher } from 'undici';
import { headerValue, recordedRequest, Transcript, type ResponseHeaders, type TranscriptEntry } from './transcript.ts';

export { HttpClientError } from './transcript.ts';

export interface EasDeviceOptions {
  dispatcher: Dispatcher;
  /** `https://host:port/Microsoft-Server-ActiveSync` (an origin alone gets that path). */
  baseUrl: string;
  /** Sent in Basic authentication and in `User=` (as given: `red` or `CONTOSO\red`). */
  user: string;
  password: string;
  deviceId: string;
  deviceType: string;
  /** MS-ASProtocolVersion header. Default '14.1'. */
  protocolVersion?: '14.1' | '14.0' | '12.1' | '12.0' | '2.5';
  /** Follow a 451's X-MS-Location. Default true. */
  followLocation?: boolean;
  /** Bound on each request. Default 10 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** X-MS-PolicyKey to send (none by default). */
  policyKey?: string;
}

export interface EasResult {
  status: number;
  headers: ResponseHeaders;
  /** The URL that gave this answer (after a followed 451, the new namespace). */
  url: string;
  /** X-MS-Location of a 451 met during this call, if any. */
  location451?: string;
  body: Uint8Array;
  transcript: TranscriptEntry[];
}

// WBXML (MS-ASWBXML): version 1.3, public id 1, UTF-8, empty string table.
const HEADER = [0x03, 0x01, 0x6a, 0x00];
/** FolderSync (code page 7 FolderHierarchy: FolderSync 0x16, SyncKey 0x12) with SyncKey 0: the first sync. */
export const FOLDER_SYNC_REQUEST = new Uint8Array([...HEADER, 0x00, 0x07, 0x56, 0x52, 0x03, 0x30, 0x00, 0x01, 0x01]);
/** Sync (code page 0 AirSync: Sync 0x05, Collections 0x1C, Collection 0x0F, SyncKey 0x0B, CollectionId 0x12) of collection 1, SyncKey 0. */
export const SYNC_REQUEST = new Uint8Array([...HEADER, 0x45, 0x5c, 0x4f, 0x4b, 0x03, 0x30, 0x00, 0x01, 0x52, 0x03, 0x31, 0x00, 0x01, 0x01, 0x01, 0x01]);

const MAX_FOLLOWS = 5;

/**
 * @example
 * const d = new EasDevice({ dispatcher: lab.agent(), baseUrl: lab.origin('cas2010.site1.contoso.lab'),
 *   user: 'orange', password: 'Orange-P@ss1', deviceId: 'ORANGE0001', deviceType: 'WindowsPhone' });
 * const r = await d.options();
 * r.location451; // 'https://mail-region.contoso.lab:.../Microsoft-Server-ActiveSync'
 * d.baseUrl;     // the same: later requests go there
 */
export class EasDevice {
  readonly transcript = new Transcript();
  /** Every X-MS-Location followed, in order. */
  readonly followed: string[] = [];
  #base: URL;
  readonly #o: Required<Omit<EasDeviceOptions, 'policyKey'>> & { policyKey?: string };

  constructor(opts: EasDeviceOptions) {
    if (!opts || typeof opts.dispatcher?.dispatch !== 'function') throw new TypeError('EasDevice: opts.dispatcher must be an undici Dispatcher');
    if (!/^https?:\/\//i.test(opts.baseUrl ?? '')) throw new TypeError('EasDevice: opts.baseUrl must be an https:// or http:// URL');
    if (!opts.user || typeof opts.password !== 'string') throw new TypeError('EasDevice: opts.user and opts.password are required');
    if (!/^[A-Za-z0-9]{1,32}$/.test(opts.deviceId ?? '')) throw new TypeError('EasDevice: opts.deviceId must be 1..32 letters or digits (MS-ASHTTP)');
    if (!/^[A-Za-z0-9]{1,32}$/.test(opts.deviceType ?? '')) throw new TypeError('EasDevice: opts.deviceType must be 1..32 letters or digits');
    if (opts.timeoutMs !== undefined && !(opts.timeoutMs > 0)) throw new TypeError('EasDevice: opts.timeoutMs must be a positive number');
    this.#o = {
      ...opts,
      protocolVersion: opts.protocolVersion ?? '14.1',
      followLocation: opts.followLocation ?? true,
      timeoutMs: opts.timeoutMs ?? 10_000,
      userAgent: opts.userAgent ?? `${opts.deviceType}/1.0 (cas-conformance)`,
    };
    this.#base = easUrl(opts.baseUrl);
  }

  /** Where the next request goes (changes after a followed 451). */
  get baseUrl(): string {
    return this.#base.href;
  }

  /** OPTIONS: the protocol versions and commands the server offers. */
  options(): Promise<EasResult> {
    return this.#call('OPTIONS', null);
  }

  /** POST Cmd=FolderSync with SyncKey 0. */
  folderSync(): Promise<EasResult> {
    return this.#call('POST', 'FolderSync', FOLDER_SYNC_REQUEST);
  }

  /** POST Cmd=Sync of collection 1 with SyncKey 0. */
  sync(): Promise<EasResult> {
    return this.#call('POST', 'Sync', SYNC_REQUEST);
  }

  async #call(method: 'OPTIONS' | 'POST', cmd: string | null, body?: Uint8Array): Promise<EasResult> {
    let location451: string | undefined;
    let last: EasResult | undefined;
    // Bounded: one send, plus one after a followed 451 (and never more than MAX_FOLLOWS in the device's life).
    for (let attempt = 0; attempt < 2; attempt++) {
      const url = this.#requestUrl(cmd);
      const headers: Record<string, string> = {
        authorization: `Basic ${Buffer.from(`${this.#o.user}:${this.#o.password}`).toString('base64')}`,
        'ms-asprotocolversion': this.#o.protocolVersion,
        'user-agent': this.#o.userAgent,
      };
      if (body) headers['content-type'] = 'application/vnd.ms-sync.wbxml';
      if (this.#o.policyKey !== undefined) headers['x-ms-policykey'] = this.#o.policyKey;
      const res = await recordedRequest(this.#o.dispatcher, this.transcript, {
        url, method, headers, body, timeoutMs: this.#o.timeoutMs,
        recordHeaders: ['ms-asprotocolversions', 'ms-server-activesync'],
        ...(body ? { bodySummary: `WBXML ${cmd} (${body.byteLength} bytes)` } : {}),
      });
      const result = (): EasResult => ({ status: res.status, headers: res.headers, url, body: res.body, transcript: this.transcript.snapshot(), ...(location451 ? { location451 } : {}) });
      last = result();
      if (res.status !== 451) return last;
      const loc = headerValue(res.headers, 'x-ms-location');
      location451 = loc;
      if (!loc) {
        this.transcript.note('(451 without X-MS-Location: a device would run Autodiscover now; this one stops)');
        return result();
      }
      if (!this.#o.followLocation || attempt > 0 || this.followed.length >= MAX_FOLLOWS) return result();
      let next: URL;
      try {
        next = easUrl(loc);
      } catch {
        this.transcript.note(`(X-MS-Location ${loc} is not a usable URL: not followed)`);
        return result();
      }
      this.followed.push(loc);
      this.#base = next;
      this.transcript.note(`(451: the device uses ${next.href} from now on and sends the request again)`);
    }
    return last!;
  }

  #requestUrl(cmd: string | null): string {
    const q = [cmd ? `Cmd=${encodeURIComponent(cmd)}` : null, `User=${encodeURIComponent(this.#o.user)}`, `DeviceId=${encodeURIComponent(this.#o.deviceId)}`, `DeviceType=${encodeURIComponent(this.#o.deviceType)}`];
    return `${this.#base.origin}${this.#base.pathname}?${q.filter(Boolean).join('&')}`;
  }
}

/** The EAS endpoint of a base URL: an origin alone gets `/Microsoft-Server-ActiveSync`. */
function easUrl(raw: string): URL {
  const u = new URL(raw);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TypeError(`not an HTTP URL: ${raw}`);
  if (u.pathname === '/' || u.pathname === '') u.pathname = '/Microsoft-Server-ActiveSync';
  u.search = '';
  u.hash = '';
  return u;
}
