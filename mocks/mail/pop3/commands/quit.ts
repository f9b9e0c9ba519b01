/**
 * QUIT (RFC 1939 6): in TRANSACTION the session enters UPDATE and the marked messages are removed;
 * the mock hands them to `commitDeletes` (when the lab gives one) and keeps no store of its own.
 * A session that ends any other way deletes nothing.
 */
import { EITHER, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';

export const quit: Pop3Command = {
  states: EITHER,
  run(ctx) {
    const s = ctx.session;
    if (s.state === 'transaction' && s.deleted.size > 0 && s.user !== null) {
      ctx.options.commitDeletes?.(s.user, [...s.deleted].sort((a, b) => a - b));
    }
    ctx.ok(POP3_TEXT.signOff);
    ctx.close('quit');
  },
};
