/** NOOP (RFC 3501 6.1.2). The mailbox never changes during a session, so nothing to report. */
import { ANY_STATE, ImapArgumentError, type ImapCommand } from '../context.ts';

export const noop: ImapCommand = {
  states: ANY_STATE,
  run(ctx) {
    if (ctx.args.length > 0) throw new ImapArgumentError('no arguments');
    ctx.ok('NOOP completed.');
  },
};
