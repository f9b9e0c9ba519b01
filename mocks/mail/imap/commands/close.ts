/** CLOSE (RFC 3501 6.4.2): back to the authenticated state (nothing is ever \Deleted here). */
import { SELECTED, ImapArgumentError, type ImapCommand } from '../context.ts';

export const close: ImapCommand = {
  states: SELECTED,
  run(ctx) {
    if (ctx.args.length > 0) throw new ImapArgumentError('no arguments');
    ctx.session.selected = null;
    ctx.session.state = 'authenticated';
    ctx.ok('CLOSE completed.');
  },
};
