/** UIDL [msg] (RFC 1939 7): stable ids so a client can tell what it already downloaded. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { liveMessages, messageArg } from './message-arg.ts';

export const uidl: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const s = ctx.session;
    if (ctx.args.length > 0) {
      const a = messageArg(s, ctx.args[0]);
      if ('error' in a) return ctx.err(a.error);
      return ctx.ok(`${a.index + 1} ${s.messages[a.index]!.uidl}`);
    }
    ctx.multiline('', liveMessages(s).map((x) => `${x.n} ${x.m.uidl}`));
  },
};
