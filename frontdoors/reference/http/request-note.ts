/**
 * A request's log line, filled in as the request is served (router.ts, owa.ts) and written once when
 * its answer ends. It writes its own JSON: what JSON.stringify would give for its fields with `time`
 * first (undefined fields left out, strings cut to MAX_VALUE as the log cuts any record; characters
 * beyond ASCII escaped), without the log's generic walk over the record's keys and without encoding
 * the line: about a microsecond of a proxied request's CPU (issue 14). The test holds the two to the
 * same value, and to the same text where the strings are ASCII.
 * @example
 * const note = new RequestNote('GET', '/EWS/Exchange.asmx', 'mail.contoso.lab', '127.0.0.1');
 * note.decision = 'proxied';
 * log.write(note); // {"time":"…","kind":"request","method":"GET","path":"/EWS/Exchange.asmx",…}
 */
import { cut, MAX_VALUE, type OwnLine } from '../log.ts';

/** Characters that JSON writes as they are inside a string: printable ASCII but `"` and `\`. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A character JSON.stringify leaves as it is that is not ASCII. */
const NON_ASCII = /[\u0080-\uffff]/g;

/** `\uXXXX` for one UTF-16 unit. */
function escapeUnit(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A JSON string of `s` in ASCII, cut to MAX_VALUE as the log cuts every string value: what JSON.stringify
 * writes, with any other character as a `\uXXXX` escape (the same value to any JSON reader), so the log
 * copies the line byte for byte instead of encoding it.
 */
function str(s: string): string {
  if (s.length > MAX_VALUE) s = cut(s);
  else if (PLAIN.test(s)) return `"${s}"`;
  return JSON.stringify(s).replace(NON_ASCII, escapeUnit);
}

/**
 * The last value of each field and its JSON: most fields repeat from one request to the next (the same
 * host, user, vdir, target, decision), and a comparison costs less than the check str makes.
 */
const lastValue: (string | undefined)[] = [];
const lastJson: string[] = [];

/** `,"key":value` for field number `i` when it is set, nothing when it is not (JSON.stringify leaves undefined out). */
function field(i: number, key: string, v: string | undefined): string {
  if (v === undefined) return '';
  if (v === lastValue[i]) return lastJson[i]!;
  const json = `,"${key}":${str(v)}`;
  lastValue[i] = v;
  lastJson[i] = json;
  return json;
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
    return `{${field(12, 'time', time).slice(1)},"kind":"request"${field(0, 'method', this.method)}${field(1, 'path', this.path)}${field(2, 'host', this.host)}${numField('status', this.status)}${numField('ms', this.ms)}${field(3, 'client', this.client)}${field(4, 'vdir', this.vdir)}${field(5, 'auth', this.auth)}${field(6, 'user', this.user)}${field(7, 'why', this.why)}${field(8, 'decision', this.decision)}${field(9, 'target', this.target)}${field(10, 'hopAuth', this.hopAuth)}${field(11, 'error', this.error)}}\n`;
  }
}
