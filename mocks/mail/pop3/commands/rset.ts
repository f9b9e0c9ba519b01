/** RSET (RFC 1939 5): unmark every message marked by DELE. */
import { TRANSACTION, type Pop3Command } from '../context.ts';

export const rset: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    ctx.session.deleted.clear();
    ctx.ok();
  },
};
