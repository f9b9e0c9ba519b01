/** CLOSE (RFC 3501 6.4.2): back to the authenticated state (nothing is ever \Deleted here). */
import { SELECTED, type ImapCommand } from '../context.ts';

export const close: ImapCommand = {
  states: SELECTED,
  run(ctx) {
    ctx.session.selected = null;
    ctx.session.state = 'authenticated';
    ctx.ok('CLOSE completed.');
  },
};
