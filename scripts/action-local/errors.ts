/**
 * The one error of the local action runner: a workflow or action it cannot run faithfully (an
 * expression, a key, a shell or an `if:` it does not understand, a missing input). It is reported as
 * one line and exit 2, never skipped: skipping would turn "not run" into "passed".
 */
export class ActionLocalError extends Error {
  /** Literal code, as the project's other error classes. */
  readonly code = 'ACTION_LOCAL_ERR';
  constructor(message: string) {
    super(message);
    this.name = 'ActionLocalError';
  }
}
