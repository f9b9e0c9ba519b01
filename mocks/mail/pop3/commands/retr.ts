/** RETR msg (RFC 1939 5): the whole message, dot-stuffed, CRLF. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { messageArg } from './message-arg.ts';

export const retr: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const a = messageArg(ctx.session, ctx.args[0]);
    if ('error' in a) return ctx.err(a.error);
    const m = ctx.session.messages[a.index]!;
    ctx.multiline(`${m.source.length} octets`, m.source);
  },
};
