/**
 * Errors of the topology area beyond TopologyError (harness/errors.ts: a document that does not
 * validate). Each carries a literal code; all are LabErrors, so the CLI prints one line and exits 2.
 */
import { LabError } from '../errors.ts';

/** A name that is neither a built-in topology nor a readable file; the message lists the built-ins. */
export class TopologyNotFoundError extends LabError {
  override readonly code = 'TOPOLOGY_NOT_FOUND';
}

/**
 * A seed role (Red, Blue, User3, ...) that the topology in use does not have. `reason` is the
 * sentence a rule reports as its n/a reason ("your topology has no mailbox in a site without an OWA
 * ExternalURL").
 */
export class RoleMissingError extends LabError {
  override readonly code = 'ROLE_MISSING';
  constructor(readonly role: string, readonly reason: string) {
    super(reason);
  }
}

/**
 * An Exchange Management Shell export that cannot be imported. The message is one line naming the
 * file, the row and the field (`OwaVirtualDirectory.csv row 3 field InternalUrl: ...`).
 */
export class TopologyImportError extends LabError {
  override readonly code = 'TOPOLOGY_IMPORT_ERR';
  constructor(readonly file: string, readonly row: number | null, readonly field: string | null, readonly problem: string) {
    super(`${file}${row !== null ? ` row ${row}` : ''}${field ? ` field ${field}` : ''}: ${problem}`);
  }
}
