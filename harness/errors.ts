/**
 * Error classes of the harness. Each carries a literal `code` so callers and reports can tell a
 * broken lab (an `error` outcome) from a failed rule. Pattern: undici lib/core/errors.js.
 */
export class LabError extends Error {
  readonly code: string = 'LAB_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A topology document that does not validate; `issues` lists every problem with its JSON path. */
export class TopologyError extends LabError {
  override readonly code = 'TOPOLOGY_ERR';
  constructor(readonly issues: { path: string; message: string }[], source = 'topology') {
    super(`${source} is invalid:\n` + issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n'));
  }
}

export class PkiError extends LabError {
  override readonly code = 'PKI_ERR';
}

export class MockStartError extends LabError {
  override readonly code = 'MOCK_START_ERR';
}

export class JournalTimeoutError extends LabError {
  override readonly code = 'JOURNAL_TIMEOUT';
}

export class ControlApiError extends LabError {
  override readonly code = 'CONTROL_API_ERR';
}

export class FrontDoorLaunchError extends LabError {
  override readonly code = 'FRONTDOOR_LAUNCH_ERR';
}

/** The candidate's process exited during the run: every later rule is this error (with its exit code and last output). */
export class CandidateExitedError extends LabError {
  override readonly code = 'CANDIDATE_EXITED';
}

/** A rule hit its case timeout and was cancelled: its clients aborted, its journal window closed. */
export class RuleCancelledError extends LabError {
  override readonly code = 'RULE_CANCELLED';
}

/** A rule body finished without checking any precondition: its pass would be vacuous, so it is no verdict. */
export class NoPreconditionError extends LabError {
  override readonly code = 'RULE_NO_PRECONDITION';
}

/** A precondition the lab (not the candidate) failed to establish: the rule cannot be judged. */
export class PreconditionLabError extends LabError {
  override readonly code = 'PRECONDITION_LAB';
}
