/**
 * The pieces of HTTP's grammar the front door checks on both legs: the client's request heads
 * (request-parser.ts), the hop's request heads (exchange.ts) and the legacy CAS's answers (response-parser.ts).
 */

/** A token (RFC 9110 5.6.2): a method or a field name. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A character outside field values (RFC 9110 5.5: VCHAR, obs-text, SP, HTAB): any control character, CR and LF included. */
export const NOT_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

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
