/**
 * Errors of the probe. A ProbeError is bad input or a probe that cannot run (one clear line, exit 2
 * through the CLI's LabError handling); a ProbeScopeError is the probe refusing to reach anything
 * but the host it was given (a bug if it ever fires: every URL is built from the target).
 */
import { LabError } from '../errors.ts';

export class ProbeError extends LabError {
  override readonly code: string = 'PROBE_ERR';
}

/** A connection to a host other than the one given was attempted and refused before any packet. */
export class ProbeScopeError extends ProbeError {
  override readonly code = 'PROBE_SCOPE';
  constructor(readonly host: string, readonly allowed: readonly string[]) {
    super(`refusing a connection to ${host}: the probe talks only to ${allowed.join(', ')}`);
  }
}

/** A probe file that does not validate against the schema of its version. */
export class ProbeFileError extends ProbeError {
  override readonly code = 'PROBE_FILE';
}
