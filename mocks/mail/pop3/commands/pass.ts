/**
 * PASS (RFC 1939 7): completes USER. A user whose mailbox is in another site is refused with the
 * same logon-failure text (UNVERIFIED: 003 says such clients "must connect to a Client Access
 * server in the same Active Directory site as its Mailbox server"); the journal says `wrong-site`.
 */
import { AUTHORIZATION, type Pop3Command } from '../context.ts';
import { POP3_TEXT } from '../texts.ts';
import { openMaildrop } from './open-maildrop.ts';

export const pass: Pop3Command = {
  states: AUTHORIZATION,
  async run(ctx) {
    const s = ctx.session;
    const name = s.pendingUser;
    s.pendingUser = null;
    if (name === null) return ctx.err(POP3_TEXT.invalidState);
    const outcome = await ctx.login(name, ctx.rest, 'login');
    if (!outcome.ok) return ctx.err(POP3_TEXT.logonFailure);
    openMaildrop(s, outcome.user, outcome.messages);
    ctx.ok(POP3_TEXT.loggedOn);
  },
};
