/**
 * AUTHENTICATE (RFC 3501 6.2.2) with SASL PLAIN (RFC 4616), both with an initial response in the
 * command (SASL-IR, RFC 4959; `=` is an empty one) and through a `+` continuation; NTLM through
 * mocks/mail/sasl-ntlm.ts. GSSAPI is advertised as Exchange does but not modelled: it is refused.
 */
import { decodeSaslPlain } from '../../login-policy.ts';
import { ImapArgumentError, NOT_AUTHENTICATED, type ImapCommand } from '../context.ts';
import { IMAP_TEXT } from '../texts.ts';
import { openSession } from './session-open.ts';
import { saslNtlm } from '../../sasl-ntlm.ts';

export const authenticate: ImapCommand = {
  states: NOT_AUTHENTICATED,
  async run(ctx) {
    const [mechArg, irArg] = ctx.args;
    if (mechArg?.type !== 'atom' || ctx.args.length > 2 || (irArg && irArg.type !== 'atom')) throw new ImapArgumentError('AUTHENTICATE mech');
    const mech = mechArg.value.toUpperCase();
    if (mech === 'NTLM') {
      const r = await saslNtlm(ctx.options, ctx, irArg?.type === 'atom' ? irArg.value : undefined);
      if (!r.ok) return r.cancelled ? ctx.bad(IMAP_TEXT.authCancelled) : ctx.no(IMAP_TEXT.authFailed);
      const outcome = await ctx.login(r.user, r.password, 'sasl');
      if (!outcome.ok) return ctx.no(IMAP_TEXT.authFailed);
      openSession(ctx.session, outcome.user, outcome.messages);
      return ctx.ok('AUTHENTICATE completed.');
    }
    if (mech === 'GSSAPI') return ctx.no(IMAP_TEXT.authFailed);
    if (mech !== 'PLAIN') return ctx.bad(IMAP_TEXT.argumentError);
    let response: string | null;
    if (irArg?.type === 'atom') response = irArg.value === '=' ? '' : irArg.value;
    else {
      ctx.continuation('');
      response = await ctx.readLine();
      if (response === null) return;
    }
    if (response.trim() === '*') return ctx.bad(IMAP_TEXT.authCancelled);
    const creds = decodeSaslPlain(response);
    if (!creds) return ctx.no(IMAP_TEXT.authFailed);
    const outcome = await ctx.login(creds.user, creds.pass, 'sasl');
    if (!outcome.ok) return ctx.no(IMAP_TEXT.authFailed);
    openSession(ctx.session, outcome.user, outcome.messages);
    ctx.ok('AUTHENTICATE completed.');
  },
};
