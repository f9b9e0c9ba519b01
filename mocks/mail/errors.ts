/**
 * Errors of the mail mocks, each with a literal `code` (pattern: undici lib/core/errors.js).
 * Protocol trouble from a client never throws: it becomes a BAD/-ERR answer or a closed session.
 */
export class MailMockError extends Error {
  readonly code: string = 'MAIL_MOCK_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Options that cannot work (a non-loopback address, a bad port). */
export class MailOptionsError extends MailMockError {
  override readonly code = 'MAIL_OPTIONS_ERR';
}

/** A listener could not bind (address in use, address not on this host). */
export class MailListenError extends MailMockError {
  override readonly code = 'MAIL_LISTEN_ERR';
}
