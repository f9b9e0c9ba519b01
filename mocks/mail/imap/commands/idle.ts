/** IDLE (RFC 2177): `+ IDLE accepted, awaiting DONE command.` until the client sends DONE. */
import { AUTHENTICATED, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';

export const idle: ImapCommand = {
  states: AUTHENTICATED,
  async run(ctx) {
    if (ctx.args.length > 0) return ctx.bad(IMAP_TEXT.argumentError);
    ctx.continuation(IMAP_TEXT.idleAccepted);
    const line = await ctx.readLine();
    if (line === null) return;
    if (line.trim().toUpperCase() === 'DONE') ctx.ok('IDLE completed.');
    else ctx.bad(IMAP_TEXT.argumentError);
  },
};
