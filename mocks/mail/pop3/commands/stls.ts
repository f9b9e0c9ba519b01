/** STLS (RFC 2595 4): only on a `tls` listener, before TLS and before login. */
import { AUTHORIZATION, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';

export const stls: Pop3Command = {
  states: AUTHORIZATION,
  async run(ctx) {
    if (ctx.session.secure || ctx.session.kind !== 'tls' || ctx.args.length > 0) return ctx.err(POP3_TEXT.invalidState);
    ctx.ok(POP3_TEXT.startTls);
    await ctx.startTls();
  },
};
