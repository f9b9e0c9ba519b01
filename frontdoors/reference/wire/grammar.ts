/**
 * The pieces of HTTP's grammar the front door checks on both legs: the client's request heads
 * (request-parser.ts), the hop's request heads (exchange.ts) and the legacy CAS's answers (response-parser.ts).
 */

/** The characters of a token (RFC 9110 5.6.2) and of a field value (5.5: VCHAR, obs-text, SP, HTAB), once for every expression below. */
const TCHAR = "!#$%&'*+.^_`|~0-9A-Za-z-";
const FIELD_CHAR = '\\t\\x20-\\x7e\\x80-\\xff';

/** A token: a method or a field name. */
export const TOKEN = new RegExp(`^[${TCHAR}]+$`);

/** A character outside field values: any control character, CR and LF included. */
export const NOT_FIELD_VALUE = new RegExp(`[^${FIELD_CHAR}]`);

/** One field line: a token, a colon, field characters (no fold, no empty or spaced name: RFC 9112 5.1, 5.2). */
export const FIELD_LINE = new RegExp(`^[${TCHAR}]+:[${FIELD_CHAR}]*$`);

/** Field lines from `lastIndex` to the end: `name:value` joined by CRLF, each name a token, each value field characters. */
const FIELD_LINES = new RegExp(`[${TCHAR}]+:[${FIELD_CHAR}]*(?:\\r\\n[${TCHAR}]+:[${FIELD_CHAR}]*)*$`, 'y');

/**
 * Whether every field line of a head (from `from`, the character after the start line's CRLF, to the end
 * of `head`, which holds no final CRLF) is well formed: a token, a colon, field characters (RFC 9110 5.5,
 * 5.6.2; RFC 9112 5: no fold, no empty or spaced name, no bare CR or LF, no control character). One
 * expression for the whole head where a check per line cost two calls a line, on each of the hop's
 * answers and the client's requests (issue 14). A reader that finds it false checks line by line to say
 * which line is at fault.
 */
export function fieldLinesOk(head: string, from: number): boolean {
  if (from >= head.length) return true;
  FIELD_LINES.lastIndex = from;
  return FIELD_LINES.test(head);
}

/**
 * A field value without the optional whitespace around it (RFC 9110 5.5: SP and HTAB only). Not
 * String.trim, which also takes U+00A0: in a latin1 head that is the obs-text byte 0xA0, part of the value.
 */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * A Transfer-Encoding value's codings (RFC 9112 6.1: a comma-separated list; several fields joined with
 * commas), each without OWS and in lower case, empty members dropped. Both readers frame by it: a final
 * `chunked` (once) is a chunked body.
 */
export function transferCodings(te: string): string[] {
  return te.split(',').map((t) => trimOws(t).toLowerCase()).filter(Boolean);
}

/** Whether `name` is `lower` (an ASCII lower-case field name), compared without making a lower-case copy first. */
export function isName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || name.toLowerCase() === lower);
}

/** `connection` (a Connection value in lower case, comma-separated) names `token`. Most say just one token. */
export function hasToken(connection: string | null, token: string): boolean {
  if (connection === null) return false;
  if (connection === token) return true;
  // One token (nearly every head): no array and no closure per request (issue 14).
  if (connection.indexOf(',') < 0) return trimOws(connection) === token;
  return connection.split(',').some((t) => trimOws(t) === token);
}
