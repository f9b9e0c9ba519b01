/**
 * The pieces of HTTP's grammar the front door checks on both legs: the client's request heads
 * (http/server.ts), the hop's request heads (exchange.ts) and the legacy CAS's answers (response-parser.ts).
 */

/** A token (RFC 9110 5.6.2): a method or a field name. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A character outside field values (RFC 9110 5.5: VCHAR, obs-text, SP, HTAB): any control character, CR and LF included. */
export const NOT_FIELD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
