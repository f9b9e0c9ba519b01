/**
 * Errors of the load scenario. A bad option is bad input (exit 2, one line); a lab or candidate that
 * cannot start, or a scenario the harness could not run, is harness trouble (exit 2), never a verdict.
 */
import { LabError } from '../errors.ts';

/** A `load` option out of its range or above a hard cap: the message names the option and the cap. */
export class LoadOptionError extends Error {
  readonly code = 'LOAD_OPTION';
  constructor(message: string) {
    super(message);
    this.name = 'LoadOptionError';
  }
}

/** The harness could not run the scenario (lab, candidate, clients): an error, never a pass or a fail. */
export class LoadHarnessError extends LabError {
  override readonly code = 'LOAD_HARNESS';
}
