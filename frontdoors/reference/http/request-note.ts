/**
 * A request's log line, filled in as the request is served (router.ts, owa.ts) and written once when
 * its answer ends. It writes its own JSON: the same text JSON.stringify would give for its fields with
 * `time` first (undefined fields left out, strings cut to MAX_VALUE as the log cuts any record), but
 * without the log's generic walk over the record's keys, which cost about a microsecond of a proxied
 * request's CPU (issue 14; the test holds the two to the same text).
 * @example
 * const note = new RequestNote('GET', '/EWS/Exchange.asmx', 'mail.contoso.lab', '127.0.0.1');
 * note.decision = 'proxied';
 * log.write(note); // {"time":"…","kind":"request","method":"GET","path":"/EWS/Exchange.asmx",…}
 */
import { cut, MAX_VALUE, type OwnLine } from '../log.ts';

/** Characters that JSON writes as they are inside a string: printable ASCII but `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string of `s`, cut to MAX_VALUE as the log cuts every string value. */
function str(s: string): string {
  if (s.length > MAX_VALUE) return JSON.stringify(cut(s));
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** `,"key":value` for a field that is set, nothing for one that is not (JSON.stringify leaves undefined out). */
function field(key: string, v: string | undefined): string {
  return v === undefined ? '' : `,"${key}":${str(v)}`;
}

/** The same for a number (JSON writes NaN and the infinities as null). */
function numField(key: string, n: number | undefined): string {
  return n === undefined ? '' : `,"${key}":${Number.isFinite(n) ? String(n) : 'null'}`;
}

export class RequestNote implements OwnLine {
  readonly kind = 'request';
  /** The answer's status, set when it ends (undefined where the answer has none). */
  status: number | undefined = 0;
  ms: number | undefined = 0;
  vdir: string | undefined = undefined;
  auth: string | undefined = undefined;
  user: string | undefined = undefined;
  why: string | undefined = undefined;
  decision: string | undefined = undefined;
  target: string | undefined = undefined;
  hopAuth: string | undefined = undefined;
  error: string | undefined = undefined;

  constructor(
    readonly method: string,
    readonly path: string | undefined,
    readonly host: string,
    readonly client: string,
  ) {}

  jsonLine(time: string): string {
    return `{"time":${str(time)},"kind":"request","method":${str(this.method)}${field('path', this.path)},"host":${str(this.host)}${numField('status', this.status)}${numField('ms', this.ms)},"client":${str(this.client)}${field('vdir', this.vdir)}${field('auth', this.auth)}${field('user', this.user)}${field('why', this.why)}${field('decision', this.decision)}${field('target', this.target)}${field('hopAuth', this.hopAuth)}${field('error', this.error)}}\n`;
  }
}
