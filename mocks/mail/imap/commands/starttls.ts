/**
 * STARTTLS (RFC 3501 6.2.1, RFC 2595): only on a `tls` listener before TLS. PROTOCOL-FACTS: the
 * answer is `<tag> OK Begin TLS negotiation now.`; the client then sends CAPABILITY again.
 */
import { NOT_AUTHENTICATED, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';

export const starttls: ImapCommand = {
  states: NOT_AUTHENTICATED,
  async run(ctx) {
    if (ctx.args.length > 0) return ctx.bad(IMAP_TEXT.argumentError);
    if (ctx.session.secure || ctx.session.kind !== 'tls') return ctx.bad(IMAP_TEXT.invalidState);
    ctx.ok(IMAP_TEXT.startTls);
    await ctx.startTls();
  },
};
