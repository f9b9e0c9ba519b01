/**
 * The journal's event types: everything a mock (or the lab around it) saw, with enough detail to
 * judge a rule from outside the candidate. Serialisable as JSON (the control API ships them).
 */

interface Base {
  /** Sequence number, increasing across the whole lab. */
  seq: number;
  /** ISO time the event was recorded. */
  time: string;
  /** FQDN of the mock that saw it (or `directory`, `lab`). */
  server: string;
}

/** A cookie the client sent or the mock set, with the form we recognise (user context forms of seed 000). */
export interface CookieNote {
  name: string;
  form?: 'guid32' | 'canary76' | 'other';
}

/** One HTTP request a mock answered, written before the answer leaves (cache-tests' origin). */
export interface HttpEvent extends Base {
  kind: 'http';
  vdir: string;
  method: string;
  path: string;
  query: string;
  /** The Host header as received (front doors send various ones). */
  host: string;
  /** TLS SNI, or null on plain HTTP / no SNI. */
  sni: string | null;
  scheme: 'https' | 'http';
  localPort: number;
  remoteAddress: string;
  /**
   * Which connection the mock took the request on: the ordinal of that TCP connection among those the
   * mock's listener accepted (1, 2, ...). Requests with the same `server` and `connection` shared one
   * upstream connection (NTLM identity is bound to it). Absent in events recorded before it existed.
   */
  connection?: number;
  /** Scheme of the Authorization header (Basic, NTLM, Negotiate) or null. */
  authScheme: string | null;
  /** Authenticated user (samAccountName) or the user named by the request, null if none. */
  user: string | null;
  userAgent: string | null;
  cookies: CookieNote[];
  setCookies: CookieNote[];
  /** Names of form fields posted (values are not kept: they hold passwords). */
  formFields: string[];
  /** Selected request headers (X-Forwarded-For, X-OWA-*, Via, Connection…), lower-case names. */
  headers: Record<string, string>;
  status: number;
  /** What the mock decided: served, proxied, redirected, 451, refused, probe, placeholder, fault… */
  decision: string;
  /** Where a proxy or redirect decision points (URL), if any. */
  target?: string;
  durationMs: number;
}

export interface TlsEvent extends Base {
  kind: 'tls';
  localPort: number;
  remoteAddress: string;
  sni: string | null;
  /** `ok` or the failure. */
  outcome: string;
  protocol: string | null;
  /** Which certificate was presented (subject CN). */
  certificate: string | null;
  service: 'https' | 'imap4' | 'pop3';
}

/** One mail connection as a mock CAS saw it: the fields its `mail` and `mail-login` events share. */
interface MailConnectionFields extends Base {
  protocol: 'imap4' | 'pop3';
  /** How the session was carried: ssl (implicit TLS), tls (STARTTLS/STLS), plain. */
  method: 'ssl' | 'tls' | 'plain';
  /** The listener's kind (a `tls` listener used without STARTTLS stays plaintext). */
  listener: 'ssl' | 'tls' | 'plain';
  upgraded: boolean;
  sni: string | null;
  localPort: number;
  remoteAddress: string;
  /** Remote port: with localPort and remoteAddress it names the connection (absent in old `mail` events). */
  remotePort?: number;
  commands: string[];
}

/** A mail connection that ended, written when it closed, whatever closed it. */
export interface MailEvent extends MailConnectionFields {
  kind: 'mail';
  user: string | null;
  login: 'ok' | 'refused' | 'disabled' | 'wrong-site' | 'none';
  bytesIn: number;
  bytesOut: number;
  closeReason: string;
  durationMs: number;
}

/**
 * A mail login a mock accepted, written before its OK leaves. The connection's `mail` event comes only
 * when the connection ends, which a front door may delay; this one is there by the time any client
 * could have been told the login worked. `commands` are the connection's up to the login.
 */
export interface MailLoginEvent extends MailConnectionFields {
  kind: 'mail-login';
  remotePort: number;
  user: string;
  /** When the connection started (ms since the epoch). */
  connectedAt: number;
}

/** A hop one mock CAS made to another (CAS-CAS proxy), recorded by the proxying mock. */
export interface HopEvent extends Base {
  kind: 'hop';
  protocol: string;
  url: string;
  targetServer: string;
  status: number | null;
  error?: string;
}

/** A Windows-style application event-log entry (42, 46, 4999, …). */
export interface EventLogEvent extends Base {
  kind: 'eventlog';
  eventId: number;
  source: string;
  category: string;
  level: 'Error' | 'Warning' | 'Information';
  message: string;
  watson?: string[];
}

/** A fault injected or cleared through the control API. */
export interface FaultEvent extends Base {
  kind: 'fault';
  action: 'inject' | 'clear';
  description: string;
}

export type JournalEvent = HttpEvent | TlsEvent | MailEvent | MailLoginEvent | HopEvent | EventLogEvent | FaultEvent;
export type JournalKind = JournalEvent['kind'];

/** What a recorder passes in: the journal fills `seq` and `time`. */
export type NewEvent = JournalEvent extends infer E ? (E extends JournalEvent ? Omit<E, 'seq' | 'time'> : never) : never;
