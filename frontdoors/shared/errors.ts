/**
 * Errors of the real-proxy adapters' shared helpers. frontdoors/ may not import harness/errors.ts
 * (ARCHITECTURE.md "What may import what"), so the launchers in harness/frontdoor/adapters/ wrap
 * these into FrontDoorLaunchError, keeping the message (it names the file, port or proxy words).
 */
export class AdapterError extends Error {
  readonly code: string = 'FRONTDOOR_ADAPTER_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A template names a placeholder nobody filled, or was given a value it never uses. */
export class TemplateError extends AdapterError {
  override readonly code = 'TEMPLATE_ERR';
}

/** The directory (CAS_DIRECTORY_URL) could not be read or answered nonsense. */
export class DirectoryFetchError extends AdapterError {
  override readonly code = 'DIRECTORY_FETCH_ERR';
}

/** A port the proxy must listen on is already taken. */
export class PortTakenError extends AdapterError {
  override readonly code = 'PORT_TAKEN';
}
