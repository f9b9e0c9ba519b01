/**
 * Error classes of the reference front door, each with a literal `code` (undici lib/core/errors.js
 * pattern). A request that meets one gets a short text answer with the status the class names; the
 * front door itself keeps serving.
 */
export class FrontDoorError extends Error {
  readonly code: string = 'FRONTDOOR_ERR';
  /** HTTP status a client sees when this error ends its request. */
  readonly status: number = 500;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The directory (the lab's Active Directory) did not answer or answered nonsense. */
export class DirectoryUnavailableError extends FrontDoorError {
  override readonly code = 'FRONTDOOR_DIRECTORY_UNAVAILABLE';
  override readonly status = 503;
}

/** No legacy CAS is up (or in service) for the protocol and site a request needs (001: "excludes it from being a proxy target"). */
export class NoTargetError extends FrontDoorError {
  override readonly code = 'FRONTDOOR_NO_TARGET';
  override readonly status = 503;
}

/** The hop to a legacy CAS failed: refused, reset, TLS failure. */
export class HopError extends FrontDoorError {
  override readonly code = 'FRONTDOOR_HOP_FAILED';
  override readonly status = 502;
}

/** A client request the front door refuses (bad syntax, outside the topology, too large). */
export class BadRequestError extends FrontDoorError {
  override readonly code = 'FRONTDOOR_BAD_REQUEST';
  override readonly status: number = 400;
  constructor(message: string, readonly httpStatus = 400) {
    super(message);
    this.status = httpStatus;
  }
}

/** The front door's configuration (contract, files) is unusable: it cannot start. */
export class FrontDoorConfigError extends FrontDoorError {
  override readonly code = 'FRONTDOOR_CONFIG_ERR';
}
