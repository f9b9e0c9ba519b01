/**
 * Errors of the HTTP side of the mocks, each with a literal `code` (undici lib/core/errors.js).
 * Kept here rather than in harness/errors.ts: mocks/ may not import the harness.
 */

/** Options given to the listener are wrong (names the option). */
export class HttpListenerOptionError extends Error {
  readonly code = 'HTTP_LISTENER_OPTION_ERR';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The server could not bind (address in use, address not on loopback, bad certificate...). */
export class HttpListenError extends Error {
  readonly code = 'HTTP_LISTEN_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A request body went past `maxBodyBytes` while streaming; the listener answers 413. */
export class BodyTooLargeError extends Error {
  readonly code = 'HTTP_BODY_TOO_LARGE';
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
    this.name = new.target.name;
  }
}
