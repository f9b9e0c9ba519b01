/** DELE msg (RFC 1939 5): marks only; the message goes at QUIT, and RSET unmarks it. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { messageArg } from './message-arg.ts';

export const dele: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const a = messageArg(ctx.session, ctx.args[0]);
    if ('error' in a) return ctx.err(a.error);
    ctx.session.deleted.add(a.index);
    ctx.ok(`message ${a.index + 1} deleted`);
  },
};
