/** LIST [msg] (RFC 1939 5): sizes in octets of the CRLF form. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { liveMessages, messageArg } from './message-arg.ts';

export const list: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const s = ctx.session;
    if (ctx.args.length > 0) {
      const a = messageArg(s, ctx.args[0]);
      if ('error' in a) return ctx.err(a.error);
      return ctx.ok(`${a.index + 1} ${s.messages[a.index]!.source.length}`);
    }
    const live = liveMessages(s);
    const total = live.reduce((sum, x) => sum + x.m.source.length, 0);
    ctx.multiline(`${live.length} ${total}`, live.map((x) => `${x.n} ${x.m.source.length}`));
  },
};
