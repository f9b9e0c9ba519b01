/**
 * LOGIN (RFC 3501 6.2.3). Under LOGINDISABLED (SecureLogin before TLS) the attempt is refused
 * and journaled as `disabled`. No CAPABILITY response code on success (PROTOCOL-FACTS).
 * A user whose mailbox is in another site is refused with the same `NO LOGIN failed.`: the text
 * Exchange gives there is UNVERIFIED (003: "A client that is using POP3 or IMAP4 must connect to a
 * Client Access server in the same Active Directory site as its Mailbox server").
 */
import { astring } from '../parser.ts';
import { ImapArgumentError, NOT_AUTHENTICATED, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';
import { openSession } from './session-open.ts';

export const login: ImapCommand = {
  states: NOT_AUTHENTICATED,
  async run(ctx) {
    const user = astring(ctx.args[0]);
    const pass = astring(ctx.args[1]);
    if (user === null || pass === null || ctx.args.length !== 2) throw new ImapArgumentError('LOGIN user pass');
    const outcome = await ctx.login(user, pass, 'login');
    if (!outcome.ok) return ctx.no(IMAP_TEXT.loginFailed);
    openSession(ctx.session, outcome.user, outcome.messages);
    ctx.ok('LOGIN completed.');
  },
};
