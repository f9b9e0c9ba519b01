/** TOP msg n (RFC 1939 7): the header, the blank line, and the first n lines of the body. */
import { TRANSACTION, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';
import { messageArg } from './message-arg.ts';

export const top: Pop3Command = {
  states: TRANSACTION,
  run(ctx) {
    const a = messageArg(ctx.session, ctx.args[0]);
    if ('error' in a) return ctx.err(a.error);
    const nArg = ctx.args[1];
    if (nArg === undefined || !/^\d{1,9}$/.test(nArg) || ctx.args.length > 2) return ctx.err(POP3_TEXT.protocolError);
    const m = ctx.session.messages[a.index]!;
    const lines = m.text.toString('latin1').split('\r\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const body = lines.slice(0, Number(nArg)).map((l) => `${l}\r\n`).join('');
    ctx.multiline('', Buffer.concat([m.header, Buffer.from(body, 'latin1')]));
  },
};
